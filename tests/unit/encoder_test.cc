#include "hypertok/encoder.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <set>

#include "codec/pretokenizer.h"
#include "codec/symbol_trie.h"
#include "codec/unit_memo.h"
#include "common/bytes.h"
#include "hypertok/decoder.h"
#include "unit/test_util.h"

namespace hypertok {
namespace {

Codebook MakeCodebook(const std::vector<std::string>& words, std::vector<SelfTest> tests = {}) {
  std::vector<Piece> pieces = Codebook::BytePieces();
  for (const auto& w : words) pieces.push_back({w, PieceKind::kNormal});
  auto cb = Codebook::Create(std::move(pieces), SceneMode::kParagraph, {}, std::move(tests));
  EXPECT_TRUE(cb.ok()) << cb.status().ToString();
  return std::move(cb).value();
}

// The encoder's contract, checked independently: the fewest tokens over all
// segmentations whose every token lies inside one pre-token or starts and
// ends on pre-token boundaries — by exhaustive recursion (small inputs only).
size_t BruteForceMin(const Codebook& cb, std::string_view text, size_t at,
                     const std::vector<bool>& boundary) {
  if (at == text.size()) return 0;
  size_t best = 1 + BruteForceMin(cb, text, at + 1, boundary);
  for (size_t id = 256; id < cb.size(); ++id) {
    const std::string& p = cb.piece(id).bytes;
    if (cb.piece(id).kind != PieceKind::kNormal || !text.substr(at).starts_with(p)) continue;
    const size_t end = at + p.size();
    bool inside_one = true;
    for (size_t q = at + 1; q < end; ++q) inside_one &= !boundary[q];
    if (inside_one || (boundary[at] && boundary[end]))
      best = std::min(best, 1 + BruteForceMin(cb, text, end, boundary));
  }
  return best;
}

size_t BruteForceMin(const Codebook& cb, std::string_view text) {
  std::vector<bool> boundary(text.size() + 1, false);
  size_t at = 0;
  boundary[0] = true;
  Pretokenize(text, [&](std::string_view u) { boundary[at += u.size()] = true; });
  return BruteForceMin(cb, text, 0, boundary);
}

std::string RandomText(std::mt19937_64& rng, size_t n) {
  static constexpr char kAlphabet[] = "ab ,\n";
  std::string s(n, ' ');
  for (char& c : s) c = kAlphabet[rng() % 5];
  return s;
}

// n distinct words from make(), skipping those accept() refuses.
template <typename Make, typename Accept>
std::vector<std::string> DistinctWords(size_t n, Make make, Accept accept) {
  std::vector<std::string> words;
  std::set<std::string> seen;
  while (words.size() < n) {
    std::string w = make();
    if (accept(w) && seen.insert(w).second) words.push_back(std::move(w));
  }
  return words;
}

// n distinct words of shortest..shortest + 5 letters a-z.
std::vector<std::string> LowercaseWords(std::mt19937_64& rng, size_t n, size_t shortest) {
  return DistinctWords(
      n,
      [&] {
        std::string w;
        for (size_t k = shortest + rng() % 6; k > 0; --k) w += static_cast<char>('a' + rng() % 26);
        return w;
      },
      [](const std::string&) { return true; });
}

TEST(EncoderTest, GreedyWouldLoseMinimumWins) {
  // Greedy longest-match takes "abc" then "d","e" (3 tokens); the minimum is
  // "ab" + "cde" (2).
  Codebook cb = MakeCodebook({"abc", "ab", "cde"});
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  std::vector<uint32_t> ids = enc->Encode("abcde");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(cb.piece(ids[0]).bytes, "ab");
  EXPECT_EQ(cb.piece(ids[1]).bytes, "cde");
}

TEST(EncoderTest, TiesGoToTheLongestFirstToken) {
  Codebook cb = MakeCodebook({"ab", "bc", "abc", "cd"});
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  // "abcd": "ab"+"cd" and "abc"+"d" both take 2; the longer first token wins.
  std::vector<uint32_t> ids = enc->Encode("abcd");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(cb.piece(ids[0]).bytes, "abc");
}

TEST(EncoderTest, MultiUnitPiecesMatchOnlyWholeUnits) {
  // "a b" spans the units "a" and " b"; it may replace them, but not the
  // tail of "xa" followed by " b".
  Codebook cb = MakeCodebook({"a b", "xa"});
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(enc->Encode("a b").size(), 1u);
  EXPECT_EQ(enc->Encode("a b,a b").size(), 3u);
  EXPECT_EQ(enc->Encode("xa b").size(), 3u);  // "xa" " " "b"
}

TEST(EncoderTest, EveryOneOfThousandsOfMultiUnitPiecesIsFound) {
  // Enough multi-unit pieces, sharing prefixes, that the encoder's tables
  // for them (bond units, the unit-id trie's edges) grow past their first
  // sizes, and with prefixes shared so much that the edge table is sized
  // down at the end. Each piece alone must encode as its own id: ties go to
  // the multi-unit piece, and no other piece spells the same bytes.
  const uint64_t seed = testing::TestSeed();
  std::mt19937_64 rng(seed);
  const std::vector<std::string> words = LowercaseWords(rng, 3000, 2);
  // n phrases: word k from the first pools[k] words. Few choices for the
  // first words make phrases share prefixes (the trie branches); many
  // phrases on few prefixes leave far fewer edges than units.
  auto phrases = [&](size_t n, std::vector<size_t> pools) {
    std::set<std::string> out;
    while (out.size() < n) {
      std::string p = words[rng() % pools[0]];
      for (size_t k = 1; k < pools.size(); ++k) p += " " + words[rng() % pools[k]];
      out.insert(std::move(p));
    }
    return std::vector<std::string>(out.begin(), out.end());
  };
  const size_t all = words.size();
  for (const auto& pieces : {phrases(4300, {all, all, all}), phrases(4300, {2, 3, 3, all})}) {
    Codebook cb = MakeCodebook(pieces);
    auto enc = Encoder::Create(cb);
    ASSERT_TRUE(enc.ok());
    for (size_t i = 0; i < pieces.size(); ++i) {
      ASSERT_EQ(enc->Encode(pieces[i]), std::vector<uint32_t>{static_cast<uint32_t>(256 + i)})
          << "seed " << seed << ": '" << pieces[i] << "'";
    }
  }
}
TEST(EncoderTest, MatchesBruteForceOnRandomVocabularies) {
  const uint64_t seed = testing::TestSeed();
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 400; ++round) {
    const std::vector<std::string> words = DistinctWords(
        1 + rng() % 12, [&] { return RandomText(rng, 2 + rng() % 5); },
        [](const std::string&) { return true; });
    Codebook cb = MakeCodebook(words);
    auto enc = Encoder::Create(cb);
    ASSERT_TRUE(enc.ok());
    Decoder dec(cb);
    std::string text = RandomText(rng, rng() % 14);
    std::vector<uint32_t> ids = enc->Encode(text);
    std::string back;
    ASSERT_TRUE(dec.Decode(ids, &back).ok());
    ASSERT_EQ(back, text) << "seed " << seed << " round " << round;
    ASSERT_EQ(ids.size(), BruteForceMin(cb, text)) << "seed " << seed << " round " << round;
  }
}

// The ids of one unit of ASCII text by the plain DP the encoder's contract
// states: fewest tokens, ties to the longest first piece (byte tokens last).
std::vector<uint32_t> PlainDpIds(const Codebook& cb, const std::string& t) {
  std::map<std::string, uint32_t, std::less<>> id_of;
  for (uint32_t id = 256; id < cb.size(); ++id) id_of[cb.piece(id).bytes] = id;
  const size_t n = t.size();
  std::vector<size_t> cost(n + 1, 0), end(n);
  std::vector<uint32_t> choice(n);
  for (size_t k = n; k-- > 0;) {
    cost[k] = cost[k + 1] + 1;
    choice[k] = static_cast<uint8_t>(t[k]);
    end[k] = k + 1;
    for (size_t len = 2; len <= Codebook::kMaxPieceBytes && k + len <= n; ++len) {
      const auto it = id_of.find(std::string_view(t).substr(k, len));
      if (it != id_of.end() && 1 + cost[k + len] <= cost[k]) {
        cost[k] = 1 + cost[k + len];
        choice[k] = it->second;
        end[k] = k + len;
      }
    }
  }
  std::vector<uint32_t> ids;
  for (size_t k = 0; k < n; k = end[k]) ids.push_back(choice[k]);
  return ids;
}

// Long runs of one character in units too long for the memo, where the
// encoder takes a run's pieces from a list made once instead of walking the
// trie from every step of the run: the same ids as the plain DP, for runs
// shorter and longer than the longest piece, with and without a different
// character after the run.
TEST(EncoderTest, LongRunsOfOneCharacterGiveThePlainDpIds) {
  const uint64_t seed = testing::TestSeed();
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 300; ++round) {
    const char c = " a-="[rng() % 4];
    const bool letter = c == 'a';
    std::vector<std::string> words = DistinctWords(
        1 + rng() % 8,
        [&] {
          std::string w(2 + rng() % 40, c);
          if (letter && rng() % 3 == 0) w += 'b';
          return w;
        },
        [](const std::string&) { return true; });
    Codebook cb = MakeCodebook(words);
    auto enc = Encoder::Create(cb);
    ASSERT_TRUE(enc.ok());
    std::string text(UnitMemo::kMaxKey - 20 + rng() % 200, c);
    if (letter && rng() % 2 == 0) text += 'b';
    size_t units = 0;
    Pretokenize(text, [&](std::string_view) { ++units; });
    ASSERT_EQ(units, 1u) << "'" << text << "'";
    ASSERT_EQ(enc->Encode(text), PlainDpIds(cb, text))
        << "seed " << seed << " round " << round << " text '" << text << "'";
  }
}

