#include "codec/pretokenizer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <random>

#include "unit/test_util.h"

namespace hypertok {
namespace {

std::vector<std::string> Units(std::string_view text) {
  std::vector<std::string> out;
  Pretokenize(text, [&](std::string_view u) { out.emplace_back(u); });
  return out;
}

TEST(PretokenizerTest, WordsTakeTheirLeadingSpace) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Units("Hello, world!\n\n"), (V{"Hello", ",", " world", "!", "\n\n"}));
  EXPECT_EQ(Units("Он  сказал: 42"), (V{"Он", " ", " сказал", ":", " 42"}));
  EXPECT_EQ(Units("a \xFF b"), (V{"a", " ", "\xFF", " b"}));
  EXPECT_EQ(Units("x\r\n\tend "), (V{"x", "\r\n", "\t", "end", " "}));
}

TEST(PretokenizerTest, UnitsConcatenateToTheInput) {
  std::mt19937_64 rng(testing::TestSeed());
  std::vector<std::string> inputs = testing::AdversarialInputs();
  for (int i = 0; i < 50; ++i) inputs.push_back(testing::RandomBytes(rng, rng() % 300));
  inputs.push_back(testing::ReadSample("de_goethe_die_leiden_des_jungen_werther_1.txt"));
  for (const std::string& in : inputs) {
    std::string joined;
    for (const auto& u : Units(in)) {
      EXPECT_FALSE(u.empty());
      joined += u;
    }
    EXPECT_EQ(joined, in);
  }
}

std::string Hex(std::string_view s) {
  std::string out;
  for (unsigned char c : s) out += "0123456789abcdef"[c >> 4], out += "0123456789abcdef"[c & 15];
  return out;
}

// An emitter with a OneByte member gets some one-byte units as bytes; in
// order with the rest they are the same units, and every invalid byte is
// one of them.
TEST(PretokenizerTest, OneByteUnitsComeInOrderWithTheRest) {
  struct Emitter {
    std::vector<std::string>* out;
    size_t* bytes;
    void operator()(std::string_view u) { out->emplace_back(u); }
    void OneByte(char c) {
      out->emplace_back(1, c);
      ++*bytes;
    }
  };
  std::mt19937_64 rng(testing::TestSeed());
  std::vector<std::string> inputs = testing::AdversarialInputs();
  for (int i = 0; i < 50; ++i) inputs.push_back(testing::RandomBytes(rng, rng() % 3000));
  inputs.push_back(testing::ReadSample("de_goethe_die_leiden_des_jungen_werther_1.txt"));
  for (const std::string& in : inputs) {
    std::vector<std::string> got, got_padded;
    size_t bytes = 0, bytes_padded = 0;
    ForEachUnit(in, Emitter{&got, &bytes});
    auto buf = std::make_unique<char[]>(in.size() + kUnitPadding);
    std::memcpy(buf.get(), in.data(), in.size());
    ForEachUnitPadded(std::string_view(buf.get(), in.size()), Emitter{&got_padded, &bytes_padded});
    const std::vector<std::string> want = Units(in);
    ASSERT_EQ(got, want) << Hex(in.substr(0, 64));
    ASSERT_EQ(got_padded, want) << Hex(in.substr(0, 64));
    size_t invalid = 0;
    for (const auto& u : want) invalid += ClassifyUnit(u) == UnitClass::kInvalid;
    EXPECT_GE(bytes, invalid);
    EXPECT_GE(bytes_padded, invalid);
  }
}

// The rules of pretokenizer.h one character at a time with ClassAt, as the
// pre-tokenizer read before its eight-byte fast paths: the reference they
// must agree with.
std::vector<std::string> ReferenceUnits(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  const size_t n = text.size();
  auto cls_at = [&](size_t at, size_t* len) { return ClassAt(text, at, len); };
  while (i < n) {
    size_t len;
    CharClass cls = cls_at(i, &len);
    size_t start = i;
    if (cls == CharClass::kSpace) {
      size_t j = i + len, last = i;
      for (size_t l2; j < n && cls_at(j, &l2) == CharClass::kSpace; j += l2) last = j;
      size_t next_len = 0;
      const CharClass next = j < n ? cls_at(j, &next_len) : CharClass::kNewline;
      if (text[last] != ' ' ||
          (next != CharClass::kLetter && next != CharClass::kDigit && next != CharClass::kOther)) {
        out.emplace_back(text.substr(i, j - i));
        i = j;
        continue;
      }
      if (last > i) out.emplace_back(text.substr(i, last - i));
      start = last;
      i = j;
      cls = next;
      len = next_len;
    }
    if (cls == CharClass::kInvalid) {
      out.emplace_back(text.substr(start, i + 1 - start));
      i += 1;
      continue;
    }
    size_t j = i + len;
    for (size_t l2; j < n && cls_at(j, &l2) == cls;) j += l2;
    out.emplace_back(text.substr(start, j - start));
    i = j;
  }
  return out;
}

