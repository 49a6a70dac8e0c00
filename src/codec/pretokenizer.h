// The pre-tokenizer: cuts text into the units ("pre-tokens") that training
// counts and that the encoder segments. Segments, never normalizes: the units
// concatenate to the input. Rules, applied left to right:
//   - a run of line breaks ('\r', '\n', U+2028, U+2029) is one unit;
//   - a word (letters and combining marks), a number (digits) or a run of
//     other symbols takes one directly preceding ' ' with it (" word");
//   - other whitespace runs are one unit (less a final ' ' that goes with the
//     next word);
//   - a byte that is not valid UTF-8 is a unit on its own.
// Character classes: src/codec/char_class.h (any script).
//
// The scanner keeps no state between units and looks ahead only to decide
// whether a ' ' joins the next unit, so the units of text[p..] for a unit
// boundary p are the units of the whole text from p on, and a run of whole
// units pre-tokenizes on its own exactly as it does in context.
#ifndef HYPERTOK_CODEC_PRETOKENIZER_H_
#define HYPERTOK_CODEC_PRETOKENIZER_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>

#include "codec/char_class.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hypertok {

namespace internal {

// Fast paths for the commonest letter runs, eight bytes at a time; each
// returns the first position at or after j where its kind of character
// stops (the caller goes on one character at a time from there). Both
// agree with ClassAt: ASCII letters and U+0400..U+045F (basic Cyrillic) are
// kLetter, which PretokenizerTest.FastPathCharactersAreLetters checks.

// Skips ASCII letters [A-Za-z].
inline size_t SkipAsciiLetters(const uint8_t* s, size_t j, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  while (j + 8 <= n) {
    uint64_t v;
    std::memcpy(&v, s + j, 8);
    // Per byte (no carries cross bytes: each lane stays below 0x100):
    // y = lower-cased 7-bit value; letter iff 'a' <= y <= 'z' and ASCII.
    const uint64_t y = (v | 0x20 * kOnes) & ~kHigh;
    const uint64_t ge_a = y + (0x80 - 'a') * kOnes;
    const uint64_t gt_z = y + (0x80 - 'z' - 1) * kOnes;
    const uint64_t letter = ge_a & ~gt_z & ~v & kHigh;
    if (letter != kHigh) return j + static_cast<size_t>(std::countr_zero(~letter & kHigh)) / 8;
    j += 8;
  }
  return j;
}

// Skips two-byte characters U+0400..U+045F: D0 80..BF, D1 80..9F. j must be
// a character start.
inline size_t SkipBasicCyrillic(const uint8_t* s, size_t j, size_t n) {
  constexpr uint64_t kLane = 0x00FF00FF00FF00FFULL, kLow = 0x0001000100010001ULL;
  while (j + 8 <= n) {
    uint64_t v;
    std::memcpy(&v, s + j, 8);
    const uint64_t lead = v & kLane, trail = (v >> 8) & kLane;
    // Lead D0 or D1; trail 10xxxxxx, and below A0 after D1.
    const uint64_t trail_mask = 0xC0 * kLow | (lead & kLow) << 5;
    const uint64_t bad = ((lead | kLow) ^ 0xD1 * kLow) | ((trail & trail_mask) ^ 0x80 * kLow);
    if (bad != 0) return j + static_cast<size_t>(std::countr_zero(bad)) / 16 * 2;
    j += 8;
  }
  return j;
}

}  // namespace internal