// Text over multi-byte characters (and a stray continuation byte and a lone
// lead byte, which are invalid UTF-8).
std::string RandomUtf8Text(std::mt19937_64& rng, size_t n_chars) {
  static const char* const kChars[] = {"д", "ж", "é", "中", "a", " ", ",", "\x80", "\xD0"};
  std::string s;
  for (size_t i = 0; i < n_chars; ++i) s += kChars[rng() % 9];
  return s;
}

// A window of tens of thousands of units, most of them in some multi-unit
// piece: the encoder must find the fewest tokens over the whole window, lose
// no unit and keep the spellings it segmented itself (each word's first
// occurrence, which the memo does not have yet). The minimum is the brute
// force's recursion, memoized by position.
TEST(EncoderTest, LongWindowsOfShortUnitsGetTheFewestTokens) {
  const uint64_t seed = testing::TestSeed();
  std::mt19937_64 rng(seed);
  const std::vector<std::string> words = LowercaseWords(rng, 3000, 1);
  for (int round = 0; round < 4; ++round) {
    // Pieces: pairs and triples of words, with and without a leading ' ',
    // some with a ',' (then a ',' unit is in bonds), and a few words alone.
    std::set<std::string> set;
    auto word = [&] { return words[rng() % words.size()]; };
    while (set.size() < 3000) {
      std::string p = (rng() % 2 ? " " : "") + word() + " " + word();
      if (rng() % 3 == 0) p += (round % 2 ? "," : " ") + word();
      set.insert(std::move(p));
    }
    for (int i = 0; i < 200; ++i) set.insert(" " + word());
    const std::vector<std::string> pieces(set.begin(), set.end());
    Codebook cb = MakeCodebook(pieces);
    auto enc = Encoder::Create(cb);
    ASSERT_TRUE(enc.ok());
    // Pieces and words, so that bonds are taken and overlap; a piece that
    // starts with a word follows a ',' or a line break, else its first unit
    // would take the ' ' before it. Late rounds have fewer of those, so
    // long chains of units in bonds.
    std::string text;
    while (text.size() < 100000) {
      const std::string& p = pieces[rng() % pieces.size()];
      if (rng() % 3 == 0) {
        text += " " + word();
      } else if (p[0] == ' ' && (round < 2 || rng() % 8 != 0)) {
        text += p;
      } else {
        text += (rng() % 2 ? "," : "\n") + p;
      }
    }
    std::vector<bool> boundary(text.size() + 1, false);
    size_t at = 0, units = 0;
    boundary[0] = true;
    Pretokenize(text, [&](std::string_view u) {
      boundary[at += u.size()] = true;
      ++units;
    });
    ASSERT_GT(units, 15000u);
    std::set<std::string_view> spelled(pieces.begin(), pieces.end());
    size_t longest = 0;
    for (const auto& p : pieces) longest = std::max(longest, p.size());
    std::vector<size_t> least(text.size() + 1, 0);  // fewest tokens for text[i..]
    for (size_t i = text.size(); i-- > 0;) {
      least[i] = 1 + least[i + 1];
      for (size_t end = i + 2; end <= std::min(text.size(), i + longest); ++end) {
        if (!spelled.contains(std::string_view(text).substr(i, end - i))) continue;
        bool inside_one = true;
        for (size_t q = i + 1; q < end; ++q) inside_one &= !boundary[q];
        if (inside_one || (boundary[i] && boundary[end]))
          least[i] = std::min(least[i], 1 + least[end]);
      }
    }
    std::vector<uint32_t> ids = enc->Encode(text);
    std::string back;
    ASSERT_TRUE(Decoder(cb).Decode(ids, &back).ok());
    ASSERT_EQ(back, text) << "seed " << seed << " round " << round;
    ASSERT_EQ(ids.size(), least[0]) << "seed " << seed << " round " << round;
  }
}