TEST(PretokenizerTest, FastPathsAgreeWithCharacterByCharacterReading) {
  // Pieces chosen around the fast paths' edges: ASCII letters next to
  // '@', '[', '`', '{', DEL; Cyrillic at and just past U+0400..U+045F
  // (U+03FF, U+0460, D1 A0), other two-byte letters, truncated and
  // invalid sequences, spaces, digits, line breaks.
  const std::vector<std::string> parts = {
      "a", "Z", "q",    "@",    "[",        "`",        "{",        "\x7f", " ",  "  ", "\n",
      "7", "б", "Я",    "ё",    "Ё",        "ѐ",        "џ",        "Ѐ",    "Ϳ", "ϸ",  "Ѡ",
      "ѿ", "é", "\xD0", "\xD1", "\xD1\xA0", "\xD0\x7F", "\xD1\xC0", "-",    "ß",  "中"};
  std::mt19937_64 rng(testing::TestSeed());
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const size_t len = rng() % 40;
    const bool runs = rng() % 2;  // long runs of one piece, or a mixture
    std::string run_part = parts[rng() % parts.size()];
    for (size_t k = 0; k < len; ++k)
      text += runs && rng() % 4 ? run_part : parts[rng() % parts.size()];
    ASSERT_EQ(Units(text), ReferenceUnits(text)) << Hex(text);
  }
  for (const char* name : {"ru_gogol_shinel.txt", "en_pg1080_modest_proposal.txt"}) {
    const std::string text = testing::ReadSample(name);
    EXPECT_EQ(Units(text), ReferenceUnits(text)) << name;
  }
}

TEST(PretokenizerTest, BlockScannerAgreesWithCharacterByCharacterReading) {
  // Texts long enough for ForEachUnit's 64-byte blocks, mostly of what the
  // block scanner reads (ASCII of every class, basic Cyrillic — whose two
  // bytes may straddle a block's end) with, now and then, what it leaves to
  // the character scanner: other letters, truncated and invalid sequences,
  // Cyrillic just past U+045F. Both scanners must cut the same units.
  const std::vector<std::string> plain = {"a",
                                          "Z",
                                          "q",
                                          "word",
                                          " ",
                                          "  ",
                                          "\t",
                                          "\v",
                                          "\f",
                                          "\n",
                                          "\r\n",
                                          "\r",
                                          "7",
                                          "12",
                                          ".",
                                          ",",
                                          "@",
                                          "[",
                                          "`",
                                          "{",
                                          "\x7f",
                                          "\x1f",
                                          std::string(1, '\0'),
                                          "б",
                                          "Я",
                                          "ё",
                                          "Ѐ",
                                          "џ",
                                          "я",
                                          " я",
                                          "-",
                                          "...",
                                          "\u201c",   // “
                                          "\u201d",   // ”
                                          "\u2019",   // ’
                                          "\u2014",   // —
                                          "\u2013",   // –
                                          "\u2026",   // …
                                          "\u2010",   // ‐
                                          "\u2027",   // ‧
                                          "\u2030",   // ‰
                                          "\u203f"};  // ‿
  const std::vector<std::string> rare = {
      "é",        "ß",      "中",       "Ѡ",      "\xD0",         "\xD1",    "\xD1\xA0", "\xD0\x7F",
      "\xD1\xC0", "\xff",   "\u2028",   "\u00a0", "\u2029",       "\u202f",  "\u200f",   "\u2028",
      "\u2040",   "\u2122", "\xE2\x80", "\xE2",   "\xE2\x80\x20", "\x80\x9c"};
  std::mt19937_64 rng(testing::TestSeed());
  auto units_by_character = [](std::string_view text) {
    std::vector<std::string> out;
    ForEachUnitByCharacter(text, [&](std::string_view u) { out.emplace_back(u); });
    return out;
  };
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const size_t parts = 20 + rng() % 400;
    const int rare_per_mille = round % 3 == 0 ? 0 : round % 3 == 1 ? 5 : 100;
    for (size_t k = 0; k < parts; ++k)
      text += static_cast<int>(rng() % 1000) < rare_per_mille ? rare[rng() % rare.size()]
                                                              : plain[rng() % plain.size()];
    ASSERT_EQ(Units(text), units_by_character(text)) << Hex(text);
  }
  for (const char* name : {"ru_gogol_shinel.txt", "en_pg1080_modest_proposal.txt"}) {
    const std::string text = testing::ReadSample(name);
    EXPECT_EQ(Units(text), units_by_character(text)) << name;
  }
}

