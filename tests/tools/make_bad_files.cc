// Writes the golden bad files (tests/data/bad/): hostile codebooks, streams and
// counts files that are well-formed except for one lie — a count of 2^40
// entries, a section longer than the file, a block larger than the limit —
// with valid checksums, so the reader must catch the lie itself. The error
// each must give is in tests/data/bad/EXPECTED (tests/cli/bad_files_test.sh).
//   build-test/tests/hypertok_make_bad_files tests/data/bad
#include <zstd.h>

#include <filesystem>
#include <fstream>

#include "common/bytes.h"
#include "common/hash.h"
#include "hypertok/codebook.h"

using namespace hypertok;

namespace {

struct Section {
  std::string tag;
  uint32_t flags;
  std::string payload;
};

// Reads the sections of a valid codebook file.
std::vector<Section> Sections(const std::string& file) {
  std::vector<Section> out;
  const uint32_t n = static_cast<uint32_t>(LoadLE(file.data() + 12, 4));
  size_t at = 24;
  for (uint32_t i = 0; i < n; ++i) {
    Section s;
    s.tag = file.substr(at, 4);
    s.flags = static_cast<uint32_t>(LoadLE(file.data() + at + 4, 4));
    const uint64_t len = LoadLE(file.data() + at + 8, 8);
    s.payload = file.substr(at + 16, len);
    at += 16 + len;
    out.push_back(s);
  }
  return out;
}

// A codebook file from sections; `claimed_count` and `claimed_len` (for the
// section at `lie_at`) override the true values when nonzero.
std::string CodebookFile(const std::vector<Section>& sections, uint32_t claimed_count = 0,
                         int lie_at = -1, uint64_t claimed_len = 0) {
  std::string f;
  ByteWriter w(&f);
  w.Bytes(std::string_view("\x89HTK\r\n\x1a\n", 8));
  w.U16(1);
  w.U16(0);
  w.U32(claimed_count ? claimed_count : static_cast<uint32_t>(sections.size()));
  uint64_t id = 0;
  for (const Section& s : sections)
    if (s.tag == "VOCB") id = Hash64(s.payload);
  w.U64(id);
  for (int i = 0; i < static_cast<int>(sections.size()); ++i) {
    const Section& s = sections[i];
    w.Bytes(s.tag);
    w.U32(s.flags);
    w.U64(i == lie_at ? claimed_len : s.payload.size());
    w.Bytes(s.payload);
  }
  w.U64(Hash64(f));
  return f;
}

// A counts file around an uncompressed-size lie and a stored body.
std::string CountsFile(uint64_t raw_size, const std::string& stored) {
  std::string f;
  ByteWriter w(&f);
  w.Bytes(std::string_view("\x89HTC\r\n\x1a\n", 8));
  w.U16(1);
  w.U16(0);
  w.U32(1);
  w.U64(raw_size);
  w.U64(stored.size());
  w.U64(Hash64(stored));
  w.U64(Hash64(f));
  return f + stored;
}

std::string ZstdFrame(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
  return out;
}

void Write(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream(p, std::ios::binary).write(bytes.data(), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::filesystem::path dir(argv[1]);
  std::filesystem::create_directories(dir);
  std::vector<Piece> pieces = Codebook::BytePieces();
  pieces.push_back({"the", PieceKind::kNormal});
  pieces.push_back({" of the", PieceKind::kNormal});
  auto cb = Codebook::Create(std::move(pieces), SceneMode::kParagraph, {});
  if (!cb.ok()) return 1;
  const std::string good = cb->Serialize();
  Write(dir / "good.htk", good);
  const std::vector<Section> sections = Sections(good);

  {  // VOCB claims 2^40 entries.
    auto s = sections;
    for (Section& x : s)
      if (x.tag == "VOCB") {
        x.payload.clear();
        ByteWriter(&x.payload).Varint(uint64_t{1} << 40);
      }
    Write(dir / "codebook_2e40_entries.htk", CodebookFile(s));
  }
  {  // VOCB claims 2^24 entries (the limit) in a few bytes.
    auto s = sections;
    for (Section& x : s)
      if (x.tag == "VOCB") {
        x.payload.clear();
        ByteWriter(&x.payload).Varint(uint64_t{1} << 24);
        x.payload += "\x01\x02xy";
      }
    Write(dir / "codebook_2e24_entries_in_6_bytes.htk", CodebookFile(s));
  }
  // A section longer than the file, and a section count far past the limit.
  Write(dir / "codebook_section_2e40_bytes.htk", CodebookFile(sections, 0, 1, uint64_t{1} << 40));
  Write(dir / "codebook_1e9_sections.htk", CodebookFile(sections, 1000000000));
  {  // An unknown section marked required.
    auto s = sections;
    s.push_back({"ZZZZ", 1, "future"});
    Write(dir / "codebook_unknown_required_section.htk", CodebookFile(s));
  }
  {  // One flipped byte: only the checksum can tell.
    std::string f = good;
    f[40] ^= 0x01;
    Write(dir / "codebook_flipped_byte.htk", f);
  }
  Write(dir / "codebook_truncated.htk", good.substr(0, good.size() / 2));

  // Streams for good.htk: header, then a block claiming 2^31 raw bytes.
  {
    std::string f;
    ByteWriter w(&f);
    w.Bytes(std::string_view("\x89HTS\r\n\x1a\n", 8));
    w.U16(1);
    w.U16(0);
    w.U8(2);
    w.U8(0);
    w.U16(0);
    w.U64(cb->id());
    w.U64(Hash64(f));
    std::string block;
    ByteWriter b(&block);
    b.U8('D');
    b.U32(uint32_t{1} << 31);
    b.U32(uint32_t{1} << 31);
    b.U64(0);
    Write(dir / "stream_block_2e31_bytes.hts", f + block);
    Write(dir / "stream_no_end_record.hts", f);
  }

  // Counts files: a body claiming 2^41 bytes; 2^40 pre-tokens in a tiny body.
  Write(dir / "counts_body_2e41_bytes.counts", CountsFile(uint64_t{1} << 41, "x"));
  {
    std::string body;
    ByteWriter w(&body);
    w.Varint(size_t{32} << 20);  // sample budget: the default
    w.Varint(0);                 // level
    w.Varint(0);                 // bytes
    w.Varint(0);                 // sources
    w.Varint(uint64_t{1} << 40);  // pre-tokens
    Write(dir / "counts_2e40_pretokens.counts", CountsFile(body.size(), ZstdFrame(body)));
  }
  return 0;
}

