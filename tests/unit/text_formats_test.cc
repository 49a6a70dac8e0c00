#include "hypertok/text_formats.h"

#include <gtest/gtest.h>

#include "hypertok/encoder.h"
#include "unit/test_util.h"

namespace hypertok {
namespace {

TEST(TextFormatsTest, IdsRoundTripOneScenePerLine) {
  const Codebook& cb = testing::SampleCodebook();
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  Decoder dec(cb);
  for (const std::string& in : testing::AdversarialInputs()) {
    std::string ids;
    StringSink sink(&ids);
    IdsTextWriter w(&sink);
    StringSource src(in);
    ASSERT_TRUE(EncodeSource(*enc, &src, {SceneMode::kLine, 1}, &w).ok());
    size_t lines = std::count(ids.begin(), ids.end(), '\n');
    size_t scenes = std::count(in.begin(), in.end(), '\n') + (in.empty() || in.back() == '\n' ? 0 : 1);
    EXPECT_EQ(lines, scenes);
    std::string back;
    StringSink out(&back);
    StringSource ids_src(ids);
    ASSERT_TRUE(DecodeIdsText(dec, &ids_src, &out).ok());
    EXPECT_EQ(back, in);
  }
}

TEST(TextFormatsTest, BadIdsAreErrorsWithLineAndColumn) {
  const Codebook& cb = testing::SampleCodebook();
  Decoder dec(cb);
  std::string out;
  StringSink sink(&out);
  StringSource a("1 2 3\n4 x 5\n", "ids.txt");
  auto r = DecodeIdsText(dec, &a, &sink);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 2, column 3"), std::string::npos)
      << r.status().message();
  StringSource b("1 99999999\n", "ids.txt");
  EXPECT_FALSE(DecodeIdsText(dec, &b, &sink).ok());
  StringSource c("123456789012345678901234567890\n", "ids.txt");
  EXPECT_FALSE(DecodeIdsText(dec, &c, &sink).ok());
}

TEST(TextFormatsTest, JsonPieceTextEscapesAndMarksInvalidBytes) {
  std::string s;
  AppendJsonPieceText("a\"b\\\n\t\x01мир\xFF\xD0", &s);
  EXPECT_EQ(s, "a\\\"b\\\\\\n\\t\\u0001мир<0xFF><0xD0>");
}

}  // namespace
}  // namespace hypertok
