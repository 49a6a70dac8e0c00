// The characters of a set of keys, numbered, so a trie over them can step a
// whole character at a time (codec/symbol_trie.h): a Cyrillic or Greek word
// is then half as many steps as it is bytes, a CJK one a third.
//
// Symbols are 1..size(), given in the order of the characters' UTF-8 bytes
// (so keys sorted by bytes are sorted by symbols too); 0 is "in no key".
#ifndef HYPERTOK_CODEC_CHAR_ALPHABET_H_
#define HYPERTOK_CODEC_CHAR_ALPHABET_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/char_class.h"
#include "codec/symbol_trie.h"

namespace hypertok {

class CharAlphabet {
 public:
  // keys: valid UTF-8 (no character ClassAt reads as kInvalid).
  static CharAlphabet Build(const std::vector<std::string_view>& keys);
  // The characters, in symbol order, end to end (the encoder's index stores
  // them, docs/FORMAT.md ENCX), and the alphabet they make: FromChars(Chars())
  // equals this one. FromChars requires valid UTF-8 characters in strictly
  // increasing byte order, else returns false.
  std::string Chars() const;
  static bool FromChars(std::string_view chars, CharAlphabet* out);

  // Symbols are 1..size().
  uint32_t size() const { return size_; }

  // Symbol of the character s[0, len) — a valid UTF-8 character of len
  // bytes, or (len 1) any byte — or 0 if no key has it.
  uint32_t Symbol(const uint8_t* s, size_t len) const {
    if (len == 1) return one_[s[0]];
    if (len == 2) return two_[(s[0] & 0x1Fu) << 6 | (s[1] & 0x3Fu)];
    return WideSymbol(Pack(s, len));
  }

  // Symbol of the character at s[0] as ClassAt reads it (n >= 1 bytes from
  // s on), and its length in *len: a byte that starts no valid character is
  // len 1 and symbol 0 (keys are valid UTF-8, and one_ is 0 from 0x80 on).
  // ASCII and 2-byte characters, most of the text, skip ClassAt's class
  // lookup.
  uint32_t SymbolAt(const uint8_t* s, size_t n, size_t* len) const {
    const uint8_t c = s[0];
    if (c < 0x80) {
      *len = 1;
      return one_[c];
    }
    if (c >= 0xC2 && c < 0xE0 && n >= 2 && (s[1] & 0xC0) == 0x80) {
      *len = 2;
      return two_[(c & 0x1Fu) << 6 | (s[1] & 0x3Fu)];
    }
    ClassAt(std::string_view(reinterpret_cast<const char*>(s), n), 0, len);
    return Symbol(s, *len);
  }

  // Appends the symbols of key's characters (valid UTF-8) to *out.
  void AppendSymbols(std::string_view key, std::vector<uint32_t>* out) const;

  // The trie of keys (sorted by bytes, unique, valid UTF-8; values[i]
  // belongs to keys[i]) over this alphabet's symbols, walked with Symbol().
  SymbolTrie Trie(const std::vector<std::string_view>& keys,
                  const std::vector<uint32_t>& values) const;

 private:
  // A 3- or 4-byte character's bytes, big-endian in one word (never 0).
  static uint32_t Pack(const uint8_t* s, size_t len) {
    uint32_t v = uint32_t{s[0]} << 24 | uint32_t{s[1]} << 16 | uint32_t{s[2]} << 8;
    return len == 4 ? v | s[3] : v;
  }
  static uint32_t Mix(uint32_t v) { return (v * 0x9E3779B1u) >> 7; }
  uint32_t WideSymbol(uint32_t packed) const {
    for (size_t i = Mix(packed) & wide_mask_;; i = (i + 1) & wide_mask_) {
      if (wide_[i].packed == packed) return wide_[i].symbol;
      if (wide_[i].packed == 0) return 0;
    }
  }

  uint32_t size_ = 0;
  std::array<uint32_t, 256> one_{};   // by byte (0 for bytes >= 0x80)
  std::array<uint32_t, 2048> two_{};  // 2-byte characters, by code point
  // 3- and 4-byte characters: open addressing on Pack(), packed 0 = empty.
  struct Wide {
    uint32_t packed = 0, symbol = 0;
  };
  std::vector<Wide> wide_{Wide{}};
  size_t wide_mask_ = 0;
};

}  // namespace hypertok

#endif  // HYPERTOK_CODEC_CHAR_ALPHABET_H_
