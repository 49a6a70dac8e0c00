#include "codec/char_alphabet.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "codec/char_class.h"
#include "codec/symbol_trie.h"

namespace hypertok {
namespace {

// Characters of every UTF-8 length, and lead bytes of each length class.
const char* const kChars[] = {"a",
                              "z",
                              "\x7f",
                              "é",
                              "д",
                              "я",
                              "\xdf\xbf",
                              "中",
                              "\xe0\xa0\x80",
                              "\xef\xbf\xbf",
                              "😀",
                              "\xf0\x90\x80\x80",
                              "\xf4\x8f\xbf\xbf"};

std::string RandomKey(std::mt19937* rng, size_t n_kinds) {
  std::string k;
  for (size_t i = 0, n = 1 + (*rng)() % 6; i < n; ++i) k += kChars[(*rng)() % n_kinds];
  return k;
}

TEST(CharAlphabetTest, SymbolsFollowByteOrderAndMissingCharactersAreZero) {
  std::mt19937 rng(3);
  const size_t n_kinds = std::size(kChars);
  for (int round = 0; round < 50; ++round) {
    // Keys over a random subset of the characters; the rest must map to 0.
    std::vector<std::string> chars_in;
    for (size_t c = 0; c < n_kinds; ++c)
      if (rng() % 2) chars_in.push_back(kChars[c]);
    if (chars_in.empty()) chars_in.push_back("a");
    std::vector<std::string> owned;
    for (int i = 0; i < 20; ++i) {
      std::string k;
      for (size_t j = 0, n = 1 + rng() % 4; j < n; ++j) k += chars_in[rng() % chars_in.size()];
      owned.push_back(k);
    }
    const std::vector<std::string_view> keys(owned.begin(), owned.end());
    const CharAlphabet a = CharAlphabet::Build(keys);
    std::set<std::string> present;
    for (const std::string& k : owned)
      for (size_t i = 0, len; i < k.size(); i += len) {
        ClassAt(k, i, &len);
        present.insert(k.substr(i, len));
      }
    ASSERT_EQ(a.size(), present.size());
    // 1..size() in byte order (std::set<std::string> orders by bytes too);
    // characters in no key, and invalid bytes, get 0.
    uint32_t expected = 1;
    for (const std::string& c : present)
      ASSERT_EQ(a.Symbol(reinterpret_cast<const uint8_t*>(c.data()), c.size()), expected++) << c;
    for (const char* c : kChars) {
      const std::string ch = c;
      if (!present.count(ch))
        ASSERT_EQ(a.Symbol(reinterpret_cast<const uint8_t*>(ch.data()), ch.size()), 0u) << ch;
    }
    const uint8_t stray = 0x80;
    EXPECT_EQ(a.Symbol(&stray, 1), 0u);
    // Stored as its characters in symbol order, it reads back the same.
    std::string all;
    for (const std::string& c : present) all += c;
    ASSERT_EQ(a.Chars(), all);
    CharAlphabet b;
    ASSERT_TRUE(CharAlphabet::FromChars(all, &b));
    ASSERT_EQ(b.size(), a.size());
    for (const std::string& c : present)
      ASSERT_EQ(b.Symbol(reinterpret_cast<const uint8_t*>(c.data()), c.size()),
                a.Symbol(reinterpret_cast<const uint8_t*>(c.data()), c.size()));
  }
}

// Stored characters that would not number as Build numbers them are refused.
TEST(CharAlphabetTest, FromCharsRefusesOtherThanIncreasingValidCharacters) {
  CharAlphabet a;
  EXPECT_TRUE(CharAlphabet::FromChars("", &a));
  EXPECT_TRUE(CharAlphabet::FromChars("az\xd0\xb4\xe4\xb8\xad", &a));
  EXPECT_EQ(a.size(), 4u);
  EXPECT_FALSE(CharAlphabet::FromChars("za", &a));                    // out of order
  EXPECT_FALSE(CharAlphabet::FromChars("aa", &a));                    // repeated
  EXPECT_FALSE(CharAlphabet::FromChars("a\xd0", &a));                 // truncated character
  EXPECT_FALSE(CharAlphabet::FromChars("a\xed\xa0\x80", &a));         // a surrogate
  EXPECT_FALSE(CharAlphabet::FromChars("\xe4\xb8\xad\xd0\xb4", &a));  // 3-byte before 2-byte
}

// SymbolAt reads text as ClassAt does — the same lengths, symbol 0 wherever
// ClassAt finds no valid character — over valid characters, broken and
// truncated sequences (overlong, surrogate, past U+10FFFF) and random bytes.
TEST(CharAlphabetTest, SymbolAtReadsTextAsClassAtDoes) {
  std::vector<std::string> owned = {"a", "zé", "д\x7f", "中😀", "\xdf\xbf"};
  const std::vector<std::string_view> keys(owned.begin(), owned.end());
  const CharAlphabet a = CharAlphabet::Build(keys);
  const char* const kPieces[] = {
      "a",    "b",        "é",        "д",       "я",        "\xdf\xbf",     "中",
      "😀",    "\xc0\xaf", "\xc1",     "\xc2",    "\xe0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
      "\x80", "\xff",     "\xf0\x9f", "\xe4\xb8"};
  std::mt19937 rng(11);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    for (size_t i = 0, n = 1 + rng() % 8; i < n; ++i) {
      if (rng() % 4 == 0) {
        text += static_cast<char>(rng());
      } else {
        text += kPieces[rng() % std::size(kPieces)];
      }
    }
    const auto* s = reinterpret_cast<const uint8_t*>(text.data());
    for (size_t i = 0, len; i < text.size(); i += len) {
      size_t class_len;
      const bool valid = ClassAt(text, i, &class_len) != CharClass::kInvalid;
      const uint32_t symbol = a.SymbolAt(s + i, text.size() - i, &len);
      ASSERT_EQ(len, class_len) << "at " << i << " of a " << text.size() << "-byte text";
      ASSERT_EQ(symbol, valid ? a.Symbol(s + i, len) : 0u) << "at " << i;
    }
  }
}

TEST(CharAlphabetTest, TrieOverSymbolsFindsExactlyItsKeys) {
  // The encoder's use: keys sorted by bytes, turned into symbols, in a trie
  // over the alphabet; every key is found with its value, and prefixes and
  // extensions that are not keys are not.
  std::mt19937 rng(7);
  for (int round = 0; round < 30; ++round) {
    std::set<std::string> dict;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 2000); i < n; ++i)
      dict.insert(RandomKey(&rng, std::size(kChars)));
    const std::vector<std::string> owned(dict.begin(), dict.end());
    const std::vector<std::string_view> keys(owned.begin(), owned.end());
    const CharAlphabet a = CharAlphabet::Build(keys);
    std::vector<uint32_t> values;
    for (size_t i = 0; i < keys.size(); ++i) values.push_back(static_cast<uint32_t>(1000 + i));
    const SymbolTrie t = a.Trie(keys, values);
    auto lookup = [&](const std::string& s) {
      std::vector<uint32_t> sym;
      a.AppendSymbols(s, &sym);
      uint32_t node = t.Root(sym[0]);
      for (size_t i = 1; node != 0 && i < sym.size(); ++i) node = t.Child(node, sym[i]);
      return node == 0 ? SymbolTrie::kNoValue : t.Value(node);
    };
    for (size_t i = 0; i < owned.size(); ++i) ASSERT_EQ(lookup(owned[i]), 1000 + i) << owned[i];
    for (const std::string& k : owned) {
      for (size_t len = 1; len < k.size(); ++len) {
        if ((static_cast<uint8_t>(k[len]) & 0xC0) == 0x80) continue;  // inside a character
        if (!dict.count(k.substr(0, len)))
          ASSERT_EQ(lookup(k.substr(0, len)), SymbolTrie::kNoValue);
      }
      const std::string longer = k + kChars[rng() % std::size(kChars)];
      if (!dict.count(longer)) ASSERT_EQ(lookup(longer), SymbolTrie::kNoValue) << longer;
    }
  }
}

}  // namespace
}  // namespace hypertok
