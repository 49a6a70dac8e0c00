#include "train/corpus.h"

#include <gtest/gtest.h>

#include <set>

#include "codec/pretokenizer.h"
#include "common/hash.h"
#include "unit/test_util.h"

namespace hypertok {
namespace {

std::string Save(Corpus& c) {
  std::string out;
  StringSink sink(&out);
  EXPECT_TRUE(c.Save(&sink).ok());
  return out;
}

TEST(CorpusTest, SampleIsEveryChunkWhoseHashPassesTheSmallestFittingLevel) {
  const std::string text = testing::ReadSample("ru_lermontov_geroi_nashego_vremeni.txt");
  ASSERT_LT(text.size(), size_t{4} << 20);  // one work item: chunks are plain SafeCuts
  // The chunks and their sizes in the sample (ids + a break), computed here.
  std::vector<std::pair<uint64_t, size_t>> chunks;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t cut = SafeCut(rest, Corpus::kChunkBytes);
    size_t units = 0;
    ForEachUnit(rest.substr(0, cut), [&](std::string_view) { ++units; });
    chunks.emplace_back(Hash64(rest.substr(0, cut)), units + 1);
    rest.remove_prefix(cut);
  }
  ASSERT_GE(chunks.size(), 8u);
  auto size_at = [&](int level) {
    size_t n = 0;
    for (auto [h, len] : chunks)
      if (level == 0 || (h >> (64 - level)) == 0) n += len;
    return n;
  };
  const size_t budget = size_at(0) / 5;
  Corpus c({.threads = 1, .max_sample_tokens = budget});
  StringSource src(text);
  ASSERT_TRUE(c.AddSource(&src).ok());
  const int level = c.sample_level();
  ASSERT_GE(level, 1);
  EXPECT_LE(size_at(level), budget);
  EXPECT_GT(size_at(level - 1), budget);  // the smallest level that fits
  EXPECT_EQ(c.sample().size(), size_at(level));
}

TEST(CorpusTest, CountsFilesMergeInAnyOrderToTheDirectCount) {
  std::vector<std::string> texts;
  for (const char* f : {"ru_gogol_shinel.txt", "en_pg1080_modest_proposal.txt",
                        "zh_pg25558_shen_yin_yu.txt"})
    texts.push_back(testing::ReadSample(f));
  const size_t budget = 30000;  // forces levels > 0
  auto count = [&](std::vector<int> which) {
    Corpus c({.threads = 1, .max_sample_tokens = budget});
    for (int i : which) {
      StringSource src(texts[i]);
      EXPECT_TRUE(c.AddSource(&src).ok());
    }
    return Save(c);
  };
  auto merge = [&](std::vector<std::string> files) {
    Corpus c({.threads = 2, .max_sample_tokens = budget});
    for (const std::string& f : files) {
      StringSource src(f);
      Status s = c.AddCounts(&src);
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    return Save(c);
  };
  const std::string direct = count({0, 1, 2});
  EXPECT_EQ(count({2, 0, 1}), direct);
  const std::string a = count({0}), b = count({1}), c = count({2});
  EXPECT_EQ(merge({a, b, c}), direct);
  EXPECT_EQ(merge({c, a, b}), direct);
  EXPECT_EQ(merge({merge({b, c}), a}), direct);
  EXPECT_EQ(merge({direct}), direct);
}

TEST(CorpusTest, CountsFileErrorsAreCleanAndLeaveTheCorpusUnchanged) {
  Corpus c({.threads = 1, .max_sample_tokens = 1000});
  // StringSource holds a view: every string it reads must outlive it.
  const std::string sample = testing::ReadSample("en_pg1080_modest_proposal.txt");
  StringSource text(sample);
  ASSERT_TRUE(c.AddSource(&text).ok());
  const std::string good = Save(c);
  Corpus other({.threads = 1, .max_sample_tokens = 2000});
  StringSource s1(good, "x.counts");
  EXPECT_EQ(other.AddCounts(&s1).code(), StatusCode::kInvalidArgument);  // budget differs
  EXPECT_EQ(other.size(), 0u);
  Corpus same({.threads = 1, .max_sample_tokens = 1000});
  for (size_t cut : {size_t{0}, size_t{7}, size_t{47}, good.size() / 2, good.size() - 1}) {
    StringSource s(std::string_view(good).substr(0, cut), "x.counts");
    EXPECT_EQ(same.AddCounts(&s).code(), StatusCode::kDataLoss) << cut;
  }
  const std::string good_plus = good + "x";
  StringSource longer(good_plus, "x.counts");
  EXPECT_EQ(same.AddCounts(&longer).code(), StatusCode::kDataLoss);
  EXPECT_EQ(same.size(), 0u);
}

}  // namespace
}  // namespace hypertok