TEST(PretokenizerTest, PaddedScanningAgreesWithCharacterByCharacterReading) {
  // ForEachUnitPadded runs blocks to the text's end, reading the padding
  // past it: whatever that holds (here often what would continue the last
  // unit: letters, a Cyrillic trail byte, a space before a word), the units
  // must be the text's own. Texts of every length up to a few blocks.
  const std::vector<std::string> parts = {"a", "Zq", " ",  "  ", "\t", "\n",   "\r\n", "7",  ".",
                                          ",", "б",  "Яё", " я", "é",  "\xD0", "\xFF", "中", "-"};
  const std::string pad_bytes = "aZ \n7.\xD0\xB0\xD1\x80";
  std::mt19937_64 rng(testing::TestSeed());
  for (int round = 0; round < 4000; ++round) {
    std::string text;
    const size_t target = rng() % 200;
    while (text.size() < target) text += parts[rng() % parts.size()];
    auto buf = std::make_unique<char[]>(text.size() + kUnitPadding);
    std::memcpy(buf.get(), text.data(), text.size());
    for (size_t k = 0; k < kUnitPadding; ++k)
      buf[text.size() + k] =
          round % 3 == 0 ? static_cast<char>(rng()) : pad_bytes[rng() % pad_bytes.size()];
    std::vector<std::string> got, want;
    ForEachUnitPadded(std::string_view(buf.get(), text.size()),
                      [&](std::string_view u) { got.emplace_back(u); });
    ForEachUnitByCharacter(text, [&](std::string_view u) { want.emplace_back(u); });
    ASSERT_EQ(got, want) << Hex(text);
  }
}

#ifdef HYPERTOK_BLOCK_SCANNER
// Every character E2 xx yy (U+2000..U+2FFF, and invalid sequences of that
// shape) between two letters, two spaces, digits or at a text's end: the
// block's units are the character reader's, so what the block takes as
// plain punctuation is kOther to ClassAt, and the rest it leaves alone.
TEST(PretokenizerTest, BlockScannerReadsItsPlainCharactersAsClassAtDoes) {
  const std::string_view contexts[][2] = {{"ab", "cd"}, {"a ", " b"}, {"1", "2"}, {" ", ""}};
  for (int x = 0x80; x <= 0xBF; ++x) {
    for (int y = 0; y <= 0xFF; ++y) {
      const std::string ch = {'\xE2', static_cast<char>(x), static_cast<char>(y)};
      for (const auto& [before, after] : contexts) {
        std::string text = std::string(before) + ch + std::string(after);
        text.resize(text.size() + kUnitPadding, '\0');  // the padding
        const std::string_view view(text.data(), text.size() - kUnitPadding);
        std::vector<std::string> got, want;
        ForEachUnitPadded(view, [&](std::string_view u) { got.emplace_back(u); });
        ForEachUnitByCharacter(view, [&](std::string_view u) { want.emplace_back(u); });
        ASSERT_EQ(got, want) << Hex(view);
      }
    }
  }
}