TEST(EncoderTest, CharacterStepsGiveTheByteLevelResult) {
  // With every piece whole UTF-8 characters the encoder visits character
  // starts only; one piece that is not (and never matches) makes it visit
  // every byte. Both must give the same ids, on short units and on long
  // ones (past the memo's 255-byte keys), and the brute-force minimum.
  const uint64_t seed = testing::TestSeed();
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 200; ++round) {
    const std::vector<std::string> words = DistinctWords(
        1 + rng() % 10, [&] { return RandomUtf8Text(rng, 1 + rng() % 4); },
        [](const std::string& w) {
          bool valid = w.size() > 1;
          for (size_t i = 0, len; i < w.size(); i += len)
            valid &= ClassAt(w, i, &len) != CharClass::kInvalid;
          return valid;
        });
    Codebook whole = MakeCodebook(words);
    std::vector<std::string> more = words;
    more.push_back("\xFF\xFE");
    Codebook bytewise = MakeCodebook(more);
    auto a = Encoder::Create(whole);
    auto b = Encoder::Create(bytewise);
    ASSERT_TRUE(a.ok() && b.ok());
    const std::string short_text = RandomUtf8Text(rng, rng() % 7);
    ASSERT_EQ(a->Encode(short_text), b->Encode(short_text))
        << "seed " << seed << " round " << round;
    ASSERT_EQ(a->Encode(short_text).size(), BruteForceMin(whole, short_text))
        << "seed " << seed << " round " << round;
    std::string long_word;  // one unit of 40-120 letters
    static const char* const kLetters[] = {"д", "ж", "é", "a"};
    for (size_t i = 0, k = 40 + rng() % 80; i < k; ++i) long_word += kLetters[rng() % 4];
    ASSERT_EQ(a->Encode(long_word), b->Encode(long_word)) << "seed " << seed << " round " << round;
    Decoder dec(whole);
    std::string back;
    ASSERT_TRUE(dec.Decode(a->Encode(long_word), &back).ok());
    ASSERT_EQ(back, long_word);
  }
}

