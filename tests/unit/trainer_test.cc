#include "hypertok/trainer.h"

#include <gtest/gtest.h>

#include "hypertok/encoder.h"
#include "unit/test_util.h"

namespace hypertok {
namespace {

std::string Train(const std::string& text, int threads, size_t vocab) {
  Trainer t({.vocab_size = vocab, .threads = threads});
  StringSource src(text);
  EXPECT_TRUE(t.AddSource(&src).ok());
  auto cb = t.Build();
  EXPECT_TRUE(cb.ok()) << cb.status().ToString();
  return cb.ok() ? cb->Serialize() : "";
}

TEST(TrainerTest, SameCodebookBytesForAnyThreadCount) {
  std::string text;
  for (const char* f : {"ru_lermontov_geroi_nashego_vremeni.txt", "en_pg174_dorian_gray.txt",
                        "zh_pg25558_shen_yin_yu.txt", "code_c_sqlite3-3.40.1.h",
                        "ru_pushkin_dubrovskii.txt", "en_pg43_jekyll_and_hyde.txt"})
    text += testing::ReadSample(f);
  // More than one 4 MiB work item per thread, so the parallel path runs.
  text += text;
  text += text;
  ASSERT_GT(text.size(), size_t{8} << 20);
  std::string t1 = Train(text, 1, 4000);
  EXPECT_EQ(t1, Train(text, 3, 4000));
}

TEST(TrainerTest, RespectsVocabSizeAndLearnsFrequentWords) {
  std::string text = testing::ReadSample("en_pg43_jekyll_and_hyde.txt");
  Trainer t({.vocab_size = 1000});
  StringSource src(text);
  ASSERT_TRUE(t.AddSource(&src).ok());
  auto cb = t.Build();
  ASSERT_TRUE(cb.ok());
  EXPECT_EQ(cb->size(), 1000u);
  bool has_the = false;
  for (const Piece& p : cb->pieces()) has_the |= p.bytes == " the";
  EXPECT_TRUE(has_the);
  // The self-tests it stored pass on a fresh encoder.
  EXPECT_FALSE(cb->self_tests().empty());
  EXPECT_TRUE(Encoder::Create(*cb).ok());
}

TEST(TrainerTest, TooSmallVocabIsAnError) {
  Trainer t({.vocab_size = 100});
  StringSource src("abc");
  ASSERT_TRUE(t.AddSource(&src).ok());
  EXPECT_EQ(t.Build().status().code(), StatusCode::kInvalidArgument);
}

TEST(TrainerTest, EmptyInputGivesByteAndSpecialOnlyCodebook) {
  Trainer t({.vocab_size = 300});
  StringSource src("");
  ASSERT_TRUE(t.AddSource(&src).ok());
  auto cb = t.Build();
  ASSERT_TRUE(cb.ok());
  EXPECT_EQ(cb->size(), 257u);  // the bytes and the default eod
}

TEST(TrainerTest, SpecialTokensTakeFixedIdsAfterTheBytes) {
  TrainOptions o{.vocab_size = 600};
  o.specials = {"<pad>", "<|endoftext|>", "<|im_start|>"};
  Trainer t(o);
  StringSource src("a text <pad> with <|im_start|> spellings in it, a text, a text");
  ASSERT_TRUE(t.AddSource(&src).ok());
  auto cb = t.Build();
  ASSERT_TRUE(cb.ok()) << cb.status().ToString();
  ASSERT_GE(cb->size(), 259u);
  // The eod is listed, so it keeps its place in the list.
  EXPECT_EQ(cb->piece(256).bytes, "<pad>");
  EXPECT_EQ(cb->piece(257).bytes, "<|endoftext|>");
  EXPECT_EQ(cb->piece(258).bytes, "<|im_start|>");
  for (uint32_t id : {256u, 257u, 258u}) EXPECT_EQ(cb->piece(id).kind, PieceKind::kSpecial);
  ASSERT_TRUE(cb->eod_id().has_value());
  EXPECT_EQ(*cb->eod_id(), 257u);
  // And the file keeps all of it.
  auto again = Codebook::Parse(cb->Serialize());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->eod_id(), cb->eod_id());
}

TEST(TrainerTest, BadSpecialTokensAreRejected) {
  for (const char* bad : {"", "a b", "tab\there", "\xFF"}) {
    TrainOptions o{.vocab_size = 600};
    o.specials = {bad};
    EXPECT_FALSE(ReservedSpecialTokens(o).ok()) << bad;
  }
  TrainOptions twice{.vocab_size = 600};
  twice.specials = {"<a>", "<a>"};
  EXPECT_FALSE(ReservedSpecialTokens(twice).ok());
  TrainOptions none{.vocab_size = 600};
  none.eod = "";
  auto list = ReservedSpecialTokens(none);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

}  // namespace
}  // namespace hypertok
