#include "codec/char_alphabet.h"

#include <algorithm>

#include "common/utf8.h"

namespace hypertok {

namespace {

// Length of the character a valid UTF-8 sequence starts with lead byte c.
size_t Utf8Length(uint8_t c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

}  // namespace

CharAlphabet CharAlphabet::Build(const std::vector<std::string_view>& keys) {
  // Mark the characters present (1- and 2-byte ones in their tables, the
  // rest as their bytes big-endian in one word), then number them in byte
  // order: 1-byte characters precede 2-byte ones, which precede the rest;
  // within the tables index order is code point order is byte order, and
  // comparing the packed words compares the byte sequences.
  CharAlphabet a;
  std::vector<uint32_t> wide;
  for (std::string_view k : keys) {
    const auto* s = reinterpret_cast<const uint8_t*>(k.data());
    for (size_t i = 0, len; i < k.size(); i += len) {
      len = Utf8Length(s[i]);
      if (len == 1) {
        a.one_[s[i]] = 1;
      } else if (len == 2) {
        a.two_[(s[i] & 0x1Fu) << 6 | (s[i + 1] & 0x3Fu)] = 1;
      } else {
        wide.push_back(Pack(s + i, len));
      }
    }
  }
  std::sort(wide.begin(), wide.end());
  wide.erase(std::unique(wide.begin(), wide.end()), wide.end());
  uint32_t sym = 0;
  for (uint32_t& x : a.one_)
    if (x) x = ++sym;
  for (uint32_t& x : a.two_)
    if (x) x = ++sym;
  size_t cap = 2;
  while (cap < 2 * wide.size()) cap *= 2;
  a.wide_.assign(cap, Wide{});
  a.wide_mask_ = cap - 1;
  for (uint32_t v : wide) {
    size_t i = Mix(v) & a.wide_mask_;
    while (a.wide_[i].packed != 0) i = (i + 1) & a.wide_mask_;
    a.wide_[i] = {v, ++sym};
  }
  a.size_ = sym;
  return a;
}

std::string CharAlphabet::Chars() const {
  std::vector<std::string> by_symbol(size_ + 1);
  for (uint32_t b = 0; b < 0x80; ++b)
    if (one_[b]) by_symbol[one_[b]] = std::string(1, static_cast<char>(b));
  for (uint32_t cp = 0; cp < two_.size(); ++cp)
    if (two_[cp])
      by_symbol[two_[cp]] = {static_cast<char>(0xC0 | cp >> 6),
                             static_cast<char>(0x80 | (cp & 0x3F))};
  for (const Wide& w : wide_) {
    if (w.packed == 0) continue;
    std::string c;
    for (int shift = 24; shift >= 0; shift -= 8)
      if (shift > 0 || (w.packed >> 24) >= 0xF0) c.push_back(static_cast<char>(w.packed >> shift));
    by_symbol[w.symbol] = c;
  }
  std::string out;
  for (const std::string& c : by_symbol) out += c;
  return out;
}

bool CharAlphabet::FromChars(std::string_view chars, CharAlphabet* out) {
  if (!IsValidUtf8(chars)) return false;
  const auto* s = reinterpret_cast<const uint8_t*>(chars.data());
  std::string_view prev;
  for (size_t i = 0, len; i < chars.size(); i += len) {
    len = Utf8Length(s[i]);
    const std::string_view c = chars.substr(i, len);
    if (!prev.empty() && !(prev < c)) return false;
    prev = c;
  }
  *out = Build({chars});
  return true;
}

void CharAlphabet::AppendSymbols(std::string_view key, std::vector<uint32_t>* out) const {
  const auto* s = reinterpret_cast<const uint8_t*>(key.data());
  for (size_t i = 0, len; i < key.size(); i += len) {
    len = Utf8Length(s[i]);
    out->push_back(Symbol(s + i, len));
  }
}

SymbolTrie CharAlphabet::Trie(const std::vector<std::string_view>& keys,
                              const std::vector<uint32_t>& values) const {
  std::vector<uint32_t> symbols, offsets{0};
  for (std::string_view k : keys) {
    AppendSymbols(k, &symbols);
    offsets.push_back(static_cast<uint32_t>(symbols.size()));
  }
  return SymbolTrie::Build(symbols, offsets, values, size_ + 1);
}

}  // namespace hypertok