// CutBlock runs the widest implementation the CPU has; each one the CPU can
// run must agree with the SSE2 one on every block.
TEST(PretokenizerTest, BlockImplementationsAgree) {
  if (!internal::HasAvx2()) GTEST_SKIP() << "no AVX2 here: only the SSE2 scanner runs";
  const std::vector<std::string> parts = {
      "a",    "Zq",   " ",    "\t",       "\n",     "\r",     "7",      ".",
      "б",    "я",    "\xD0", "\xD1\xA0", "\u201c", "\u2014", "\u2028", "\xE2\x80",
      "\xE2", "\x80", "\xBF", "é",        "中",     "\xff"};
  std::mt19937_64 rng(testing::TestSeed());
  for (int round = 0; round < 200000; ++round) {
    std::string block;
    if (round % 5 == 0) {
      block = testing::RandomBytes(rng, internal::kBlockBytes);
    } else {
      while (block.size() < internal::kBlockBytes) block += parts[rng() % parts.size()];
      block.resize(internal::kBlockBytes);
    }
    const auto* s = reinterpret_cast<const uint8_t*>(block.data());
    const size_t avail = round % 2 ? 1 + rng() % internal::kBlockBytes : 1000;
    const internal::BlockCuts a = internal::CutBlockSse2(s, avail);
    std::vector<std::pair<const char*, internal::BlockCuts>> wide = {
        {"AVX2", internal::CutBlockAvx2(s, avail)}};
    if (internal::HasAvx512BW()) wide.emplace_back("AVX-512", internal::CutBlockAvx512(s, avail));
    for (const auto& [name, b] : wide) {
      ASSERT_EQ(a.starts, b.starts) << name << " " << Hex(block) << " avail " << avail;
      ASSERT_EQ(a.plain, b.plain) << name << " " << Hex(block) << " avail " << avail;
      ASSERT_EQ(a.to_end, b.to_end) << name << " " << Hex(block) << " avail " << avail;
    }
  }
}
#endif

// The encoder leaves pieces of several units out of its per-unit trie
// because of this property (encoder.cc, Build).
TEST(PretokenizerTest, WholeCharacterSubstringsOfAUnitAreOneUnit) {
  static const char* const kParts[] = {"a",  "Z",      "7",      " ",      "\t",  "\n",
                                       "\r", ",",      "!",      "д",      "Ё",   "中",
                                       "é",  "\u00a0", "\u2028", "\u0301", "\xff"};
  std::mt19937_64 rng(testing::TestSeed());
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    for (size_t k = rng() % 16; k > 0; --k) text += kParts[rng() % std::size(kParts)];
    for (const std::string& unit : Units(text)) {
      std::vector<size_t> starts;  // character starts, and the end
      for (size_t i = 0; i < unit.size(); i += CharLength(unit, i)) starts.push_back(i);
      starts.push_back(unit.size());
      bool whole_chars = true;
      for (size_t i = 0, len; i < unit.size(); i += len)
        whole_chars &= ClassAt(unit, i, &len) != CharClass::kInvalid;
      if (!whole_chars) continue;
      for (size_t a = 0; a < starts.size(); ++a)
        for (size_t b = a + 1; b < starts.size(); ++b) {
          const std::string sub = unit.substr(starts[a], starts[b] - starts[a]);
          ASSERT_EQ(Units(sub).size(), 1u)
              << Hex(text) << " unit " << Hex(unit) << " sub " << Hex(sub);
        }
    }
  }
}

TEST(PretokenizerTest, FastPathCharactersAreLetters) {
  for (int c = 0; c < 128; ++c) {
    const std::string s(1, static_cast<char>(c));
    size_t len;
    const bool letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    EXPECT_EQ(ClassAt(s, 0, &len) == CharClass::kLetter, letter) << c;
  }
  for (uint32_t cp = 0x400; cp <= 0x45F; ++cp) {
    const std::string s = {static_cast<char>(0xC0 | cp >> 6),
                           static_cast<char>(0x80 | (cp & 0x3F))};
    size_t len;
    EXPECT_EQ(ClassAt(s, 0, &len), CharClass::kLetter) << cp;
    EXPECT_EQ(len, 2u);
  }
}

TEST(PretokenizerTest, SafeCutsDoNotChangeTheUnits) {
  std::string text = testing::ReadSample("ru_gogol_shinel.txt");
  std::string one_line = text;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  for (const std::string* t : {&text, &one_line}) {
    std::vector<std::string> whole = Units(*t), cut;
    std::string_view rest = *t;
    while (!rest.empty()) {
      size_t p = SafeCut(rest, 1000);
      ASSERT_GT(p, 0u);
      for (auto& u : Units(rest.substr(0, p))) cut.push_back(u);
      rest.remove_prefix(p);
    }
    EXPECT_EQ(whole, cut);
  }
}

}  // namespace
}  // namespace hypertok
