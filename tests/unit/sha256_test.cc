#include "build/sha256.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include "unit/test_util.h"

namespace hypertok {
namespace {

TEST(Sha256Test, StandardVectors) {
  // FIPS 180-4 examples and the usual one-million-'a' vector; lengths around
  // the 55/56/64-byte padding edges against values from sha256sum.
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Lengths around the padding edges (one block or two), from sha256sum.
  const std::pair<size_t, const char*> edges[] = {
      {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
      {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
      {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
      {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
      {65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
      {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
      {120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"}};
  for (const auto& [n, want] : edges) EXPECT_EQ(Sha256Hex(std::string(n, 'x')), want) << n;
}

TEST(Sha256Test, PiecewiseUpdatesGiveTheWholeDigest) {
  std::mt19937_64 rng(testing::TestSeed());
  for (int round = 0; round < 200; ++round) {
    const std::string data = testing::RandomBytes(rng, rng() % 700);
    Sha256 h;
    for (size_t at = 0; at < data.size();) {
      const size_t step = std::min<size_t>(data.size() - at, rng() % 130);
      h.Update(std::string_view(data).substr(at, step));
      at += step;
    }
    EXPECT_EQ(h.FinishHex(), Sha256Hex(data)) << round;
  }
}

TEST(Sha256Test, AgreesWithSha256sumOnRandomBytes) {
  if (std::system("command -v sha256sum >/dev/null 2>&1") != 0) GTEST_SKIP() << "no sha256sum";
  std::mt19937_64 rng(testing::TestSeed());
  const std::string path = ::testing::TempDir() + "/sha256_test.bin";
  for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{1} << 20}) {
    const std::string data = testing::RandomBytes(rng, n + rng() % 100);
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
    FILE* p = popen(("sha256sum " + path).c_str(), "r");
    ASSERT_NE(p, nullptr);
    char out[65] = {};
    ASSERT_EQ(std::fread(out, 1, 64, p), 64u);
    pclose(p);
    EXPECT_EQ(Sha256Hex(data), std::string(out, 64)) << data.size();
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace hypertok