namespace internal {

// One step of the character-by-character scanner: emits the unit that starts
// at text[i] (i < text.size(), a unit boundary) — and, when a whitespace run
// gives its final ' ' to the word after it, the run first — and returns
// where the next unit starts.
template <typename Emit>
size_t ScanUnit(std::string_view text, size_t i, Emit& emit) {
  const size_t n = text.size();
  size_t len;
  CharClass cls = ClassAt(text, i, &len);
  size_t start = i;
  if (cls == CharClass::kSpace) {
    // Whitespace run; a final ' ' before a word/number/symbol goes with it.
    size_t j = i + len, last = i;
    while (j < n) {
      size_t l2;
      if (ClassAt(text, j, &l2) != CharClass::kSpace) break;
      last = j;
      j += l2;
    }
    size_t next_len = 0;
    CharClass next = j < n ? ClassAt(text, j, &next_len) : CharClass::kNewline;
    bool attach = text[last] == ' ' && (next == CharClass::kLetter || next == CharClass::kDigit ||
                                        next == CharClass::kOther);
    if (!attach) {
      emit(text.substr(i, j - i));
      return j;
    }
    if (last > i) emit(text.substr(i, last - i));
    start = last;
    i = j;
    cls = next;
    len = next_len;
  }
  if (cls == CharClass::kInvalid) {
    emit(text.substr(start, i + 1 - start));
    return i + 1;
  }
  // A run of the same class.
  size_t j = i + len;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  while (j < n) {
    if (cls == CharClass::kLetter) {
      j = bytes[j] < 0x80 ? SkipAsciiLetters(bytes, j, n) : SkipBasicCyrillic(bytes, j, n);
      if (j >= n) break;
    }
    size_t l2;
    if (ClassAt(text, j, &l2) != cls) break;
    j += l2;
  }
  emit(text.substr(start, j - start));
  return j;
}

#if defined(__SSE2__)
// The block scanner reads 64 bytes at a time.
inline constexpr size_t kBlockBytes = 64;

// The block scanner. Where the 64 bytes from a unit boundary i are ASCII and
// basic Cyrillic (U+0400..U+045F) — most of a Russian or English book — the
// unit boundaries among them follow from per-byte class masks with no
// branch per character: a scanner that decides each character in turn
// mispredicts at most unit ends, and that was most of its time. ASCII
// classes are ClassAt's: letters A-Z a-z, digits, line breaks \n \r,
// whitespace \t \v \f ' ', the rest symbols (the test
// BlockScannerAgreesWithCharacterByCharacterReading holds the two together).
//
// Reads kBlockBytes bytes from i (a unit boundary); the text has `avail`
// of them (text.size() - i), the rest are read but not looked at. Emits the
// units the block determines, in order, and returns where the next starts
// (i if the block determines none); *plain: how many bytes from i on are
// plain. When the text ends inside the block and all of it is plain, every
// unit to the end is emitted.
template <typename Emit>
size_t ScanBlock(std::string_view text, size_t i, size_t avail, Emit& emit, size_t* plain) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data()) + i;
  uint64_t high = 0, letter = 0, digit = 0, line = 0, space = 0, blank = 0, d0 = 0, d1 = 0,
           cont = 0, cont_low = 0;
  for (int q = 0; q < 4; ++q) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16 * q));
    auto eq = [&](int b) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(b))); };
    auto masked_eq = [&](int mask, int b) {
      return _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(mask))),
                            _mm_set1_epi8(static_cast<char>(b)));
    };
    auto bits = [&](__m128i m) {
      return static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(m))) << (16 * q);
    };
    // Signed compares: bytes >= 0x80 are negative and fall outside every
    // ASCII range.
    const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    high |= bits(v);
    letter |= bits(_mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                 _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1))));
    digit |= bits(_mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1))));
    line |= bits(_mm_or_si128(eq('\n'), eq('\r')));
    const __m128i b = eq(' ');
    blank |= bits(b);
    space |= bits(_mm_or_si128(_mm_or_si128(b, eq('\t')), _mm_or_si128(eq('\v'), eq('\f'))));
    d0 |= bits(eq(0xD0));
    d1 |= bits(eq(0xD1));
    cont |= bits(masked_eq(0xC0, 0x80));
    cont_low |= bits(masked_eq(0xE0, 0x80));
  }
  // The bytes of the text; a character whose bytes run past them (or past
  // the block) is not plain.
  const uint64_t in = avail >= kBlockBytes ? ~uint64_t{0} : (uint64_t{1} << avail) - 1;
  // Basic Cyrillic: D0 80..BF, D1 80..9F.
  const uint64_t trail = ((d0 << 1 & cont) | (d1 << 1 & cont_low)) & in;
  const uint64_t lead = trail >> 1;
  const uint64_t other_byte = ~(~high | lead | trail) | ~in;
  const size_t n_plain = other_byte ? static_cast<size_t>(std::countr_zero(other_byte)) : 64;
  *plain = n_plain;
  // Classes, one bit per byte (a character's bytes all in its class).
  const uint64_t l = letter | lead | trail;
  const uint64_t o = ~high & ~(letter | digit | line | space);
  // A unit starts at byte k (k >= 1) where the class changes — unless a ' '
  // before k joins the word, number or symbols at k — and at a ' ' that ends
  // a whitespace run and joins what follows it.
  const uint64_t change = (l ^ l << 1) | (digit ^ digit << 1) | (line ^ line << 1) |
                          (space ^ space << 1) | (o ^ o << 1);
  const uint64_t joins = (l | digit | o) & in;  // (the text's end joins nothing)
  const uint64_t starts = ((change & ~(blank << 1 & joins)) | (blank & space << 1 & joins >> 1));
  // Decided for k <= n_plain - 2, as the last rule reads byte k + 1; up to
  // the end when that is the text's end (where a unit ends too).
  const bool to_end = n_plain == avail;
  const size_t last = to_end ? n_plain + 1 : n_plain;
  uint64_t b = starts & ~uint64_t{1} & (last >= 2 ? ~uint64_t{0} >> (65 - last) : 0);
  size_t prev = 0;
  while (b) {
    const size_t k = static_cast<size_t>(std::countr_zero(b));
    emit(text.substr(i + prev, k - prev));
    prev = k;
    b &= b - 1;
  }
  if (to_end) {
    emit(text.substr(i + prev, avail - prev));
    return i + avail;
  }
  return i + prev;
}
#endif

