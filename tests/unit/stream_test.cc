#include "hypertok/stream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/hash.h"
#include "hypertok/decoder.h"
#include "hypertok/encoder.h"
#include "unit/test_util.h"

namespace hypertok {
namespace {

std::string EncodeToStream(const Encoder& enc, const Codebook& cb, std::string_view text,
                           StreamOptions opts = {}, SceneMode mode = SceneMode::kParagraph) {
  std::string out;
  StringSink sink(&out);
  StreamWriter w(&sink, cb.id(), cb.size(), opts);
  StringSource src(text);
  EXPECT_TRUE(EncodeSource(enc, &src, {mode, 1}, &w).ok());
  EXPECT_TRUE(w.Finish().ok());
  return out;
}

StatusOr<std::string> DecodeFromStream(const Codebook& cb, std::string_view stream,
                                       StreamTotals* totals = nullptr) {
  Decoder dec(cb);
  std::string out;
  StringSink sink(&out);
  StringSource src(stream, "s.hts");
  HT_ASSIGN_OR_RETURN(StreamTotals t, DecodeStream(dec, &src, &sink));
  if (totals) *totals = t;
  return out;
}

class StreamTest : public ::testing::Test {
 protected:
  const Codebook& cb_ = testing::SampleCodebook();
  Encoder enc_ = std::move(Encoder::Create(cb_)).value();
};

TEST_F(StreamTest, RoundTripsRealTextWithAndWithoutZstd) {
  std::string text = testing::ReadSample("ru_pushkin_dubrovskii.txt");
  for (bool zstd : {false, true}) {
    std::string s = EncodeToStream(enc_, cb_, text, {zstd, 3});
    StreamTotals t;
    auto back = DecodeFromStream(cb_, s, &t);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, text);
    EXPECT_EQ(t.bytes, text.size());
    EXPECT_EQ(t.documents, 1u);
    EXPECT_GT(t.scenes, 10u);
  }
}

TEST_F(StreamTest, EncodingTwiceGivesIdenticalBytes) {
  std::string text = testing::ReadSample("en_pg1080_modest_proposal.txt");
  EXPECT_EQ(EncodeToStream(enc_, cb_, text), EncodeToStream(enc_, cb_, text));
}

TEST_F(StreamTest, AdversarialInputsRoundTrip) {
  for (const std::string& in : testing::AdversarialInputs()) {
    for (SceneMode mode : {SceneMode::kParagraph, SceneMode::kLine, SceneMode::kDocument}) {
      auto back = DecodeFromStream(cb_, EncodeToStream(enc_, cb_, in, {}, mode));
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(*back, in);
    }
  }
}

TEST_F(StreamTest, ConcatenatedStreamsDecodeToConcatenatedInputs) {
  std::string a = "first shard\n\n", b = "второй шард\n";
  auto back = DecodeFromStream(cb_, EncodeToStream(enc_, cb_, a) + EncodeToStream(enc_, cb_, b));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, a + b);
}

TEST_F(StreamTest, WrongCodebookIsRefusedNamingBothIds) {
  std::string s = EncodeToStream(enc_, cb_, "hello\n");
  std::vector<Piece> p = Codebook::BytePieces();
  p.push_back({"zz", PieceKind::kNormal});
  auto other = Codebook::Create(p, SceneMode::kParagraph, {});
  ASSERT_TRUE(other.ok());
  auto r = DecodeFromStream(*other, s);
  ASSERT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find(Hex64(cb_.id())), std::string::npos);
  EXPECT_NE(r.status().message().find(Hex64(other->id())), std::string::npos);
}

TEST_F(StreamTest, EveryTruncationAndManyBitFlipsAreCleanErrors) {
  std::string s = EncodeToStream(enc_, cb_, "Мороз и солнце; день чудесный!\n\nЕщё ты дремлешь.\n");
  for (size_t n = 0; n < s.size(); ++n)
    EXPECT_FALSE(DecodeFromStream(cb_, s.substr(0, n)).ok()) << "truncated to " << n;
  for (size_t i = 0; i < s.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string b = s;
      b[i] ^= static_cast<char>(1 << bit);
      EXPECT_FALSE(DecodeFromStream(cb_, b).ok()) << "byte " << i << " bit " << bit;
    }
  }
}

TEST_F(StreamTest, ZstdStreamBitFlipsAreCleanErrors) {
  std::string text = testing::ReadSample("ru_gogol_shinel.txt").substr(0, 20000);
  std::string s = EncodeToStream(enc_, cb_, text, {true, 3});
  std::mt19937_64 rng(testing::TestSeed());
  for (int i = 0; i < 500; ++i) {
    std::string b = s;
    b[rng() % b.size()] ^= static_cast<char>(1 << (rng() % 8));
    EXPECT_FALSE(DecodeFromStream(cb_, b).ok());
  }
}

