#include "hypertok/codebook.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <thread>

#include "common/bytes.h"
#include "common/hash.h"
#include "hypertok/io.h"
#include "unit/test_util.h"

namespace hypertok {
namespace {

Codebook SmallCodebook() {
  std::vector<Piece> pieces = Codebook::BytePieces();
  pieces.push_back({"the", PieceKind::kNormal});
  pieces.push_back({" the", PieceKind::kNormal});
  pieces.push_back({"\xD0\xBC\xD0\xB8\xD1\x80", PieceKind::kNormal});  // "мир"
  pieces.push_back({"<|endoftext|>", PieceKind::kSpecial});
  auto cb = Codebook::Create(std::move(pieces), SceneMode::kLine, {{"tool", "test"}, {"note", "x"}},
                             {{"the", {256}}});
  EXPECT_TRUE(cb.ok()) << cb.status().ToString();
  return std::move(cb).value();
}

TEST(CodebookTest, WriteReadWriteIsIdentical) {
  Codebook cb = SmallCodebook();
  std::string a = cb.Serialize();
  auto parsed = Codebook::Parse(a);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Serialize(), a);
  EXPECT_EQ(parsed->id(), cb.id());
  EXPECT_TRUE(std::ranges::equal(parsed->pieces(), cb.pieces()));
  EXPECT_EQ(parsed->scene_mode(), SceneMode::kLine);
  EXPECT_EQ(parsed->metadata().at("note"), "x");
  EXPECT_EQ(parsed->self_tests(), cb.self_tests());
  EXPECT_EQ(DetectFileKind(a), FileKind::kCodebook);
}

TEST(CodebookTest, TrainedCodebookRoundTrips) {
  const Codebook& cb = testing::SampleCodebook();
  std::string a = cb.Serialize();
  auto parsed = Codebook::Parse(a);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Serialize(), a);
}

// Extra sections of a loaded codebook stay in the file's buffer, which every
// copy of the codebook shares: a copy keeps them after the original is gone
// (under ASan this reads freed memory if it does not), and they are written
// back byte for byte. A file of a megabyte or more goes on huge pages.
TEST(CodebookTest, LoadedExtraSectionsOutliveTheCodebookTheyCameWith) {
  for (size_t payload_bytes : {size_t{11}, size_t{3} << 20}) {
    Codebook cb = SmallCodebook();
    std::string payload(payload_bytes, 'x');
    payload.front() = 'a';
    payload.back() = 'z';
    ASSERT_TRUE(cb.AddExtraSection("XTRA", payload).ok());
    const std::string path = ::testing::TempDir() + "/extra_sections.htk";
    const std::string file = cb.Serialize();
    {
      std::ofstream out(path, std::ios::binary);
      out.write(file.data(), static_cast<std::streamsize>(file.size()));
    }
    std::optional<Codebook> copy;
    {
      auto loaded = Codebook::Load(path);
      ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
      copy.emplace(*loaded);
    }
    ASSERT_NE(copy->extra_section("XTRA"), nullptr);
    EXPECT_EQ(*copy->extra_section("XTRA"), payload);
    EXPECT_EQ(copy->Serialize(), file);
    std::remove(path.c_str());
  }
}

// Files are read whole up to a limit, from a regular file (sized from it)
// and from a pipe (grown as read) alike (ReadRest, which Load uses too).
TEST(ReadFileToStringTest, ReadsWholeFilesAndPipesUpToTheLimit) {
  std::string bytes(300000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  const std::string path = ::testing::TempDir() + "/read_whole.bin";
  {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  auto whole = ReadFileToString(path, bytes.size());
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(*whole, bytes);
  EXPECT_EQ(ReadFileToString(path, bytes.size() - 1).status().code(),
            StatusCode::kResourceExhausted);
  std::remove(path.c_str());
  for (size_t limit : {bytes.size(), bytes.size() - 1}) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    std::thread writer([&] {
      for (size_t at = 0; at < bytes.size();) {
        const ssize_t n = ::write(fds[1], bytes.data() + at, bytes.size() - at);
        if (n <= 0) break;
        // (The reader stops only after the last byte, so it never closes
        // its end while this still writes.)
        at += static_cast<size_t>(n);
      }
      ::close(fds[1]);
    });
    auto piped = ReadFileToString("/proc/self/fd/" + std::to_string(fds[0]), limit);
    ::close(fds[0]);
    writer.join();
    if (limit == bytes.size()) {
      ASSERT_TRUE(piped.ok()) << piped.status().ToString();
      EXPECT_EQ(*piped, bytes);
    } else {
      EXPECT_EQ(piped.status().code(), StatusCode::kResourceExhausted);
    }
  }
}

TEST(CodebookTest, MagicIsNotValidUtf8) {
  std::string a = SmallCodebook().Serialize();
  EXPECT_EQ(static_cast<uint8_t>(a[0]), 0x89);  // a continuation byte cannot start UTF-8
}

TEST(CodebookTest, IdDependsOnlyOnVocabulary) {
  std::vector<Piece> p = Codebook::BytePieces();
  p.push_back({"ab", PieceKind::kNormal});
  auto a = Codebook::Create(p, SceneMode::kParagraph, {{"k", "1"}});
  auto b = Codebook::Create(p, SceneMode::kLine, {{"k", "2"}});
  p.push_back({"abc", PieceKind::kNormal});
  auto c = Codebook::Create(p, SceneMode::kParagraph, {});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->id(), b->id());
  EXPECT_NE(a->id(), c->id());
}