// Calls emit(unit) for each unit of text, in order: by 64-byte blocks where
// the text is plain (ScanBlock), character by character elsewhere
// (ScanUnit); both cut the same units. kPadded: kBlockBytes bytes past the
// text's end can be read, so blocks run to its end.
template <bool kPadded, typename Emit>
void ForEachUnitImpl(std::string_view text, Emit& emit) {
  size_t i = 0;
  const size_t n = text.size();
  [[maybe_unused]] size_t scan_to = 0;  // after a block of little plain text: scan to here
  while (i < n) {
#if defined(__SSE2__)
    if ((kPadded || n - i >= kBlockBytes) && i >= scan_to) {
      size_t plain;
      const size_t next = ScanBlock(text, i, n - i, emit, &plain);
      if (next > i) {
        i = next;
        continue;
      }
      if (plain < 32) scan_to = i + 64;  // (CJK, say: do not try every unit)
    }
#endif
    i = ScanUnit(text, i, emit);
  }
}

}  // namespace internal

// Calls emit(unit) for each unit of text, in order.
template <typename Emit>
void ForEachUnit(std::string_view text, Emit&& emit) {
  internal::ForEachUnitImpl<false>(text, emit);
}

// The same for text followed in memory by kUnitPadding readable bytes (of
// any value; they are read, never used), which is faster near its end.
inline constexpr size_t kUnitPadding = 64;
template <typename Emit>
void ForEachUnitPadded(std::string_view text, Emit&& emit) {
#if defined(__SSE2__)
  static_assert(kUnitPadding >= internal::kBlockBytes);
  internal::ForEachUnitImpl<true>(text, emit);
#else
  internal::ForEachUnitImpl<false>(text, emit);
#endif
}

// The same, character by character only (for tests of the block scanner).
template <typename Emit>
void ForEachUnitByCharacter(std::string_view text, Emit&& emit) {
  for (size_t i = 0; i < text.size();) i = internal::ScanUnit(text, i, emit);
}

inline void Pretokenize(std::string_view text, const std::function<void(std::string_view)>& emit) {
  ForEachUnit(text, emit);
}

// A position p in text (0 < p <= text.size()) at which no unit spans, chosen
// from the text alone, at most `limit` bytes in: after a line break run if
// there is one, else before a ' ' that follows a non-space, else at a UTF-8
// character start. Used to split the input for parallel counting without
// changing the counts.
size_t SafeCut(std::string_view text, size_t limit);

// What kind of unit the pre-tokenizer emitted, judged by its last character.
enum class UnitClass { kWord, kNumber, kSymbol, kSpace, kLineBreak, kInvalid };
UnitClass ClassifyUnit(std::string_view unit);

// Length of the character at text[i]: its UTF-8 length, or 1 for a byte
// that does not start a valid sequence.
inline size_t CharLength(std::string_view text, size_t i) {
  size_t len;
  ClassAt(text, i, &len);
  return len;
}

// Number of UTF-8 characters, counting each invalid byte as one.
size_t CountChars(std::string_view text);

}  // namespace hypertok

#endif  // HYPERTOK_CODEC_PRETOKENIZER_H_
