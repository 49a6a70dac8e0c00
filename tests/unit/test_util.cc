#include "unit/test_util.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "hypertok/io.h"
#include "hypertok/trainer.h"

namespace hypertok::testing {

std::string ReadSample(const std::string& name) {
  auto s = ReadFileToString(std::string(HYPERTOK_DATA_DIR) + "/" + name);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : std::string();
}

const Codebook& SampleCodebook() {
  static const Codebook* cb = [] {
    Trainer trainer({.vocab_size = 4000});
    std::string text = ReadSample("ru_gogol_shinel.txt") + ReadSample("en_pg1080_modest_proposal.txt");
    StringSource src(text);
    EXPECT_TRUE(trainer.AddSource(&src).ok());
    auto built = trainer.Build();
    EXPECT_TRUE(built.ok()) << built.status().ToString();
    return new Codebook(std::move(built).value());
  }();
  return *cb;
}

std::string RandomBytes(std::mt19937_64& rng, size_t n, int alphabet) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() % alphabet);
  return s;
}

std::vector<std::string> AdversarialInputs() {
  using namespace std::string_literals;
  return {
      ""s,
      "\0"s,
      "\0\0\0a\0"s,
      "\xFF\xFE\xFD"s,
      "\xC0\x80 overlong"s,
      "\xED\xA0\x80 surrogate"s,
      "truncated \xD0"s,
      "\xEF\xBB\xBF" "BOM then text\r\n"s,
      "mixed\r\nline\nends\r\r\n\n\r\n\r\n\n"s,
      "\r\r\r\r"s,
      "\n\n\n\n\n"s,
      std::string(5000, ' '),
      std::string(3000, '\n'),
      "Привет, мир!\n\nПока.\n"s,
      "中文文本，没有空格。\r\n\r\n第二段。"s,
      "tab\tand\vvertical\fform feed"s,
  };
}

uint64_t TestSeed() {
  const char* env = std::getenv("HYPERTOK_TEST_SEED");
  return env ? std::strtoull(env, nullptr, 10) : 20261122;
}

}  // namespace hypertok::testing