TEST(CodebookTest, CreateRejectsBrokenVocabularies) {
  auto bytes = Codebook::BytePieces();
  {
    auto p = bytes;
    p.pop_back();
    EXPECT_FALSE(Codebook::Create(p, SceneMode::kParagraph, {}).ok());
  }
  {
    auto p = bytes;
    std::swap(p[1], p[2]);
    EXPECT_FALSE(Codebook::Create(p, SceneMode::kParagraph, {}).ok());
  }
  {
    auto p = bytes;
    p.push_back({"ab", PieceKind::kNormal});
    p.push_back({"ab", PieceKind::kNormal});
    EXPECT_FALSE(Codebook::Create(p, SceneMode::kParagraph, {}).ok());
  }
  {
    auto p = bytes;
    p.push_back({"a", PieceKind::kNormal});  // single byte: must be the byte token
    EXPECT_FALSE(Codebook::Create(p, SceneMode::kParagraph, {}).ok());
  }
  {
    auto p = bytes;
    p.push_back({std::string(Codebook::kMaxPieceBytes + 1, 'x'), PieceKind::kNormal});
    EXPECT_FALSE(Codebook::Create(p, SceneMode::kParagraph, {}).ok());
  }
}

// 20,000 distinct pieces (many sharing prefixes and lengths) are accepted;
// a repeat anywhere is refused, naming the lowest id that repeats an earlier
// piece; special tokens are checked among themselves the same way.
TEST(CodebookTest, RepeatsAreRefusedNamingTheLowestRepeatingId) {
  std::vector<Piece> distinct = Codebook::BytePieces();
  for (int i = 0; i < 20000; ++i)
    distinct.push_back(
        {"w" + std::to_string(i % 100) + "_" + std::to_string(i), PieceKind::kNormal});
  ASSERT_TRUE(Codebook::Create(distinct, SceneMode::kParagraph, {}).ok());
  std::mt19937 rng(5);
  for (int round = 0; round < 20; ++round) {
    auto p = distinct;
    // Two repeats: ids r1 < r2 copy earlier pieces; r1 must be named.
    const uint32_t r1 = 300 + rng() % 10000, r2 = r1 + 1 + rng() % 9000;
    p[r1].bytes = p[256 + rng() % (r1 - 256)].bytes;
    p[r2].bytes = p[256 + rng() % (r2 - 256)].bytes;
    auto cb = Codebook::Create(p, SceneMode::kParagraph, {});
    ASSERT_FALSE(cb.ok());
    EXPECT_EQ(cb.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(cb.status().message().find("piece " + std::to_string(r1) + " repeats"),
              std::string::npos)
        << cb.status().message();
  }
  auto p = distinct;
  p.push_back({"<a>", PieceKind::kSpecial});
  p.push_back({"<b>", PieceKind::kSpecial});
  ASSERT_TRUE(Codebook::Create(p, SceneMode::kParagraph, {}).ok());
  p.push_back({"<a>", PieceKind::kSpecial});
  auto cb = Codebook::Create(p, SceneMode::kParagraph, {});
  ASSERT_FALSE(cb.ok());
  EXPECT_NE(cb.status().message().find("special token " + std::to_string(p.size() - 1)),
            std::string::npos)
      << cb.status().message();
}

TEST(CodebookTest, EveryTruncationIsACleanError) {
  std::string a = SmallCodebook().Serialize();
  for (size_t n = 0; n < a.size(); ++n) {
    auto r = Codebook::Parse(std::string_view(a).substr(0, n));
    EXPECT_FALSE(r.ok()) << "truncated to " << n;
  }
}

TEST(CodebookTest, EveryBitFlipIsACleanError) {
  std::string a = SmallCodebook().Serialize();
  for (size_t i = 0; i < a.size(); ++i) {
    for (int bit = 0; bit < 8; bit += 3) {
      std::string b = a;
      b[i] ^= static_cast<char>(1 << bit);
      auto r = Codebook::Parse(b);
      EXPECT_FALSE(r.ok()) << "byte " << i << " bit " << bit;
    }
  }
}

// Builds a codebook file by hand, with a valid checksum, so the structural
// checks behind the checksum can be exercised.
std::string HandMade(const std::vector<std::tuple<std::string, bool, std::string>>& sections,
                     uint64_t id, uint16_t major = 1) {
  std::string out;
  ByteWriter w(&out);
  w.Bytes(std::string_view("\x89HTK\r\n\x1a\n", 8));
  w.U16(major);
  w.U16(7);
  w.U32(static_cast<uint32_t>(sections.size()));
  w.U64(id);
  for (const auto& [tag, required, payload] : sections) {
    w.Bytes(tag);
    w.U32(required ? 1 : 0);
    w.U64(payload.size());
    w.Bytes(payload);
  }
  w.U64(Hash64(out));
  return out;
}

std::string VocabPayload(size_t extra) {
  std::string v;
  ByteWriter w(&v);
  w.Varint(256 + extra);
  for (int b = 0; b < 256; ++b) {
    w.U8(0);
    w.LengthPrefixed(std::string(1, static_cast<char>(b)));
  }
  for (size_t i = 0; i < extra; ++i) {
    w.U8(1);
    w.LengthPrefixed("p" + std::to_string(i));
  }
  return v;
}

std::string ConfPayload() {
  std::string c;
  ByteWriter w(&c);
  w.Varint(1);
  w.LengthPrefixed("scene");
  w.LengthPrefixed("line");
  return c;
}

TEST(CodebookTest, UnknownOptionalSectionIsSkippedRequiredOneRefused) {
  std::string vocab = VocabPayload(3);
  uint64_t id = Hash64(vocab);
  auto ok = Codebook::Parse(
      HandMade({{"CONF", true, ConfPayload()}, {"VOCB", true, vocab}, {"FUTR", false, "xyz"}}, id));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->size(), 259u);
  EXPECT_EQ(ok->format_minor(), 7);
  auto bad = Codebook::Parse(
      HandMade({{"CONF", true, ConfPayload()}, {"VOCB", true, vocab}, {"FUTR", true, "xyz"}}, id));
  EXPECT_EQ(bad.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(bad.status().message().find("FUTR"), std::string::npos);
}

TEST(CodebookTest, NewerMajorVersionIsRefused) {
  std::string vocab = VocabPayload(0);
  auto r = Codebook::Parse(
      HandMade({{"CONF", true, ConfPayload()}, {"VOCB", true, vocab}}, Hash64(vocab), 2));
  EXPECT_EQ(r.status().code(), StatusCode::kUnimplemented);
}

TEST(CodebookTest, HugeCountsAreRejectedWithoutAllocating) {
  // A vocabulary claiming 2^40 entries, a section longer than the file.
  std::string v;
  ByteWriter w(&v);
  w.Varint(uint64_t{1} << 40);
  auto r = Codebook::Parse(HandMade({{"CONF", true, ConfPayload()}, {"VOCB", true, v}}, 0));
  EXPECT_FALSE(r.ok());
  std::string v2;
  ByteWriter w2(&v2);
  w2.Varint(1 << 20);  // fits the cap but not the payload
  r = Codebook::Parse(HandMade({{"CONF", true, ConfPayload()}, {"VOCB", true, v2}}, 0));
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  std::string file = HandMade({{"CONF", true, ConfPayload()}}, 0);
  // Patch the section length to 2^40 and fix the checksum.
  std::string body = file.substr(0, file.size() - 8);
  for (int i = 0; i < 8; ++i) body[24 + 8 + i] = static_cast<char>((uint64_t{1} << 40) >> (8 * i));
  std::string sum;
  ByteWriter(&sum).U64(Hash64(body));
  r = Codebook::Parse(body + sum);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("remain"), std::string::npos) << r.status().message();
}

