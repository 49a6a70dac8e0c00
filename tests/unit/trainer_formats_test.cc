#include "hypertok/trainer_formats.h"

#include <gtest/gtest.h>

#include <cstring>

#include "hypertok/encoder.h"
#include "unit/test_util.h"

namespace hypertok {
namespace {

Codebook FormatsCodebook(size_t extra_normal = 0) {
  std::vector<Piece> pieces = Codebook::BytePieces();
  pieces.push_back({"<|endoftext|>", PieceKind::kSpecial});
  pieces.push_back({"ab", PieceKind::kNormal});
  for (size_t i = 0; i < extra_normal; ++i)
    pieces.push_back({"x" + std::to_string(i), PieceKind::kNormal});
  auto cb = Codebook::Create(std::move(pieces), SceneMode::kParagraph, {{"eod", "<|endoftext|>"}});
  EXPECT_TRUE(cb.ok()) << cb.status().ToString();
  return std::move(cb).value();
}

// Encodes `text` in `format` through the same TokenSink calls the pipeline
// makes, scene by scene.
std::string Write(const Codebook& cb, TrainerFormat format,
                  const std::vector<std::string>& scenes) {
  auto enc = Encoder::Create(cb);
  std::string out;
  StringSink sink(&out);
  std::unique_ptr<TokenSink> w;
  if (format == TrainerFormat::kPua) {
    w = std::move(PuaWriter::Create(&sink, cb)).value();
  } else {
    w = std::move(TokenArrayWriter::Create(&sink, format, cb)).value();
  }
  for (size_t i = 0; i < scenes.size(); ++i) {
    EXPECT_TRUE(w->Add(enc->Encode(scenes[i]), scenes[i], true, i + 1 == scenes.size()).ok());
  }
  EXPECT_TRUE(w->Finish().ok());
  return out;
}

std::string Decode(const Codebook& cb, TrainerFormat format, const std::string& data,
                   Status* status = nullptr) {
  StringSource src(data, "test");
  std::string out;
  StringSink sink(&out);
  auto r = format == TrainerFormat::kPua ? DecodePua(cb, &src, &sink)
                                         : DecodeTokenArray(cb, format, &src, &sink);
  if (status) *status = r.status();
  EXPECT_TRUE(status || r.ok()) << r.status().ToString();
  return out;
}

TEST(TrainerFormatsTest, EveryFormatRoundTripsWithEodAfterEachScene) {
  const Codebook cb = FormatsCodebook();
  const std::vector<std::string> scenes = {"abab\n\n", std::string("x\0\xFF", 3), "ab"};
  std::string all;
  for (const auto& s : scenes) all += s;
  for (auto f :
       {TrainerFormat::kBin, TrainerFormat::kNpy, TrainerFormat::kLlmc, TrainerFormat::kPua}) {
    const std::string data = Write(cb, f, scenes);
    EXPECT_EQ(Decode(cb, f, data), all) << TrainerFormatName(f);
  }
  // bin: uint16 ids, eod (256) after every scene.
  const std::string bin = Write(cb, TrainerFormat::kBin, scenes);
  std::vector<uint16_t> ids(bin.size() / 2);
  std::memcpy(ids.data(), bin.data(), bin.size());
  EXPECT_EQ(ids, (std::vector<uint16_t>{257, 257, '\n', '\n', 256, 'x', 0, 0xFF, 256, 257, 256}));
}

TEST(TrainerFormatsTest, BinShardsConcatenate) {
  const Codebook cb = FormatsCodebook();
  const std::string a = Write(cb, TrainerFormat::kBin, {"ab\n\n", "b"});
  const std::string b = Write(cb, TrainerFormat::kBin, {"abab"});
  EXPECT_EQ(Write(cb, TrainerFormat::kBin, {"ab\n\n", "b", "abab"}), a + b);
  EXPECT_EQ(Decode(cb, TrainerFormat::kBin, a + b), "ab\n\nbabab");
}

TEST(TrainerFormatsTest, NpyHeaderIsAlignedAndCountsTokens) {
  const Codebook cb = FormatsCodebook();
  const std::string npy = Write(cb, TrainerFormat::kNpy, {"abab"});
  ASSERT_GE(npy.size(), 128u);
  EXPECT_EQ(npy.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  EXPECT_EQ(npy[127], '\n');
  EXPECT_NE(npy.find("'shape': (3,)"), std::string::npos);
  EXPECT_EQ(npy.size(), 128u + 3 * 2);
}

TEST(TrainerFormatsTest, WideVocabulariesUseFourBytesAndLlmcRefusesThem) {
  const Codebook cb = FormatsCodebook(65536);
  auto width = TokenWidth(TrainerFormat::kBin, cb);
  ASSERT_TRUE(width.ok());
  EXPECT_EQ(*width, 4);
  EXPECT_FALSE(TokenWidth(TrainerFormat::kLlmc, cb).ok());
  EXPECT_EQ(Decode(cb, TrainerFormat::kBin, Write(cb, TrainerFormat::kBin, {"abx9"})), "abx9");
}

TEST(TrainerFormatsTest, PuaCodePointsCoverBothPlanes) {
  for (uint32_t id : {0u, 65533u, 65534u, 131067u}) {
    const uint32_t cp = PuaCodePoint(id);
    EXPECT_TRUE((cp >= 0xF0000 && cp <= 0xFFFFD) || (cp >= 0x100000 && cp <= 0x10FFFD));
    EXPECT_EQ(PuaId(cp), id);
  }
  EXPECT_FALSE(PuaId(0xFFFFE).has_value());
  EXPECT_FALSE(PuaId('a').has_value());
}

TEST(TrainerFormatsTest, CorruptInputsAreErrorsNotCrashes) {
  const Codebook cb = FormatsCodebook();
  const std::string bin = Write(cb, TrainerFormat::kBin, {"abab"});
  Status s;
  Decode(cb, TrainerFormat::kBin, bin + "x", &s);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  Decode(cb, TrainerFormat::kBin, std::string("\xFF\xFF", 2), &s);  // id 65535
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  std::string npy = Write(cb, TrainerFormat::kNpy, {"abab"});
  Decode(cb, TrainerFormat::kNpy, npy.substr(0, npy.size() - 2), &s);  // count lies
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  std::string llmc = Write(cb, TrainerFormat::kLlmc, {"abab"});
  llmc[0] ^= 1;
  Decode(cb, TrainerFormat::kLlmc, llmc, &s);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  Decode(cb, TrainerFormat::kPua, "ab", &s);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  for (size_t cut = 0; cut < npy.size(); ++cut) {
    Decode(cb, TrainerFormat::kNpy, npy.substr(0, cut), &s);
    EXPECT_FALSE(s.ok()) << cut;
  }
}

TEST(TrainerFormatsTest, CodebookWithoutEodIsRefused) {
  auto cb = Codebook::Create(Codebook::BytePieces(), SceneMode::kParagraph, {});
  ASSERT_TRUE(cb.ok());
  std::string out;
  StringSink sink(&out);
  EXPECT_EQ(TokenArrayWriter::Create(&sink, TrainerFormat::kBin, *cb).status().code(),
            StatusCode::kFailedPrecondition);
  // Metadata naming a token that is not there is a broken codebook.
  EXPECT_FALSE(
      Codebook::Create(Codebook::BytePieces(), SceneMode::kParagraph, {{"eod", "<none>"}}).ok());
}

}  // namespace
}  // namespace hypertok
