#include "train/hyperbond_miner.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "codec/pretokenizer.h"
#include "unit/test_util.h"

namespace hypertok {
namespace {

Corpus Count(const std::string& text) {
  Corpus c({});
  StringSource src(text);
  EXPECT_TRUE(c.AddSource(&src).ok());
  return c;
}

std::map<std::string, uint64_t> AsMap(const std::vector<Bond>& bonds) {
  std::map<std::string, uint64_t> m;
  for (const Bond& b : bonds) m[b.text] = b.count;
  return m;
}

TEST(HyperbondMinerTest, CountsRunsWithTheirSpacesAndPunctuation) {
  Corpus c = Count("one of the best, of the worst.\n\nand of the rest, of them\n");
  auto m = AsMap(MineBonds(c, {.max_words = 3, .min_count = 2}));
  EXPECT_EQ(m[" of the"], 3u);
  EXPECT_EQ(m[", of"], 2u);
  EXPECT_EQ(m.count(", of the"), 0u) << "once only: below min_count";
}

TEST(HyperbondMinerTest, RespectsWordLimitAndParagraphBreaks) {
  std::string text;
  for (int i = 0; i < 5; ++i) text += "a b c d.\n\n";
  auto bonds = MineBonds(Count(text), {.max_words = 2, .min_count = 2});
  for (const Bond& b : bonds) {
    EXPECT_LE(b.words, 2) << b.text;
    // A paragraph break may only end a bond.
    size_t p = b.text.find("\n\n");
    EXPECT_TRUE(p == std::string::npos || p + 2 == b.text.size()) << b.text;
  }
  auto m = AsMap(bonds);
  EXPECT_EQ(m[" d.\n\n"], 5u);
  EXPECT_EQ(m.count(" c d"), 1u);
  EXPECT_EQ(m.count(" b c d"), 0u);  // three words
}

// Exhaustive n-gram counting over the pre-token sequence, for comparison.
std::map<std::string, uint64_t> BruteForce(const std::string& text, int max_words) {
  std::vector<std::string> units;
  Pretokenize(text, [&](std::string_view u) { units.emplace_back(u); });
  std::map<std::string, uint64_t> m;
  for (size_t i = 0; i < units.size(); ++i) {
    std::string s = units[i];
    int words = 0;
    auto is_word = [](const std::string& u) {
      UnitClass c = ClassifyUnit(u);
      return c == UnitClass::kWord || c == UnitClass::kNumber;
    };
    auto para = [](const std::string& u) {
      return u.find_first_not_of("\r\n") == std::string::npos &&
             std::count(u.begin(), u.end(), '\n') >= 2;
    };
    if (para(units[i])) continue;
    words += is_word(units[i]);
    for (size_t j = i + 1; j < units.size() && j - i + 1 <= size_t(2 * max_words + 1); ++j) {
      words += is_word(units[j]);
      if (words > max_words) break;
      s += units[j];
      if (s.size() > 96) break;
      ++m[s];
      if (para(units[j])) break;
    }
  }
  for (auto it = m.begin(); it != m.end();) it = it->second < 2 ? m.erase(it) : std::next(it);
  return m;
}

TEST(HyperbondMinerTest, MatchesBruteForceOnRandomText) {
  std::mt19937_64 rng(testing::TestSeed());
  const char* words[] = {" a", " b", " c", ",", ".", "\n", "\n\n", " dd", "x"};
  for (int round = 0; round < 20; ++round) {
    std::string text;
    for (int k = 0; k < 300; ++k) text += words[rng() % 9];
    auto got = AsMap(MineBonds(Count(text), {.max_words = 2, .min_count = 2}));
    auto want = BruteForce(text, 2);
    ASSERT_EQ(got, want) << "round " << round;
  }
}

}  // namespace
}  // namespace hypertok
