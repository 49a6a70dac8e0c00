#include "hypertok/pipeline.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

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

// Every call a sink gets, in order.
class RecordingSink : public TokenSink {
 public:
  struct Call {
    std::vector<uint32_t> ids;
    std::string original;
    bool scene_end, document_end;
    bool operator==(const Call&) const = default;
  };
  Status Add(std::span<const uint32_t> ids, std::string_view original, bool scene_end,
             bool document_end) override {
    calls.push_back({{ids.begin(), ids.end()}, std::string(original), scene_end, document_end});
    return OkStatus();
  }
  Status Finish() override { return OkStatus(); }
  std::vector<Call> calls;
};

// Hands out the given texts as sources, one by one.
NextSource SourcesOf(const std::vector<std::string>& texts) {
  auto next = std::make_shared<size_t>(0);
  return [&texts, next]() -> StatusOr<std::unique_ptr<ByteSource>> {
    if (*next == texts.size()) return std::unique_ptr<ByteSource>();
    return std::unique_ptr<ByteSource>(std::make_unique<StringSource>(texts[(*next)++]));
  };
}

// A source that ends just where one of the driver's reads does (its size a
// multiple of the read size, its last scene complete) still ends its
// document: the driver learns of the end only from a read that returns
// nothing. Sizes are multiples of 64 KiB up to 1 MiB, so that the read size
// is among them whatever it is.
TEST(PipelineTest, SourceEndingOnAReadBoundaryEndsItsDocument) {
  const Codebook& cb = testing::SampleCodebook();
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  const std::string line = "The quick brown fox jumps over the lazy dog.\n";
  for (SceneMode mode : {SceneMode::kLine, SceneMode::kParagraph}) {
    for (size_t blocks : {1, 2, 3, 4, 8, 16}) {
      const size_t n = blocks << 16;
      std::string text;
      while (text.size() < n) text += line;
      text.resize(n - 2);
      text += "\n\n";
      const std::vector<std::string> texts = {text, "next\n"};
      for (int threads : {1, 2, 3}) {
        SCOPED_TRACE(::testing::Message()
                     << "mode " << static_cast<int>(mode) << ", " << n << " bytes, -T" << threads);
        RecordingSink sink;
        EncodeCounts counts;
        ASSERT_TRUE(EncodeSources(*enc, SourcesOf(texts), {mode, threads}, &sink, &counts).ok());
        size_t ends = 0, bytes = 0;
        for (const auto& c : sink.calls) {
          bytes += c.original.size();
          if (c.document_end) {
            ++ends;
            EXPECT_EQ(bytes, ends == 1 ? n : n + 5);  // each at its source's end
          }
        }
        EXPECT_EQ(ends, 2u);
        EXPECT_EQ(counts.bytes, n + 5);
      }
    }
  }
}

// Many sources in one call give the sink what one call per source gives it,
// with any thread count: small ones (shorter than a batch), empty ones, and
// a long one.
TEST(PipelineTest, SeveralSourcesGiveWhatOneCallEachGives) {
  const Codebook& cb = testing::SampleCodebook();
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  const std::string all = testing::ReadSample("en_pg174_dorian_gray.txt");
  std::mt19937_64 rng(testing::TestSeed());
  SCOPED_TRACE(testing::TestSeed());
  std::vector<std::string> texts;
  for (size_t at = 0; at < all.size() && texts.size() < 80;) {
    const size_t len = texts.size() % 7 == 3 ? 0 : rng() % 40000;
    texts.push_back(all.substr(at, len));
    at += len;
  }
  texts.push_back(all);
  for (SceneMode mode : {SceneMode::kParagraph, SceneMode::kLine}) {
    RecordingSink one_each;
    for (const std::string& t : texts) {
      StringSource src(t);
      ASSERT_TRUE(EncodeSource(*enc, &src, {mode, 1}, &one_each).ok());
    }
    for (int threads : {1, 2, 3}) {
      RecordingSink together;
      EncodeCounts counts;
      ASSERT_TRUE(EncodeSources(*enc, SourcesOf(texts), {mode, threads}, &together, &counts).ok());
      EXPECT_TRUE(together.calls == one_each.calls) << "-T" << threads;
      size_t bytes = 0;
      for (const std::string& t : texts) bytes += t.size();
      EXPECT_EQ(counts.bytes, bytes);
    }
  }
}

TEST(PipelineTest, SourceThatCannotBeOpenedStopsTheEncode) {
  const Codebook& cb = testing::SampleCodebook();
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  int calls = 0;
  RecordingSink sink;
  const Status s = EncodeSources(
      *enc,
      [&]() -> StatusOr<std::unique_ptr<ByteSource>> {
        if (++calls == 2) return NotFoundError("second: cannot open");
        return std::unique_ptr<ByteSource>(std::make_unique<StringSource>("first\n"));
      },
      {.threads = 2}, &sink);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace hypertok