TEST_F(StreamTest, LongScenesSpanBlocks) {
  // One scene of more than kBlockTokens tokens: only byte tokens, no spaces.
  std::string text;
  std::mt19937_64 rng(testing::TestSeed());
  text = testing::RandomBytes(rng, StreamWriter::kBlockTokens + 12345, 256);
  std::string s = EncodeToStream(enc_, cb_, text, {}, SceneMode::kDocument);
  StreamTotals t;
  auto back = DecodeFromStream(cb_, s, &t);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, text);
  EXPECT_EQ(t.scenes, 1u);
  EXPECT_GE(t.blocks, 2u);
}

// Blocks are decoded in chunks of tokens; a block of 4-byte tokens (vocab
// above 65536) with ids above 65535, spanning many chunks, decodes exactly,
// and an id outside the vocabulary is named by its place in the stream.
TEST(StreamWideTokensTest, WideBlocksDecodeAcrossChunksAndNameABadIdByStreamPosition) {
  std::vector<Piece> pieces = Codebook::BytePieces();
  for (int i = 0; i < 70000; ++i) pieces.push_back({"w" + std::to_string(i), PieceKind::kNormal});
  auto cb = Codebook::Create(std::move(pieces), SceneMode::kDocument, {});
  ASSERT_TRUE(cb.ok()) << cb.status().ToString();
  std::mt19937_64 rng(testing::TestSeed());
  std::vector<uint32_t> ids(300000);
  std::string want;
  for (uint32_t& id : ids) {
    id = static_cast<uint32_t>(rng() % cb->size());
    want += cb->piece(id).bytes;
  }
  auto write = [&](const std::vector<uint32_t>& tokens) {
    std::string s;
    StringSink sink(&s);
    StreamWriter w(&sink, cb->id(), cb->size());
    EXPECT_TRUE(w.Add(tokens, want, true, true).ok());
    EXPECT_TRUE(w.Finish().ok());
    return s;
  };
  const std::string good = write(ids);
  StringSource src(good);
  auto sum = SummarizeStream(&src);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(sum->header.token_width, 4);
  auto back = DecodeFromStream(*cb, good);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == want);

  std::vector<uint32_t> bad = ids;
  bad[123456] = static_cast<uint32_t>(cb->size()) + 7;
  auto err = DecodeFromStream(*cb, write(bad));
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(err.status().message().find("token 123456 has id " + std::to_string(cb->size() + 7)),
            std::string::npos)
      << err.status().ToString();
}

// A chunk is decoded into room for its longest possible text: with pieces
// of the longest length a codebook allows, in runs, chunks are fewer tokens
// and still decode exactly (ASan sees a write past the room).
TEST(StreamLongPiecesTest, ChunksOfTheLongestPiecesDecodeExactly) {
  std::vector<Piece> pieces = Codebook::BytePieces();
  for (int i = 0; i < 40; ++i) {
    std::string p(Codebook::kMaxPieceBytes - static_cast<size_t>(i % 3),
                  static_cast<char>('a' + i % 26));
    p += std::to_string(i);
    p.resize(std::min(p.size(), Codebook::kMaxPieceBytes));
    pieces.push_back({p, PieceKind::kNormal});
  }
  auto cb = Codebook::Create(std::move(pieces), SceneMode::kDocument, {});
  ASSERT_TRUE(cb.ok()) << cb.status().ToString();
  Decoder dec(*cb);
  ASSERT_EQ(dec.max_piece_bytes(), Codebook::kMaxPieceBytes);
  std::mt19937_64 rng(testing::TestSeed());
  std::vector<uint32_t> ids(6000);
  std::string want;
  for (size_t i = 0; i < ids.size(); ++i) {
    // Long runs of long pieces (a chunk's room is all used), broken by bytes.
    ids[i] = i % 1500 < 1400 ? 256 + static_cast<uint32_t>(rng() % 40)
                             : static_cast<uint32_t>(rng() % 256);
    want += cb->piece(ids[i]).bytes;
  }
  std::string s;
  StringSink sink(&s);
  StreamWriter w(&sink, cb->id(), cb->size());
  ASSERT_TRUE(w.Add(ids, want, true, true).ok());
  ASSERT_TRUE(w.Finish().ok());
  auto back = DecodeFromStream(*cb, s);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == want);
}

TEST_F(StreamTest, SummaryReportsTotals) {
  std::string s = EncodeToStream(enc_, cb_, "a\n\nb\n\nc");
  StringSource src(s);
  auto sum = SummarizeStream(&src);
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->header.codebook_id, cb_.id());
  EXPECT_EQ(sum->totals.scenes, 3u);
  EXPECT_EQ(sum->totals.bytes, 7u);
  EXPECT_EQ(sum->header.token_width, 2);
}

}  // namespace
}  // namespace hypertok