// Invalid bytes are units of one byte, which the encoder takes from a table
// of its own; pieces made of them and of other units must still be found.
TEST(EncoderTest, PiecesOfInvalidBytesAndOtherUnitsMatchBruteForce) {
  const uint64_t seed = testing::TestSeed();
  std::mt19937_64 rng(seed);
  auto random_text = [&](size_t n) {
    static const char* const kChars[] = {"a", "b", " ", ",", "\xFF", "\xFE", "\x80"};
    std::string s;
    for (size_t i = 0; i < n; ++i) s += kChars[rng() % 7];
    return s;
  };
  for (int round = 0; round < 300; ++round) {
    const std::vector<std::string> words = DistinctWords(
        1 + rng() % 12, [&] { return random_text(2 + rng() % 4); },
        [](const std::string&) { return true; });
    Codebook cb = MakeCodebook(words);
    auto enc = Encoder::Create(cb);
    ASSERT_TRUE(enc.ok());
    const std::string text = random_text(rng() % 14);
    const std::vector<uint32_t> ids = enc->Encode(text);
    std::string back;
    ASSERT_TRUE(Decoder(cb).Decode(ids, &back).ok());
    ASSERT_EQ(back, text) << "seed " << seed << " round " << round;
    ASSERT_EQ(ids.size(), BruteForceMin(cb, text)) << "seed " << seed << " round " << round;
  }
}

// "\xB4\xD0" is the end of "д" and the start of "ж": a piece that is not
// whole characters, so the encoder must step by bytes and use it inside
// words, where the fewest tokens need it.
TEST(EncoderTest, APieceAcrossCharactersIsUsedInsideWords) {
  Codebook cb = MakeCodebook({"\xB4\xD0", "ab"});
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  Decoder dec(cb);
  for (const std::string text : {"дж", "джджд", " джж ab", "д\xD0"}) {
    const std::vector<uint32_t> ids = enc->Encode(text);
    ASSERT_EQ(ids.size(), BruteForceMin(cb, text)) << text;
    std::string back;
    ASSERT_TRUE(dec.Decode(ids, &back).ok());
    ASSERT_EQ(back, text);
  }
  EXPECT_EQ(enc->Encode("дж").size(), 3u);  // d0 [b4 d0] b6
}

// Morph boundaries of a word at fixed character offsets, for tests.
class FixedCutter : public MorphCutter {
 public:
  explicit FixedCutter(std::vector<uint32_t> cuts) : cuts_(std::move(cuts)) {}
  void Cuts(std::string_view word, std::vector<uint32_t>* cuts) const override {
    cuts->clear();
    for (uint32_t c : cuts_)
      if (c < word.size()) cuts->push_back(c);
  }

 private:
  std::vector<uint32_t> cuts_;
};

TEST(EncoderTest, MorphAlignedCodebookPutsBoundariesOnMorphs) {
  Codebook cb = MakeCodebook({"ab", "cd", "abc", " abc", " ab"});
  auto plain = Encoder::Create(cb);
  ASSERT_TRUE(plain.ok());
  // Two tokens either way; the tie goes to the longest first token.
  std::vector<uint32_t> ids = plain->Encode(" abcd");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(cb.piece(ids[0]).bytes, " abc");
  cb.set_morph_align_penalty(2);
  EXPECT_EQ(Encoder::Create(cb).status().code(), StatusCode::kFailedPrecondition);
  // With a morph boundary after "ab", " ab" + "cd" costs 2 and " abc" + "d"
  // costs 2 + 2.
  auto aligned = Encoder::Create(cb, std::make_shared<FixedCutter>(std::vector<uint32_t>{2}));
  ASSERT_TRUE(aligned.ok());
  ids = aligned->Encode(" abcd");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(cb.piece(ids[0]).bytes, " ab");
  EXPECT_EQ(cb.piece(ids[1]).bytes, "cd");
  // Outside words nothing changes.
  EXPECT_EQ(aligned->Encode(" 1234, ;"), plain->Encode(" 1234, ;"));
}

