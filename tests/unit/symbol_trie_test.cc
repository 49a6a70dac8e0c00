#include "codec/symbol_trie.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/bytes.h"

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
    for (size_t i = 1; node != 0 && i < s.size(); ++i) {
      const uint32_t next = t.Child(node, static_cast<uint8_t>(s[i]));
      if (next != 0) EXPECT_TRUE(t.MayHaveChild(node, static_cast<uint8_t>(s[i])));
      node = next;
    }
    if (node == 0) return SymbolTrie::kNoValue;
    EXPECT_EQ(t.HasValue(node), t.Value(node) != SymbolTrie::kNoValue);
    return t.Value(node);
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

// Symbol keys over a wide alphabet, shaped like the encoder's trie of unit
// ids (codec/encoder.cc): thousands of symbols, and a few busy first symbols
// whose nodes have hundreds of children each. Every key is found; a string
// that is not a key is not; and the child filter never rules out a child
// that exists.
void ExpectWideAlphabetSymbolKeys() {
  std::mt19937 rng(3);
  constexpr uint32_t kAlphabet = 5000;
  auto random_key = [&] {
    std::vector<uint32_t> k(2 + rng() % 4);
    k[0] = rng() % 8 == 0 ? rng() % kAlphabet : rng() % 20;
    for (size_t i = 1; i < k.size(); ++i) k[i] = rng() % (i == 1 ? kAlphabet : 50);
    return k;
  };
  std::set<std::vector<uint32_t>> keys;
  while (keys.size() < 20000) keys.insert(random_key());
  std::vector<uint32_t> symbols, offsets{0}, values;
  for (const auto& k : keys) {
    symbols.insert(symbols.end(), k.begin(), k.end());
    offsets.push_back(static_cast<uint32_t>(symbols.size()));
    values.push_back(static_cast<uint32_t>(values.size()));
  }
  const SymbolTrie t = SymbolTrie::Build(symbols, offsets, values, kAlphabet);
  // The node a walk along k reaches, checking the filter at every step
  // (0 if the walk falls off).
  auto walk = [&](const std::vector<uint32_t>& k) {
    uint32_t node = t.Root(k[0]);
    for (size_t i = 1; node != 0 && i < k.size(); ++i) {
      const uint32_t next = t.Child(node, k[i]);
      if (next != 0)
        EXPECT_TRUE(t.MayHaveChild(node, k[i])) << "node " << node << " symbol " << k[i];
      node = next;
    }
    return node;
  };
  uint32_t value = 0;
  for (const auto& k : keys) {
    const uint32_t node = walk(k);
    ASSERT_NE(node, 0u);
    ASSERT_TRUE(t.HasValue(node));
    ASSERT_EQ(t.Value(node), value++);
  }
  size_t ruled_out = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::vector<uint32_t> k = random_key();
    if (keys.count(k)) continue;
    const uint32_t node = walk(k);
    if (node != 0) ASSERT_EQ(t.Value(node), SymbolTrie::kNoValue);
    if (node != 0) ASSERT_FALSE(t.HasValue(node));
    // And the filter answers for nodes that exist: a "no" is never wrong.
    const uint32_t first = t.Root(k[0]), c = static_cast<uint32_t>(rng() % kAlphabet);
    if (first != 0 && !t.MayHaveChild(first, c)) {
      ASSERT_EQ(t.Child(first, c), 0u);
      ++ruled_out;
    }
  }
  EXPECT_GT(ruled_out, 0u);  // the filter does rule some steps out
}

TEST(SymbolTrieTest, WideAlphabetSymbolKeys) { ExpectWideAlphabetSymbolKeys(); }

// The stored form (Serialize / Deserialize) of a byte trie, with a key check
// that compares each path with the key its value belongs to.
struct StoredTrie {
  std::vector<std::string> keys;
  std::string bytes;  // what Serialize wrote
  StatusOr<SymbolTrie> Read(std::string_view b, uint32_t min_symbol = 0) const {
    ByteReader r(b);
    return SymbolTrie::Deserialize(
        r, 256, min_symbol, static_cast<uint32_t>(keys.size()),
        {.max_len = [&](uint32_t v) { return keys[v].size(); },
         .extends =
             [&](uint32_t v, uint32_t prefix, std::span<const uint32_t> rest) {
               std::string key;
               if (prefix != SymbolTrie::kNoValue) key = keys[prefix];
               for (uint32_t s : rest) key += static_cast<char>(s);
               return key == keys[v];
             }},
        "test trie");
  }
  // The u32 at field f (0 base, 1 check, 2 value) of slot i.
  uint32_t Field(uint32_t i, int f) const {
    return static_cast<uint32_t>(LoadLE(bytes.data() + 4 + 12 * i + 4 * f, 4));
  }
  std::string With(uint32_t i, int f, uint32_t v) const {
    std::string b = bytes;
    for (int k = 0; k < 4; ++k) b[4 + 12 * i + 4 * f + k] = static_cast<char>(v >> (8 * k));
    return b;
  }
};

StoredTrie MakeStoredTrie() {
  StoredTrie s;
  s.keys = {"ab", "abc", "abd", "b", "ba", "xyz"};
  std::vector<std::string_view> views(s.keys.begin(), s.keys.end());
  std::vector<uint32_t> values(s.keys.size());
  for (uint32_t i = 0; i < values.size(); ++i) values[i] = i;
  ByteWriter w(&s.bytes);
  SymbolTrie::Build(views, values).Serialize(w);
  return s;
}

