// decode(encode(x)) == x for random and adversarial x, through the whole
// stream path, with the seed printed so a failure can be replayed
// (HYPERTOK_TEST_SEED=<seed>).
#include <gtest/gtest.h>

#include <random>

#include "hypertok/stream.h"
#include "unit/test_util.h"

namespace hypertok {
namespace {

std::string RoundTrip(const Encoder& enc, const Codebook& cb, const std::string& in,
                      SceneMode mode, int threads) {
  std::string s;
  StringSink sink(&s);
  StreamWriter w(&sink, cb.id(), cb.size());
  StringSource src(in);
  EXPECT_TRUE(EncodeSource(enc, &src, {mode, threads}, &w).ok());
  EXPECT_TRUE(w.Finish().ok());
  Decoder dec(cb);
  std::string out;
  StringSink out_sink(&out);
  StringSource s_src(s);
  auto t = DecodeStream(dec, &s_src, &out_sink);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return out;
}

TEST(RoundTripPropertyTest, RandomAndAdversarialInputs) {
  const uint64_t seed = testing::TestSeed();
  std::cout << "[ seed ] HYPERTOK_TEST_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  const Codebook& cb = testing::SampleCodebook();
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  std::vector<std::string> inputs = testing::AdversarialInputs();
  std::string sample = testing::ReadSample("ru_gogol_shinel.txt");
  for (int i = 0; i < 300; ++i) {
    switch (i % 4) {
      case 0: inputs.push_back(testing::RandomBytes(rng, rng() % 2000)); break;
      case 1: inputs.push_back(testing::RandomBytes(rng, rng() % 2000, 4)); break;
      case 2: {  // a slice of real text with random damage
        size_t at = rng() % sample.size();
        std::string s = sample.substr(at, rng() % 3000);
        for (int k = 0; k < 5 && !s.empty(); ++k) s[rng() % s.size()] = static_cast<char>(rng());
        inputs.push_back(s);
        break;
      }
      default: {  // newlines and carriage returns
        std::string s;
        const char alphabet[] = {'\r', '\n', ' ', 'a', '\0'};
        for (size_t k = rng() % 200; k > 0; --k) s += alphabet[rng() % 5];
        inputs.push_back(s);
      }
    }
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    SceneMode mode = static_cast<SceneMode>(i % 3);
    ASSERT_EQ(RoundTrip(*enc, cb, inputs[i], mode, 1 + i % 2), inputs[i])
        << "input " << i << " seed " << seed;
  }
}

TEST(RoundTripPropertyTest, TenMegabyteLineWithoutNewline) {
  std::mt19937_64 rng(testing::TestSeed());
  const Codebook& cb = testing::SampleCodebook();
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  std::string sample = testing::ReadSample("ru_pushkin_dubrovskii.txt");
  std::replace(sample.begin(), sample.end(), '\n', ' ');
  std::string line;
  while (line.size() < (size_t{10} << 20)) line += sample;
  EXPECT_TRUE(RoundTrip(*enc, cb, line, SceneMode::kParagraph, 2) == line);
}

}  // namespace
}  // namespace hypertok