// Fewest tokens + penalty × (boundaries inside the word off `cuts`), by
// exhaustive recursion over one word unit.
size_t BruteForceAligned(const Codebook& cb, std::string_view u, size_t at,
                         const std::set<size_t>& cuts, size_t wb, size_t penalty) {
  if (at == u.size()) return 0;
  auto boundary_cost = [&](size_t end) {
    return end > wb && end < u.size() && !cuts.count(end) ? penalty : 0;
  };
  size_t best = 1 + boundary_cost(at + 1) + BruteForceAligned(cb, u, at + 1, cuts, wb, penalty);
  for (size_t id = 256; id < cb.size(); ++id) {
    const std::string& p = cb.piece(id).bytes;
    if (!u.substr(at).starts_with(p)) continue;
    best = std::min(best, 1 + boundary_cost(at + p.size()) +
                              BruteForceAligned(cb, u, at + p.size(), cuts, wb, penalty));
  }
  return best;
}

TEST(EncoderTest, MorphAlignedCostMatchesBruteForce) {
  const uint64_t seed = testing::TestSeed();
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 300; ++round) {
    const std::vector<std::string> words = DistinctWords(
        1 + rng() % 10,
        [&] {
          std::string w = rng() % 3 == 0 ? " " : "";
          for (size_t i = 0, k = 1 + rng() % 4; i < k; ++i) w += "abc"[rng() % 3];
          return w;
        },
        [](const std::string& w) { return w.size() > 1; });
    Codebook cb = MakeCodebook(words);
    const uint32_t penalty = 1 + rng() % 3;
    cb.set_morph_align_penalty(penalty);
    std::string u = " ";
    for (size_t i = 0, k = 1 + rng() % 9; i < k; ++i) u += "abc"[rng() % 3];
    std::vector<uint32_t> cut_list;
    std::set<size_t> cuts;  // in unit offsets
    for (uint32_t c = 1; c + 1 < u.size(); ++c)
      if (rng() % 3 == 0) {
        cut_list.push_back(c);
        cuts.insert(c + 1);
      }
    auto enc = Encoder::Create(cb, std::make_shared<FixedCutter>(cut_list));
    ASSERT_TRUE(enc.ok());
    const std::vector<uint32_t> ids = enc->Encode(u);
    size_t cost = 0, at = 0;
    std::string back;
    for (uint32_t id : ids) {
      back += cb.piece(id).bytes;
      at += cb.piece(id).bytes.size();
      cost += 1 + (at > 1 && at < u.size() && !cuts.count(at) ? penalty : 0);
    }
    ASSERT_EQ(back, u) << "seed " << seed << " round " << round;
    ASSERT_EQ(cost, BruteForceAligned(cb, u, 0, cuts, 1, penalty))
        << "seed " << seed << " round " << round << " text '" << u << "'";
  }
}

TEST(EncoderTest, NeverProducesSpecialTokens) {
  std::vector<Piece> pieces = Codebook::BytePieces();
  pieces.push_back({"<eos>", PieceKind::kSpecial});
  auto cb = Codebook::Create(std::move(pieces), SceneMode::kParagraph, {});
  ASSERT_TRUE(cb.ok());
  auto enc = Encoder::Create(*cb);
  EXPECT_EQ(enc->Encode("<eos>").size(), 5u);
}

TEST(EncoderTest, AllowingSpecialRecognisesLongestSpellingsOnly) {
  std::vector<Piece> pieces = Codebook::BytePieces();
  pieces.push_back({"<e>", PieceKind::kSpecial});   // 256
  pieces.push_back({"<e>>", PieceKind::kSpecial});  // 257: longer, wins
  pieces.push_back({"ab", PieceKind::kNormal});     // 258
  auto cb = Codebook::Create(std::move(pieces), SceneMode::kParagraph, {});
  ASSERT_TRUE(cb.ok());
  auto enc = Encoder::Create(*cb);
  ASSERT_TRUE(enc.ok());
  std::vector<uint32_t> ids;
  enc->EncodeAllowingSpecial("ab<e>ab<e>><e", &ids);
  EXPECT_EQ(ids, (std::vector<uint32_t>{258, 256, 258, 257, '<', 'e'}));
  ids.clear();
  enc->EncodeAllowingSpecial("", &ids);
  EXPECT_TRUE(ids.empty());
  // Without specials in the text it is Encode.
  ids.clear();
  enc->EncodeAllowingSpecial("abab<", &ids);
  EXPECT_EQ(ids, enc->Encode("abab<"));
}

