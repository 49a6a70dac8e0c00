#include "codec/pretokenizer.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "unit/test_util.h"

namespace hypertok {
namespace {

std::vector<std::string> Units(std::string_view text) {
  std::vector<std::string> out;
  Pretokenize(text, [&](std::string_view u) { out.emplace_back(u); });
  return out;
}

TEST(PretokenizerTest, WordsTakeTheirLeadingSpace) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Units("Hello, world!\n\n"), (V{"Hello", ",", " world", "!", "\n\n"}));
  EXPECT_EQ(Units("Он  сказал: 42"), (V{"Он", " ", " сказал", ":", " 42"}));
  EXPECT_EQ(Units("a \xFF b"), (V{"a", " ", "\xFF", " b"}));
  EXPECT_EQ(Units("x\r\n\tend "), (V{"x", "\r\n", "\t", "end", " "}));
}

TEST(PretokenizerTest, UnitsConcatenateToTheInput) {
  std::mt19937_64 rng(testing::TestSeed());
  std::vector<std::string> inputs = testing::AdversarialInputs();
  for (int i = 0; i < 50; ++i) inputs.push_back(testing::RandomBytes(rng, rng() % 300));
  inputs.push_back(testing::ReadSample("de_goethe_die_leiden_des_jungen_werther_1.txt"));
  for (const std::string& in : inputs) {
    std::string joined;
    for (const auto& u : Units(in)) {
      EXPECT_FALSE(u.empty());
      joined += u;
    }
    EXPECT_EQ(joined, in);
  }
}

TEST(PretokenizerTest, SafeCutsDoNotChangeTheUnits) {
  std::string text = testing::ReadSample("ru_gogol_shinel.txt");
  std::string one_line = text;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  for (const std::string* t : {&text, &one_line}) {
    std::vector<std::string> whole = Units(*t), cut;
    std::string_view rest = *t;
    while (!rest.empty()) {
      size_t p = SafeCut(rest, 1000);
      ASSERT_GT(p, 0u);
      for (auto& u : Units(rest.substr(0, p))) cut.push_back(u);
      rest.remove_prefix(p);
    }
    EXPECT_EQ(whole, cut);
  }
}

}  // namespace
}  // namespace hypertok
