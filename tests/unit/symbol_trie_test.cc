#include "codec/symbol_trie.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace hypertok {
namespace {

// Every key is found with its value by walking from its first byte, and every
// other byte string walks to a node with no value or to nothing.
void ExpectExactly(const std::map<std::string, uint32_t>& dict, std::mt19937* rng) {
  std::vector<std::string_view> keys;
  std::vector<uint32_t> values;
  for (const auto& [k, v] : dict) {
    keys.push_back(k);
    values.push_back(v);
  }
  const SymbolTrie t = SymbolTrie::Build(keys, values);
  auto lookup = [&](std::string_view s) -> uint32_t {
    uint32_t node = t.Root(static_cast<uint8_t>(s[0]));
    for (size_t i = 1; node != 0 && i < s.size(); ++i)
      node = t.Child(node, static_cast<uint8_t>(s[i]));
    return node == 0 ? SymbolTrie::kNoValue : t.Value(node);
  };
  for (const auto& [k, v] : dict) ASSERT_EQ(lookup(k), v) << k;
  // Prefixes, extensions and random strings that are not keys.
  for (const auto& [k, v] : dict) {
    for (size_t len = 1; len < k.size(); ++len) {
      const std::string p = k.substr(0, len);
      if (!dict.count(p)) ASSERT_EQ(lookup(p), SymbolTrie::kNoValue) << p;
    }
    std::string longer = k + static_cast<char>((*rng)() & 0xFF);
    if (!dict.count(longer)) ASSERT_EQ(lookup(longer), SymbolTrie::kNoValue);
  }
}

TEST(SymbolTrieTest, FindsExactlyItsKeys) {
  std::mt19937 rng(11);
  for (int round = 0; round < 40; ++round) {
    // Narrow alphabets give deep shared prefixes; wide ones give nodes with
    // many children, which the placement has to fit between used slots.
    const int alphabet = round % 4 == 0 ? 256 : round % 4 == 1 ? 64 : round % 4 == 2 ? 4 : 2;
    const uint8_t first = round % 3 == 0 ? 0 : 0x80;
    std::map<std::string, uint32_t> dict;
    const int n = 1 + static_cast<int>(rng() % 3000);
    for (int i = 0; i < n; ++i) {
      std::string k(1 + rng() % 12, '\0');
      for (char& c : k) c = static_cast<char>((first + rng() % alphabet) & 0xFF);
      dict.emplace(k, static_cast<uint32_t>(dict.size() + 256));
    }
    ExpectExactly(dict, &rng);
  }
}

TEST(SymbolTrieTest, EveryByteValueAndLongKeys) {
  std::mt19937 rng(5);
  std::map<std::string, uint32_t> dict;
  for (int b = 0; b < 256; ++b) {
    dict.emplace(std::string(1, static_cast<char>(b)) + "x", b);
    dict.emplace(std::string(300, static_cast<char>(b)), 1000 + b);
  }
  ExpectExactly(dict, &rng);
}

}  // namespace
}  // namespace hypertok