TEST(EncoderTest, BufferFormsMatchVectorFormsInTextSizeRoom) {
  // Room for exactly text.size() ids, on the heap so ASan sees an overrun;
  // long enough for several windows, with special spellings and raw bytes.
  std::vector<Piece> pieces = Codebook::BytePieces();
  pieces.push_back({"<e>", PieceKind::kSpecial});
  for (const char* p : {"ab", " ab", "ab ab", "\xD0\xB0\xD0\xB1"})
    pieces.push_back({p, PieceKind::kNormal});
  auto cb = Codebook::Create(std::move(pieces), SceneMode::kParagraph, {});
  ASSERT_TRUE(cb.ok());
  auto enc = Encoder::Create(*cb);
  ASSERT_TRUE(enc.ok());
  std::mt19937 rng(3);
  const char* parts[] = {"ab", " ab", "<e>", "\xD0\xB0\xD0\xB1", "\xFF", "\n", "x", " "};
  for (size_t target : {size_t{0}, size_t{1}, size_t{100}, 2 * Encoder::kWindowBytes + 7}) {
    std::string text;
    while (text.size() < target) text += parts[rng() % 8];
    for (bool special : {false, true}) {
      std::vector<uint32_t> want;
      if (special) {
        enc->EncodeAllowingSpecial(text, &want);
      } else {
        enc->Encode(text, &want);
      }
      auto room = std::make_unique<uint32_t[]>(text.size());
      const size_t n =
          special ? enc->EncodeAllowingSpecial(text, room.get()) : enc->Encode(text, room.get());
      EXPECT_EQ(std::vector<uint32_t>(room.get(), room.get() + n), want)
          << text.size() << " bytes, special " << special;
    }
  }
}

TEST(EncoderTest, PaddedFormsGiveTheSameIdsWhateverThePaddingHolds) {
  // The padded forms read up to kPadding bytes past the text (whole words of
  // the last units, blocks of the pre-tokenizer to the text's end) and must
  // not let them change a unit. Texts: pieces of the samples, cut anywhere
  // (inside characters too) and short ones; each copied into a heap buffer
  // of exactly size + kPadding (so ASan sees a read past the padding),
  // padded with random bytes — often bytes that would continue a word or a
  // character.
  const Codebook& cb = testing::SampleCodebook();
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  std::mt19937_64 rng(testing::TestSeed());
  const std::string ru = testing::ReadSample("ru_gogol_shinel.txt");
  const std::string en = testing::ReadSample("en_pg1080_modest_proposal.txt");
  const std::string pad_bytes =
      "aZ \n\xD0\xB0\x80\xE2\x80\x9C"
      "9.";
  for (int round = 0; round < 3000; ++round) {
    const std::string& src = round % 2 ? ru : en;
    const size_t len = round % 3 == 0 ? rng() % 8 : rng() % 700;
    const size_t at = rng() % (src.size() - len);
    const std::string text = src.substr(at, len);
    auto buf = std::make_unique<char[]>(text.size() + Encoder::kPadding);
    std::memcpy(buf.get(), text.data(), text.size());
    for (size_t k = 0; k < Encoder::kPadding; ++k)
      buf[text.size() + k] =
          round % 4 == 0 ? static_cast<char>(rng()) : pad_bytes[rng() % pad_bytes.size()];
    const std::string_view view(buf.get(), text.size());
    std::vector<uint32_t> want;
    enc->Encode(text, &want);
    std::vector<uint32_t> got(text.size());
    got.resize(enc->EncodePadded(view, got.data()));
    ASSERT_EQ(got, want) << "round " << round << ", " << text.size() << " bytes from " << at;
    got.resize(text.size());
    got.resize(enc->EncodeAllowingSpecialPadded(view, got.data()));
    ASSERT_EQ(got, want) << "round " << round << " (allowing special)";
  }
}

