#include "train/codebook_builder.h"

#include <gtest/gtest.h>

#include <set>

#include "hypertok/encoder.h"
#include "hypertok/trainer.h"
#include "train/waterfall.h"
#include "unit/test_util.h"

namespace hypertok {
namespace {

TEST(CodebookBuilderTest, ExactSizeUniquePiecesAndAllStages) {
  std::string text = testing::ReadSample("ru_pushkin_dubrovskii.txt") +
                     testing::ReadSample("en_pg43_jekyll_and_hyde.txt");
  Corpus corpus({});
  StringSource src(text);
  ASSERT_TRUE(corpus.AddSource(&src).ok());
  std::vector<Bond> bonds = MineBonds(corpus, {});
  BuilderReport report;
  auto built = BuildPieces(corpus, bonds, {.pieces = 3000}, &report);
  ASSERT_TRUE(built.ok());
  std::vector<Piece> pieces = std::move(built).value();
  EXPECT_EQ(pieces.size(), 3000u);
  std::set<std::string> seen;
  for (const Piece& p : pieces) {
    EXPECT_TRUE(seen.insert(p.bytes).second) << p.bytes;
    EXPECT_GE(p.bytes.size(), 2u);
  }
  EXPECT_GT(report.chosen_by_origin[static_cast<int>(PieceOrigin::kBond)], 0u);
  EXPECT_GT(report.chosen_by_origin[static_cast<int>(PieceOrigin::kPretoken)], 0u);
  EXPECT_GT(report.chosen_by_origin[static_cast<int>(PieceOrigin::kChar)], 0u);
  EXPECT_GT(report.rounds, 1u);
}

TEST(CodebookBuilderTest, MoreVocabularyNeverCostsTokensOnTrainingText) {
  std::string text = testing::ReadSample("ru_gogol_shinel.txt");
  uint64_t prev = UINT64_MAX;
  for (size_t vocab : {1000, 2000, 4000}) {
    Trainer t({.vocab_size = vocab});
    StringSource src(text);
    ASSERT_TRUE(t.AddSource(&src).ok());
    auto cb = t.Build();
    ASSERT_TRUE(cb.ok());
    auto enc = Encoder::Create(*cb);
    ASSERT_TRUE(enc.ok());
    uint64_t tokens = enc->Encode(text).size();
    EXPECT_LT(tokens, prev) << vocab;
    // The real encoder never needs more tokens than the builder's estimate.
    EXPECT_LE(tokens, t.stats().sample_tokens);
    prev = tokens;
  }
}

TEST(WaterfallTest, StagesNeverAddTokensAndEndAtTheEncoderCount) {
  const Codebook& cb = testing::SampleCodebook();
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  auto w = Waterfall::Create(cb);
  ASSERT_TRUE(w.ok());
  std::string text = testing::ReadSample("ru_pushkin_dubrovskii.txt");
  StringSource src(text);
  ASSERT_TRUE(EncodeSource(*enc, &src, {}, w->get()).ok());
  TextCounts c = (*w)->Take();
  EXPECT_EQ(c.bytes, text.size());
  EXPECT_GT(c.words, 15000u);
  ASSERT_EQ(c.stages.size(), 5u);
  for (size_t s = 1; s < c.stages.size(); ++s)
    EXPECT_LE(c.stages[s].tokens, c.stages[s - 1].tokens) << c.stages[s].name;
  EXPECT_EQ(c.stages.back().tokens, enc->Encode(text).size());
  EXPECT_LT(c.stages.back().tokens, c.stages.front().tokens);
}

}  // namespace
}  // namespace hypertok
