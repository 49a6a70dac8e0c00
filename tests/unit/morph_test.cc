#include <gtest/gtest.h>

#include <map>
#include <random>

#include "morph/ending_markers.h"
#include "morph/morpheme_splitter.h"
#include "unit/test_util.h"

namespace hypertok {
namespace {

std::vector<GoldWord> ToyGold() {
  auto g = ReadGoldFile(std::string(HYPERTOK_TESTS_DIR) + "/data/toy_gold.tsv");
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return g.ok() ? *g : std::vector<GoldWord>();
}

std::string Render(std::string_view word, const std::vector<Morph>& morphs) {
  std::string out;
  for (const Morph& m : morphs) {
    if (!out.empty()) out += ' ';
    if (m.type == MorphType::kEnding) out += '+';
    out += std::string(word.substr(m.begin, m.end - m.begin));
  }
  return out;
}

TEST(GoldTest, ParsesEveryFormat) {
  auto g = ParseGold(
      "слово\tслов:ROOT/о:END\n"
      "abusing\tab/us/ing\n"
      "walked\twalk +ed\n"
      "subsidised\tsubside @@y @@ise @@ed\tclass\n"  // canonical: skipped
      "runs\trun @@s\t010\n"
      "\n",
      "g");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->size(), 4u);
  EXPECT_EQ((*g)[0].morphs[1], (std::pair<std::string, MorphType>{"о", MorphType::kEnding}));
  EXPECT_EQ((*g)[1].morphs.size(), 3u);
  EXPECT_EQ((*g)[2].morphs[1].second, MorphType::kEnding);
  EXPECT_EQ((*g)[3].morphs[1].first, "s");
  auto bad = ParseGold("no tab here\n", "g.tsv");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 1"), std::string::npos);
}

TEST(SupervisedSplitterTest, LearnsToyParadigmsAndGeneralises) {
  auto m = MorphemeSplitter::TrainSupervised(ToyGold(), {.epochs = 20, .hash_bits = 14});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(Render("столом", m->Split("столом")), "стол +ом");
  EXPECT_EQ(Render("настольный", m->Split("настольный")), "на столь н +ый");
  // A stem never seen with this ending; case differs from training.
  EXPECT_EQ(Render("Котом", m->Split("Котом")), "Кот +ом");
}

TEST(SupervisedSplitterTest, DeterministicAndSerializable) {
  auto a = MorphemeSplitter::TrainSupervised(ToyGold(), {.epochs = 5, .hash_bits = 12});
  auto b = MorphemeSplitter::TrainSupervised(ToyGold(), {.epochs = 5, .hash_bits = 12});
  ASSERT_TRUE(a.ok() && b.ok());
  std::string bytes = a->Serialize();
  EXPECT_EQ(bytes, b->Serialize());
  auto parsed = MorphemeSplitter::Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Serialize(), bytes);
  EXPECT_EQ(parsed->Split("домом"), a->Split("домом"));
  // Corruption is a clean error.
  for (size_t i = 0; i < bytes.size(); i += 97) {
    std::string bad = bytes;
    bad[i] ^= 0x10;
    EXPECT_FALSE(MorphemeSplitter::Parse(bad).ok()) << i;
  }
  EXPECT_FALSE(MorphemeSplitter::Parse(bytes.substr(0, bytes.size() / 2)).ok());
}