TEST(EncoderTest, SelfTestMismatchIsDetectedOnCreate) {
  Codebook good = MakeCodebook({"ab"}, {{"ab", {256}}});
  EXPECT_TRUE(Encoder::Create(good).ok());
  Codebook bad = MakeCodebook({"ab"}, {{"ab", {'a', 'b'}}});
  auto r = Encoder::Create(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_TRUE(Encoder::CreateUnchecked(bad).ok());
}

TEST(EncoderTest, WindowsGiveTheSameIdsWholeOrInPieces) {
  const Codebook& cb = testing::SampleCodebook();
  auto enc = Encoder::Create(cb);
  ASSERT_TRUE(enc.ok());
  std::string text;
  std::string sample = testing::ReadSample("ru_gogol_shinel.txt");
  while (text.size() < 3 * Encoder::kWindowBytes) text += sample;
  std::vector<uint32_t> whole = enc->Encode(text);
  std::vector<uint32_t> parts;
  std::string_view rest = text;
  int windows = 0;
  while (!rest.empty()) {
    size_t end = WindowEnd(rest);
    EXPECT_LE(end, Encoder::kWindowBytes);
    enc->Encode(rest.substr(0, end), &parts);
    rest.remove_prefix(end);
    ++windows;
  }
  EXPECT_GE(windows, 3);
  EXPECT_EQ(whole, parts);
}

TEST(EncoderTest, WindowEndFallsOnACharacterStart) {
  std::string cyr;
  while (cyr.size() < 2 * Encoder::kWindowBytes) cyr += "\xD0\xB6";  // "ж", no spaces
  size_t end = WindowEnd(cyr);
  EXPECT_GT(end, Encoder::kWindowBytes - 4);
  EXPECT_NE(static_cast<uint8_t>(cyr[end]) & 0xC0, 0x80);
}

// The codebook with its index section replaced by `index` (none if empty).
Codebook WithIndex(const Codebook& cb, const std::string& index) {
  auto copy = Codebook::Create(std::vector<Piece>(cb.pieces().begin(), cb.pieces().end()),
                               cb.scene_mode(), cb.metadata(), cb.self_tests());
  EXPECT_TRUE(copy.ok()) << copy.status().ToString();
  for (const Codebook::ExtraSection& x : cb.extra_sections())
    if (x.tag != Encoder::kIndexSection)
      EXPECT_TRUE(copy->AddExtraSection(x.tag, std::string(x.payload)).ok());
  if (!index.empty())
    EXPECT_TRUE(copy->AddExtraSection(std::string(Encoder::kIndexSection), index).ok());
  return std::move(copy).value();
}

// Texts of every kind the encoder meets, for comparing two encoders.
std::vector<std::string> IndexProbeTexts() {
  std::vector<std::string> texts = testing::AdversarialInputs();
  for (const char* name : {"ru_pushkin_dubrovskii.txt", "en_pg43_jekyll_and_hyde.txt",
                           "de_goethe_die_leiden_des_jungen_werther_1.txt",
                           "zh_pg25558_shen_yin_yu.txt", "code_c_sqlite3-3.40.1.h"})
    texts.push_back(testing::ReadSample(name).substr(0, 200000));
  return texts;
}

TEST(EncoderIndexTest, TrainedCodebookCarriesTheTablesABuildMakes) {
  const Codebook& cb = testing::SampleCodebook();
  const std::string_view* index = cb.extra_section(Encoder::kIndexSection);
  ASSERT_NE(index, nullptr);
  auto read = Encoder::Create(cb);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(read->from_index());
  auto built = Encoder::Create(WithIndex(cb, ""));
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_FALSE(built->from_index());
  // The same tables, byte for byte, and so the same ids.
  EXPECT_EQ(built->SerializeIndex(), *index);
  EXPECT_EQ(read->SerializeIndex(), *index);
  // Read with a second thread too (the character trie on its own).
  auto read2 = Encoder::Create(cb, nullptr, /*threads=*/2);
  ASSERT_TRUE(read2.ok()) << read2.status().ToString();
  EXPECT_TRUE(read2->from_index());
  EXPECT_EQ(read2->SerializeIndex(), *index);
  for (const std::string& text : IndexProbeTexts()) {
    ASSERT_EQ(read->Encode(text), built->Encode(text)) << text.substr(0, 40);
    ASSERT_EQ(read2->Encode(text), built->Encode(text)) << text.substr(0, 40);
  }
}

TEST(EncoderIndexTest, IndexOfAnotherVocabularyOrRevisionIsBuiltAfresh) {
  const Codebook& cb = testing::SampleCodebook();
  const std::string index(*cb.extra_section(Encoder::kIndexSection));
  for (size_t at : {size_t{0}, size_t{4}, size_t{11}}) {  // revision, codebook id (first, last)
    std::string other = index;
    other[at] ^= 1;
    auto enc = Encoder::Create(WithIndex(cb, other));
    ASSERT_TRUE(enc.ok()) << at << ": " << enc.status().ToString();
    EXPECT_FALSE(enc->from_index()) << at;
    EXPECT_EQ(enc->SerializeIndex(), index) << at;
  }
}

// Where the parts of an index lie (docs/FORMAT.md, ENCX).
struct IndexLayout {
  size_t trie = 0, bond_trie = 0;  // offsets of the tries' slot counts
};
IndexLayout LayoutOf(std::string_view index) {
  ByteReader r(index);
  IndexLayout at;
  uint32_t u32 = 0, n = 0;
  uint64_t u64 = 0, units = 0;
  uint8_t flags = 0;
  std::string_view b;
  EXPECT_TRUE(r.U32(&u32) && r.U64(&u64) && r.U8(&flags) && r.LengthPrefixed(index.size(), &b));
  at.trie = r.position();
  EXPECT_TRUE(r.U32(&n) && r.Bytes(12 * size_t{n}, &b) && r.Varint(&units));
  for (uint64_t u = 0; u < units; ++u) EXPECT_TRUE(r.LengthPrefixed(index.size(), &b));
  at.bond_trie = r.position();
  return at;
}

// An index whose trie sends a key to another piece than the one it spells —
// which would encode text as other bytes — is refused, in either trie: any
// other piece, and a longer one that begins with the key's own piece (the
// key spells all of that piece, but only part of the one it is sent to).
TEST(EncoderIndexTest, KeyThatDoesNotSpellItsPieceIsRefused) {
  const Codebook& cb = testing::SampleCodebook();
  const std::string index(*cb.extra_section(Encoder::kIndexSection));
  const IndexLayout at = LayoutOf(index);
  auto normal = [&](uint32_t id) { return cb.piece(id).kind == PieceKind::kNormal; };
  for (size_t trie : {at.trie, at.bond_trie}) {
    const char* what = trie == at.trie ? "character trie" : "bond trie";
    const auto n = static_cast<uint32_t>(LoadLE(index.data() + trie, 4));
    // A leaf (no key below it to be checked against its piece) whose value
    // is the first of two: its piece, and a longer normal piece that begins
    // with it.
    std::vector<bool> parent(n);
    for (uint32_t i = 0; i < n; ++i)
      if (const auto check = LoadLE(index.data() + trie + 4 + 12 * size_t{i} + 4, 4); check != 0)
        parent[check - 1] = true;
    size_t value_at = 0;
    uint32_t value = 0, longer = 0;
    for (uint32_t i = 0; i < n && longer == 0; ++i) {
      if (parent[i]) continue;
      value_at = trie + 4 + 12 * size_t{i} + 8;
      value = static_cast<uint32_t>(LoadLE(index.data() + value_at, 4));
      if (value == SymbolTrie::kNoValue) continue;
      for (uint32_t id = 256; id < cb.size() && longer == 0; ++id)
        if (normal(id) && cb.piece(id).bytes.size() > cb.piece(value).bytes.size() &&
            cb.piece(id).bytes.starts_with(cb.piece(value).bytes))
          longer = id;
    }
    ASSERT_NE(longer, 0u) << what;
    uint32_t other = 256;
    while (other == value || !normal(other)) ++other;
    for (uint32_t sent_to : {other, longer}) {
      std::string bad = index;
      for (int k = 0; k < 4; ++k) bad[value_at + k] = static_cast<char>(sent_to >> (8 * k));
      auto enc = Encoder::CreateUnchecked(WithIndex(cb, bad));
      ASSERT_FALSE(enc.ok()) << what << ": piece " << value << " sent to " << sent_to;
      EXPECT_EQ(enc.status().code(), StatusCode::kDataLoss);
      EXPECT_NE(enc.status().message().find("section ENCX"), std::string::npos)
          << enc.status().ToString();
    }
  }
}

// Whatever bytes an index holds, an encoder made from it either is refused
// or encodes losslessly (the self-tests, which would catch most changes of
// segmentation, are skipped here).
TEST(EncoderIndexTest, DamagedIndexIsRefusedOrStaysLossless) {
  const Codebook& cb = testing::SampleCodebook();
  const std::string index(*cb.extra_section(Encoder::kIndexSection));
  const Decoder dec(cb);
  std::vector<std::string> texts = testing::AdversarialInputs();
  texts.push_back(testing::ReadSample("ru_gogol_shinel.txt").substr(0, 20000));
  texts.push_back(testing::ReadSample("en_pg1080_modest_proposal.txt").substr(0, 20000));
  std::mt19937_64 rng(testing::TestSeed());
  SCOPED_TRACE(testing::TestSeed());
  int refused = 0, lossless = 0;
  for (int round = 0; round < 150; ++round) {
    std::string bad = index;
    // Past the revision and id (else it is just ignored): one to four bytes
    // changed, or the end cut off.
    if (round % 10 == 9) {
      bad.resize(12 + rng() % (bad.size() - 12));
    } else if (round % 5 == 2) {
      // A key dropped (its value cleared): read, and still lossless.
      const IndexLayout at = LayoutOf(index);
      const size_t trie = round % 2 ? at.trie : at.bond_trie;
      const auto n = static_cast<uint32_t>(LoadLE(index.data() + trie, 4));
      for (uint32_t i = rng() % n;; i = (i + 1) % n) {
        const size_t value_at = trie + 4 + 12 * size_t{i} + 8;
        if (LoadLE(index.data() + value_at, 4) == SymbolTrie::kNoValue) continue;
        for (int k = 0; k < 4; ++k) bad[value_at + k] = '\xFF';
        break;
      }
    } else {
      for (int k = 0, n = 1 + static_cast<int>(rng() % 4); k < n; ++k)
        bad[12 + rng() % (bad.size() - 12)] = static_cast<char>(rng());
    }
    const Codebook damaged = WithIndex(cb, bad);
    auto enc = Encoder::CreateUnchecked(damaged);
    // Read with a second thread (the character trie on its own), the same
    // index gives the same verdict, the same message and the same encoder.
    auto enc2 = Encoder::CreateUnchecked(damaged, nullptr, /*threads=*/2);
    ASSERT_EQ(enc.ok(), enc2.ok()) << "round " << round;
    if (!enc.ok()) {
      EXPECT_EQ(enc.status().code(), StatusCode::kDataLoss) << enc.status().ToString();
      EXPECT_EQ(enc.status().ToString(), enc2.status().ToString()) << "round " << round;
      ++refused;
      continue;
    }
    EXPECT_EQ(enc->from_index(), enc2->from_index());
    for (const std::string& text : texts) {
      std::string back;
      const std::vector<uint32_t> ids = enc->Encode(text);
      ASSERT_TRUE(dec.Decode(ids, &back).ok());
      ASSERT_EQ(back, text) << "round " << round;
      ASSERT_EQ(enc2->Encode(text), ids) << "round " << round;
    }
    ++lossless;
  }
  EXPECT_GT(refused, 0);
  std::printf("damaged indexes: %d refused, %d read and lossless\n", refused, lossless);
}

}  // namespace
}  // namespace hypertok