TEST(CodebookTest, WrongHeaderIdIsDetected) {
  std::string vocab = VocabPayload(1);
  auto r = Codebook::Parse(
      HandMade({{"CONF", true, ConfPayload()}, {"VOCB", true, vocab}}, Hash64(vocab) ^ 1));
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
}

TEST(CodebookTest, UnknownSettingIsRefused) {
  std::string c;
  ByteWriter w(&c);
  w.Varint(2);
  w.LengthPrefixed("new_knob");
  w.LengthPrefixed("1");
  w.LengthPrefixed("scene");
  w.LengthPrefixed("line");
  std::string vocab = VocabPayload(0);
  auto r = Codebook::Parse(HandMade({{"CONF", true, c}, {"VOCB", true, vocab}}, Hash64(vocab)));
  EXPECT_EQ(r.status().code(), StatusCode::kUnimplemented);
}

TEST(CodebookTest, MorphAlignmentRoundTripsAndNeedsItsMorphModel) {
  Codebook cb = SmallCodebook();
  EXPECT_FALSE(cb.morph_aligned());
  cb.set_morph_align_penalty(2);
  // Without the morph model the file is refused on reading.
  auto lone = Codebook::Parse(cb.Serialize());
  EXPECT_EQ(lone.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(lone.status().message().find("MRPH"), std::string::npos);
  ASSERT_TRUE(cb.AddExtraSection("MRPH", "model bytes").ok());
  auto back = Codebook::Parse(cb.Serialize());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->morph_align_penalty(), 2u);
  EXPECT_EQ(back->Serialize(), cb.Serialize());
  // A value out of range is a clean error.
  std::string c;
  ByteWriter w(&c);
  w.Varint(2);
  w.LengthPrefixed("morph_align");
  w.LengthPrefixed("9");
  w.LengthPrefixed("scene");
  w.LengthPrefixed("line");
  std::string vocab = VocabPayload(0);
  auto r = Codebook::Parse(HandMade({{"CONF", true, c}, {"VOCB", true, vocab}}, Hash64(vocab)));
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hypertok