// s.bytes read back walk to every key and are written again alike.
void ExpectStoredTrieReadsBack(const StoredTrie& s) {
  auto t = s.Read(s.bytes);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  for (uint32_t v = 0; v < s.keys.size(); ++v) {
    uint32_t node = t->Root(static_cast<uint8_t>(s.keys[v][0]));
    for (size_t i = 1; node != 0 && i < s.keys[v].size(); ++i) {
      // The child filters, which are not stored, are rebuilt.
      ASSERT_TRUE(t->MayHaveChild(node, static_cast<uint8_t>(s.keys[v][i])));
      node = t->Child(node, static_cast<uint8_t>(s.keys[v][i]));
    }
    ASSERT_NE(node, 0u);
    EXPECT_TRUE(t->HasValue(node));
    EXPECT_EQ(t->Value(node), v);
  }
  ASSERT_NE(t->Root('a'), 0u);
  EXPECT_FALSE(t->HasValue(t->Root('a')));  // "a" is only a prefix
  EXPECT_EQ(t->Value(t->Root('a')), SymbolTrie::kNoValue);
  std::string again;
  ByteWriter w(&again);
  t->Serialize(w);
  EXPECT_EQ(again, s.bytes);
}

TEST(SymbolTrieTest, StoredTrieReadsBackAndWalksAlike) {
  ExpectStoredTrieReadsBack(MakeStoredTrie());
}

// Each way a stored trie could send a walk outside its array, or to a value
// that is not its key, is refused.
TEST(SymbolTrieTest, StoredTrieThatCouldMisleadAWalkIsRefused) {
  const StoredTrie s = MakeStoredTrie();
  const auto n = static_cast<uint32_t>(LoadLE(s.bytes.data(), 4));
  ASSERT_GT(n, 256u);
  uint32_t leaf = 0, inner = 0, free_slot = 0;  // a valued slot, its parent, a free slot
  for (uint32_t i = 1; i < n; ++i) {
    if (s.Field(i, 1) == 0 && free_slot == 0) free_slot = i;
    if (s.Field(i, 2) != SymbolTrie::kNoValue && s.Field(i, 1) != 1 && leaf == 0) {
      leaf = i;
      inner = s.Field(i, 1) - 1;
    }
  }
  ASSERT_NE(leaf, 0u);
  ASSERT_NE(free_slot, 0u);
  auto refused = [&](const std::string& b, const char* why) {
    auto t = s.Read(b);
    EXPECT_FALSE(t.ok()) << why;
    if (!t.ok()) EXPECT_EQ(t.status().code(), StatusCode::kDataLoss) << why;
  };
  // (A leaf's base is never used to place a child, but a walk that reaches
  // the leaf reads base + symbol all the same.)
  for (uint32_t i = 1; i < n; ++i)
    if (s.Field(i, 1) != 0 && s.Field(i, 0) == 0) {
      refused(s.With(i, 0, n - 255), "a base whose children would lie past the array");
      break;
    }
  refused(s.With(leaf, 1, n + 1), "a parent past the array");
  refused(s.With(leaf, 1, leaf + 1), "a slot that is its own parent");
  refused(s.With(0, 1, 1), "the root as a child");
  refused(s.With(free_slot, 2, 0), "a value on a free slot");
  refused(s.With(leaf, 2, static_cast<uint32_t>(s.keys.size())), "a value past the limit");
  refused(s.With(leaf, 2, (s.Field(leaf, 2) + 1) % static_cast<uint32_t>(s.keys.size())),
          "a value whose key is another");
  refused(s.bytes.substr(0, s.bytes.size() - 1), "a truncated array");
  // A node cut off from the root: its parent made a free slot.
  refused(s.With(inner, 1, 0), "a value on a node no walk reaches");
  // And the first symbol of every key is at least min_symbol when asked.
  EXPECT_FALSE(s.Read(s.bytes, 'b').ok());
  EXPECT_TRUE(s.Read(s.bytes, 'a').ok());
}

// A trie's slots pack their fields into as few bits as its size needs, and
// the larger the trie, the fewer bits are left for the child filter (32 for
// tries under 2^16 slots, down to 2 at 2^31). Every width walks the same
// keys, reads back what it stores, and stores the same bytes.
TEST(SymbolTrieTest, EveryFieldWidthWalksAlike) {
  struct Reset {
    ~Reset() { SymbolTrie::SetMinFieldBitsForTesting(0); }
  } reset;
  const StoredTrie s = MakeStoredTrie();
  for (int bits : {16, 17, 20, 23, 24, 27, 28, 29, 30, 31}) {
    SCOPED_TRACE(bits);
    SymbolTrie::SetMinFieldBitsForTesting(bits);
    std::mt19937 rng(bits);
    for (int round = 0; round < 4; ++round) {
      std::map<std::string, uint32_t> dict;
      const int n = 1 + static_cast<int>(rng() % 2000);
      for (int i = 0; i < n; ++i) {
        std::string k(1 + rng() % 10, '\0');
        for (char& c : k) c = static_cast<char>(rng() % (round % 2 ? 256 : 8));
        dict.emplace(k, static_cast<uint32_t>(dict.size()));
      }
      ExpectExactly(dict, &rng);
    }
    ExpectWideAlphabetSymbolKeys();
    // The stored form does not depend on the layout: the bytes written
    // under the default one read back and are written again alike, and the
    // same keys built under this one are stored as the same bytes.
    ExpectStoredTrieReadsBack(s);
    EXPECT_EQ(MakeStoredTrie().bytes, s.bytes);
  }
}

}  // namespace
}  // namespace hypertok
