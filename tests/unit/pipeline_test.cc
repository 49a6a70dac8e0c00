#include "hypertok/pipeline.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "hypertok/stream.h"
#include "unit/test_util.h"

namespace hypertok {
namespace {

// Hands out the text in reads of random small sizes, like a slow pipe.
class DribbleSource : public ByteSource {
 public:
  DribbleSource(std::string_view data, uint64_t seed) : data_(data), rng_(seed) {}
  StatusOr<size_t> Read(char* buf, size_t n) override {
    size_t r = std::min({n, data_.size() - pos_, size_t{1} + rng_() % 7000});
    std::memcpy(buf, data_.data() + pos_, r);
    pos_ += r;
    return r;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  std::mt19937_64 rng_;
  std::string name_ = "dribble";
};

std::string Encode(const Encoder& enc, ByteSource* src, int threads, SceneMode mode) {
  std::string out;
  StringSink sink(&out);
  StreamWriter w(&sink, enc.codebook_id(), enc.vocab_size());
  EXPECT_TRUE(EncodeSource(enc, src, {mode, threads}, &w).ok());
  EXPECT_TRUE(w.Finish().ok());
  return out;
}

TEST(PipelineTest, OutputDoesNotDependOnThreadsOrReadSizes) {
  const Codebook& cb = testing::SampleCodebook();
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  std::string text;
  for (const char* f : {"ru_lermontov_geroi_nashego_vremeni.txt", "en_pg174_dorian_gray.txt",
                        "zh_pg25558_shen_yin_yu.txt", "ru_pushkin_dubrovskii.txt"})
    text += testing::ReadSample(f);
  // A long line with no newline makes the driver cut windows too.
  text += std::string(3 * Encoder::kWindowBytes, 'x') + " tail";
  for (SceneMode mode : {SceneMode::kParagraph, SceneMode::kLine, SceneMode::kDocument}) {
    StringSource a(text);
    std::string one = Encode(*enc, &a, 1, mode);
    StringSource b(text);
    std::string two = Encode(*enc, &b, 2, mode);
    DribbleSource c(text, testing::TestSeed());
    std::string dribble = Encode(*enc, &c, 3, mode);
    DribbleSource d(text, testing::TestSeed() + 1);
    std::string dribble_one = Encode(*enc, &d, 1, mode);
    EXPECT_EQ(one, two);
    EXPECT_EQ(one, dribble);
    EXPECT_EQ(two, dribble_one);
  }
}

TEST(PipelineTest, CountsAndDocumentEnds) {
  const Codebook& cb = testing::SampleCodebook();
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  std::string out;
  StringSink sink(&out);
  StreamWriter w(&sink, cb.id(), cb.size());
  EncodeCounts counts;
  StringSource a("a\n\nb"), b("c\n");
  ASSERT_TRUE(EncodeSource(*enc, &a, {}, &w, &counts).ok());
  ASSERT_TRUE(EncodeSource(*enc, &b, {}, &w, &counts).ok());
  ASSERT_TRUE(w.Finish().ok());
  EXPECT_EQ(counts.bytes, 6u);
  EXPECT_EQ(counts.scenes, 3u);
  EXPECT_EQ(w.totals().documents, 2u);
}

}  // namespace
}  // namespace hypertok