const char* const kStems[] = {"стол", "дом", "кот", "сад", "лес", "мост", "нос", "рот", "двор", "звон"};
const char* const kEndings[] = {"", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах"};

// Stems × endings, as a raw corpus would give them.
std::vector<std::pair<std::string, uint64_t>> ToyCorpusWords() {
  std::vector<std::pair<std::string, uint64_t>> words;
  for (const char* s : kStems)
    for (const char* e : kEndings) words.emplace_back(std::string(s) + e, 3);
  std::sort(words.begin(), words.end());
  return words;
}

TEST(UnsupervisedSplitterTest, FindsStemEndingBoundaries) {
  auto m = MorphemeSplitter::TrainUnsupervised(ToyCorpusWords(), {});
  ASSERT_TRUE(m.ok());
  int right = 0, total = 0;
  for (const char* stem : kStems) {
    for (const char* ending : kEndings) {
      if (!*ending) continue;
      std::string w = std::string(stem) + ending;
      std::vector<uint32_t> cuts = MorphCuts(m->Split(w));
      ++total;
      right += std::count(cuts.begin(), cuts.end(), std::string(stem).size()) > 0;
    }
  }
  EXPECT_GT(right, total * 3 / 4) << right << " of " << total;
  std::string bytes = m->Serialize();
  auto parsed = MorphemeSplitter::Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Serialize(), bytes);
  EXPECT_EQ(parsed->Split("столами"), m->Split("столами"));
}

TEST(UnsupervisedSplitterTest, SameWordsSameModelBytes) {
  std::string text = testing::ReadSample("ru_gogol_shinel.txt");
  std::vector<std::pair<std::string, uint64_t>> words;
  std::map<std::string, uint64_t> counts;
  std::string w;
  for (char c : text) {  // crude word split is enough: the test is about repeatability
    if (static_cast<unsigned char>(c) >= 0x80 || std::isalpha(static_cast<unsigned char>(c))) {
      w += c;
    } else if (!w.empty()) {
      ++counts[w];
      w.clear();
    }
  }
  words.assign(counts.begin(), counts.end());
  auto a = MorphemeSplitter::TrainUnsupervised(words, {});
  auto b = MorphemeSplitter::TrainUnsupervised(words, {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->Serialize(), b->Serialize());
}

TEST(SplitterTest, SegmentsAlwaysCoverTheWordExactly) {
  auto sup = MorphemeSplitter::TrainSupervised(ToyGold(), {.epochs = 3, .hash_bits = 12});
  auto unsup = MorphemeSplitter::TrainUnsupervised(ToyCorpusWords(), {});
  ASSERT_TRUE(sup.ok() && unsup.ok());
  std::mt19937_64 rng(testing::TestSeed());
  std::vector<std::string> words = {"", "a", "СТОЛ-стул", "x2y", "中文字", "\xFF\xFE", "до\xD0",
                                    "naïve", "Ünïcödé", std::string(300, 'z')};
  for (int i = 0; i < 200; ++i) words.push_back(testing::RandomBytes(rng, rng() % 30));
  for (const auto* m : {&*sup, &*unsup}) {
    for (const std::string& w : words) {
      std::vector<Morph> ms = m->Split(w);
      uint32_t at = 0;
      for (const Morph& x : ms) {
        ASSERT_EQ(x.begin, at);
        ASSERT_LT(x.begin, x.end);
        at = x.end;
      }
      ASSERT_EQ(at, w.size());
    }
  }
}

TEST(EndingMarkersTest, AlternatingFinalMorphsBecomeEndings) {
  auto m = MorphemeSplitter::TrainSupervised(ToyGold(), {.epochs = 20, .hash_bits = 14});
  ASSERT_TRUE(m.ok());
  std::vector<std::pair<std::string, uint64_t>> words;
  for (const GoldWord& g : ToyGold()) words.emplace_back(g.word, 1);
  auto endings = ExtractEndings(*m, words, 2);
  std::vector<std::string> texts;
  for (const auto& e : endings) texts.push_back(e.text);
  EXPECT_NE(std::find(texts.begin(), texts.end(), "ом"), texts.end());
  EXPECT_NE(std::find(texts.begin(), texts.end(), "ы"), texts.end());
  // -ся is a postfix, not an ending; -ый has only one stem here.
  EXPECT_EQ(std::find(texts.begin(), texts.end(), "ся"), texts.end());
  EXPECT_EQ(std::find(texts.begin(), texts.end(), "ый"), texts.end());
}

}  // namespace
}  // namespace hypertok
