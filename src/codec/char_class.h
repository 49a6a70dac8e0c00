// Character classes of the pre-tokenizer, from a table compiled into the
// runtime (src/codec/char_class_ranges.inc, generated from ICU's general
// categories by tools/gen_char_classes.cc). Being compiled in, the classes —
// and so every codebook's pre-tokens — do not change with the installed ICU.
#ifndef HYPERTOK_CODEC_CHAR_CLASS_H_
#define HYPERTOK_CODEC_CHAR_CLASS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace hypertok {

// kInvalid marks a byte that does not start a valid UTF-8 sequence.
enum class CharClass : uint8_t { kNewline, kSpace, kLetter, kDigit, kOther, kInvalid };

namespace internal {
extern const uint8_t* const kAsciiClass;
// Classes of the Basic Multilingual Plane, one byte per code point.
extern const uint8_t* const kBmpClass;
CharClass SupplementaryClass(uint32_t cp);
}  // namespace internal

// Decodes the character at text[i] (i < text.size()); sets *len (>= 1) and
// returns its class. Overlong forms, surrogates and truncated sequences are
// kInvalid with *len = 1, so every byte string has exactly one reading.
[[gnu::always_inline]] inline CharClass ClassAt(std::string_view text, size_t i, size_t* len) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  const uint8_t c = s[i];
  if (c < 0x80) {
    *len = 1;
    return static_cast<CharClass>(internal::kAsciiClass[c]);
  }
  *len = 1;
  if (c < 0xC2) return CharClass::kInvalid;
  if (c < 0xE0) {
    if (i + 1 >= n || (s[i + 1] & 0xC0) != 0x80) return CharClass::kInvalid;
    *len = 2;
    return static_cast<CharClass>(
        internal::kBmpClass[(uint32_t{c} & 0x1F) << 6 | (s[i + 1] & 0x3F)]);
  }
  if (c < 0xF0) {
    if (i + 2 >= n || (s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80)
      return CharClass::kInvalid;
    const uint32_t cp =
        (uint32_t{c} & 0x0F) << 12 | uint32_t{s[i + 1] & 0x3Fu} << 6 | (s[i + 2] & 0x3Fu);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return CharClass::kInvalid;
    *len = 3;
    return static_cast<CharClass>(internal::kBmpClass[cp]);
  }
  if (c < 0xF5) {
    if (i + 3 >= n || (s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80 ||
        (s[i + 3] & 0xC0) != 0x80)
      return CharClass::kInvalid;
    const uint32_t cp = (uint32_t{c} & 0x07) << 18 | uint32_t{s[i + 1] & 0x3Fu} << 12 |
                        uint32_t{s[i + 2] & 0x3Fu} << 6 | (s[i + 3] & 0x3Fu);
    if (cp < 0x10000 || cp > 0x10FFFF) return CharClass::kInvalid;
    *len = 4;
    return internal::SupplementaryClass(cp);
  }
  return CharClass::kInvalid;
}

}  // namespace hypertok

#endif  // HYPERTOK_CODEC_CHAR_CLASS_H_
