// Codebook file reading, writing and validation. The layout is specified in
// docs/FORMAT.md; this file is its only implementation. Every length read from
// a file is checked against what remains and against the caps in codebook.h
// before anything is allocated, so a hostile file costs at most its own size.
#include "hypertok/codebook.h"

#include <cstring>
#include <iterator>
#include <set>

#include "common/bytes.h"
#include "common/hash.h"
#include "common/huge_page_allocator.h"
#include "common/read_rest.h"
#include "hypertok/io.h"

namespace hypertok {

namespace {

constexpr std::string_view kMagic("\x89HTK\r\n\x1a\n", 8);
constexpr std::string_view kStreamMagic("\x89HTS\r\n\x1a\n", 8);
constexpr size_t kHeaderBytes = 24;
constexpr size_t kChecksumBytes = 8;
constexpr uint32_t kFlagRequired = 1;
constexpr uint32_t kMaxSections = 64;

uint32_t Tag(const char (&s)[5]) {
  return static_cast<uint32_t>(static_cast<uint8_t>(s[0])) |
         static_cast<uint32_t>(static_cast<uint8_t>(s[1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[2])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[3])) << 24;
}
const uint32_t kTagConf = Tag("CONF");
const uint32_t kTagVocab = Tag("VOCB");
const uint32_t kTagMeta = Tag("META");
const uint32_t kTagTest = Tag("TEST");
const uint32_t kTagOrigin = Tag("ORIG");

uint32_t Tag4(std::string_view s) {
  uint32_t t = 0;
  for (int i = 0; i < 4; ++i) t |= static_cast<uint32_t>(static_cast<uint8_t>(s[i])) << (8 * i);
  return t;
}

std::string TagName(uint32_t tag) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    char c = static_cast<char>(tag >> (8 * i));
    s += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return s;
}

void WriteSection(ByteWriter& w, uint32_t tag, bool required, std::string_view payload) {
  w.U32(tag);
  w.U32(required ? kFlagRequired : 0);
  w.U64(payload.size());
  w.Bytes(payload);
}

std::string SerializeStringMap(const std::map<std::string, std::string>& m) {
  std::string out;
  ByteWriter w(&out);
  w.Varint(m.size());
  for (const auto& [k, v] : m) {
    w.LengthPrefixed(k);
    w.LengthPrefixed(v);
  }
  return out;
}

StatusOr<std::map<std::string, std::string>> ParseStringMap(std::string_view payload,
                                                            const std::string& where) {
  ByteReader r(payload);
  uint64_t n;
  HT_CHECK_OR_RETURN(r.Varint(&n), DataLoss) << where << ": truncated entry count";
  HT_CHECK_OR_RETURN(n <= Codebook::kMaxMetadataEntries, DataLoss)
      << where << ": " << n << " entries (limit " << Codebook::kMaxMetadataEntries << ")";
  std::map<std::string, std::string> m;
  std::string prev;
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view k, v;
    HT_CHECK_OR_RETURN(r.LengthPrefixed(4096, &k) && r.LengthPrefixed(1 << 20, &v), DataLoss)
        << where << ": entry " << i << " overruns the section";
    HT_CHECK_OR_RETURN(i == 0 || std::string(k) > prev, DataLoss)
        << where << ": keys not in strictly increasing order at entry " << i;
    prev = std::string(k);
    m.emplace(k, v);
  }
  HT_CHECK_OR_RETURN(r.empty(), DataLoss)
      << where << ": " << r.remaining() << " unexpected bytes after the entries";
  return m;
}

}  // namespace

std::string_view PieceOriginName(PieceOrigin origin) {
  switch (origin) {
    case PieceOrigin::kUnknown:
      return "unknown";
    case PieceOrigin::kByte:
      return "byte";
    case PieceOrigin::kChar:
      return "char";
    case PieceOrigin::kPretoken:
      return "pretoken";
    case PieceOrigin::kSubword:
      return "subword";
    case PieceOrigin::kMorph:
      return "morph";
    case PieceOrigin::kEnding:
      return "ending";
    case PieceOrigin::kBond:
      return "bond";
    case PieceOrigin::kSpecial:
      return "special";
  }
  return "?";
}

FileKind DetectFileKind(std::string_view head) {
  if (head.substr(0, kMagic.size()) == kMagic) return FileKind::kCodebook;
  if (head.substr(0, kStreamMagic.size()) == kStreamMagic) return FileKind::kStream;
  if (head.substr(0, 8) == std::string_view("\x89HTM\r\n\x1a\n", 8)) return FileKind::kMorphModel;
  return FileKind::kUnknown;
}

std::vector<Piece> Codebook::BytePieces() {
  std::vector<Piece> out(256);
  for (int b = 0; b < 256; ++b) {
    out[b].bytes = std::string(1, static_cast<char>(b));
    out[b].kind = PieceKind::kByte;
    out[b].origin = PieceOrigin::kByte;
  }
  return out;
}

namespace {

// The lowest of ids (ascending) whose piece's bytes equal those of an
// earlier one in ids, or 0 if none: by open addressing over the bytes'
// hashes, so a codebook is checked in one pass without sorting it.
uint32_t FirstRepeat(std::span<const Piece> pieces, const std::vector<uint32_t>& ids) {
  size_t cap = 16;
  while (cap < 2 * ids.size()) cap *= 2;
  std::vector<uint32_t> slots(cap, 0);  // id + 1, 0 for empty
  for (uint32_t id : ids) {
    const std::string& bytes = pieces[id].bytes;
    for (size_t s = Hash64(bytes) & (cap - 1);; s = (s + 1) & (cap - 1)) {
      if (slots[s] == 0) {
        slots[s] = id + 1;
        break;
      }
      if (pieces[slots[s] - 1].bytes == bytes) return id;
    }
  }
  return 0;
}

}  // namespace

// A 32k vocabulary's pieces are a 1.3 MB array, filled once at every load.
// jemalloc placed it across 2 MiB ranges already split into 4 KiB pages, so
// filling it took ~130 first touches, and on the VMs we measure on each cost
// ~15 µs (1.9 ms of every encode's and decode's start). On its own huge page
// it is one fault (0.2 ms).
Piece* Codebook::PieceAllocator::allocate(size_t n) {
  return HugePageAllocator<Piece, kHugePageBytes / 2>().allocate(n);
}
void Codebook::PieceAllocator::deallocate(Piece* p, size_t n) noexcept {
  HugePageAllocator<Piece, kHugePageBytes / 2>().deallocate(p, n);
}

Status Codebook::Validate(std::span<const Piece> pieces) {
  HT_CHECK_OR_RETURN(pieces.size() >= 256, DataLoss)
      << "vocabulary has " << pieces.size() << " entries, fewer than the 256 byte tokens";
  HT_CHECK_OR_RETURN(pieces.size() <= kMaxVocabSize, ResourceExhausted)
      << "vocabulary has " << pieces.size() << " entries (limit " << kMaxVocabSize << ")";
  for (size_t b = 0; b < 256; ++b) {
    const Piece& p = pieces[b];
    HT_CHECK_OR_RETURN(
        p.kind == PieceKind::kByte && p.bytes.size() == 1 && static_cast<uint8_t>(p.bytes[0]) == b,
        DataLoss)
        << "id " << b << " must be the byte token 0x" << std::hex << b;
  }
  std::vector<uint32_t> normal, special;
  for (size_t id = 256; id < pieces.size(); ++id) {
    const Piece& p = pieces[id];
    HT_CHECK_OR_RETURN(!p.bytes.empty() && p.bytes.size() <= kMaxPieceBytes, DataLoss)
        << "piece " << id << " has " << p.bytes.size() << " bytes (allowed 1.." << kMaxPieceBytes
        << ")";
    switch (p.kind) {
      case PieceKind::kNormal:
        HT_CHECK_OR_RETURN(p.bytes.size() >= 2, DataLoss)
            << "piece " << id << " is a single byte; bytes are ids 0..255";
        normal.push_back(static_cast<uint32_t>(id));
        break;
      case PieceKind::kSpecial:
        special.push_back(static_cast<uint32_t>(id));
        break;
      default:
        return DataLossError("piece " + std::to_string(id) + " has kind byte outside ids 0..255");
    }
  }
  // Ids are visited in increasing order, so the id reported is the lowest
  // that repeats an earlier piece.
  if (const uint32_t id = FirstRepeat(pieces, normal))
    return DataLossError("piece " + std::to_string(id) + " repeats an earlier piece");
  if (const uint32_t id = FirstRepeat(pieces, special))
    return DataLossError("special token " + std::to_string(id) + " repeats an earlier one");
  return OkStatus();
}

StatusOr<Codebook> Codebook::Create(std::vector<Piece> pieces, SceneMode scene,
                                    std::map<std::string, std::string> metadata,
                                    std::vector<SelfTest> self_tests) {
  HT_RETURN_IF_ERROR(Validate(pieces));
  HT_CHECK_OR_RETURN(metadata.size() <= kMaxMetadataEntries, InvalidArgument)
      << "too many metadata entries";
  HT_CHECK_OR_RETURN(self_tests.size() <= kMaxSelfTests, InvalidArgument) << "too many self-tests";
  Codebook cb;
  cb.pieces_.assign(std::make_move_iterator(pieces.begin()), std::make_move_iterator(pieces.end()));
  cb.scene_ = scene;
  cb.metadata_ = std::move(metadata);
  cb.self_tests_ = std::move(self_tests);
  cb.id_ = Hash64(cb.SerializeVocab());
  HT_RETURN_IF_ERROR(cb.ResolveEod());
  return cb;
}

Status Codebook::ResolveEod() {
  eod_id_.reset();
  auto it = metadata_.find(std::string(kEodKey));
  if (it == metadata_.end()) return OkStatus();
  for (uint32_t id = 0; id < pieces_.size(); ++id) {
    if (pieces_[id].kind == PieceKind::kSpecial && pieces_[id].bytes == it->second) {
      eod_id_ = id;
      return OkStatus();
    }
  }
  return DataLossError("metadata 'eod' names no special token");
}

std::string Codebook::SerializeVocab() const {
  std::string out;
  ByteWriter w(&out);
  w.Varint(pieces_.size());
  for (const Piece& p : pieces_) {
    w.U8(static_cast<uint8_t>(p.kind));
    w.LengthPrefixed(p.bytes);
  }
  return out;
}

std::string Codebook::Serialize() const {
  std::map<std::string, std::string> settings = {{"scene", std::string(SceneModeName(scene_))}};
  if (morph_align_penalty_ != 0)
    settings.emplace("morph_align", std::to_string(morph_align_penalty_));
  std::string conf = SerializeStringMap(settings);
  std::string vocab = SerializeVocab();
  std::string meta = SerializeStringMap(metadata_);
  std::string tests;
  {
    ByteWriter w(&tests);
    w.Varint(self_tests_.size());
    for (const SelfTest& t : self_tests_) {
      w.LengthPrefixed(t.input);
      w.Varint(t.expected.size());
      for (uint32_t id : t.expected) w.Varint(id);
    }
  }
  std::string origins;
  for (const Piece& p : pieces_) origins.push_back(static_cast<char>(p.origin));
  std::string out;
  ByteWriter w(&out);
  w.Bytes(kMagic);
  w.U16(kFormatMajor);
  w.U16(kFormatMinor);
  w.U32(static_cast<uint32_t>(5 + extra_sections_.size()));
  w.U64(id_);
  WriteSection(w, kTagConf, true, conf);
  WriteSection(w, kTagVocab, true, vocab);
  WriteSection(w, kTagOrigin, false, origins);
  WriteSection(w, kTagMeta, false, meta);
  WriteSection(w, kTagTest, false, tests);
  for (const ExtraSection& x : extra_sections_) WriteSection(w, Tag4(x.tag), false, x.payload);
  w.U64(Hash64(out));
  return out;
}

StatusOr<Codebook> Codebook::Parse(std::string_view file) { return ParseIn(file, nullptr); }

StatusOr<Codebook> Codebook::ParseIn(std::string_view file, std::shared_ptr<const void> owner) {
  HT_CHECK_OR_RETURN(file.size() >= kMagic.size() && file.substr(0, 8) == kMagic, DataLoss)
      << "not a hypertok codebook (bad magic)";
  HT_CHECK_OR_RETURN(file.size() >= kHeaderBytes + kChecksumBytes, DataLoss)
      << "codebook truncated: " << file.size() << " bytes";
  HT_CHECK_OR_RETURN(file.size() <= kMaxFileBytes, ResourceExhausted)
      << "codebook of " << file.size() << " bytes exceeds the limit of " << kMaxFileBytes;
  ByteReader header(file.substr(8, kHeaderBytes - 8));
  uint16_t major = 0, minor = 0;
  uint32_t nsections = 0;
  uint64_t stored_id = 0;
  (void)(header.U16(&major) && header.U16(&minor) && header.U32(&nsections) &&
         header.U64(&stored_id));
  HT_CHECK_OR_RETURN(major == kFormatMajor, Unimplemented)
      << "codebook format " << major << "." << minor << " is not readable by this hypertok"
      << " (reads format " << kFormatMajor << ".x)";
  const size_t body_end = file.size() - kChecksumBytes;
  uint64_t stored_sum = LoadLE(file.data() + body_end, 8);
  uint64_t actual_sum = Hash64(file.substr(0, body_end));
  HT_CHECK_OR_RETURN(ChecksumMatches(stored_sum, actual_sum), DataLoss)
      << "codebook checksum mismatch (stored " << Hex64(stored_sum) << ", computed "
      << Hex64(actual_sum) << "): the file is corrupt";
  HT_CHECK_OR_RETURN(nsections <= kMaxSections, DataLoss)
      << "codebook claims " << nsections << " sections (limit " << kMaxSections << ")";

  Codebook cb;
  cb.format_minor_ = minor;
  ByteReader r(file.substr(kHeaderBytes, body_end - kHeaderBytes));
  std::set<uint32_t> seen;
  std::string_view conf_payload, vocab_payload, meta_payload, test_payload, origin_payload;
  bool have_conf = false, have_vocab = false, have_origin = false;
  for (uint32_t i = 0; i < nsections; ++i) {
    uint32_t tag = 0, flags = 0;
    uint64_t len = 0;
    size_t offset = kHeaderBytes + r.position();
    HT_CHECK_OR_RETURN(r.U32(&tag) && r.U32(&flags) && r.U64(&len), DataLoss)
        << "section header " << i << " truncated at byte " << offset;
    std::string name = TagName(tag);
    HT_CHECK_OR_RETURN(len <= r.remaining(), DataLoss)
        << "section " << name << " claims " << len << " bytes but only " << r.remaining()
        << " remain (at byte " << offset << ")";
    HT_CHECK_OR_RETURN(seen.insert(tag).second, DataLoss) << "section " << name << " appears twice";
    std::string_view payload;
    r.Bytes(static_cast<size_t>(len), &payload);
    cb.sections_.push_back({name, (flags & kFlagRequired) != 0, offset, len});
    if (tag == kTagConf) {
      conf_payload = payload;
      have_conf = true;
    } else if (tag == kTagVocab) {
      vocab_payload = payload;
      have_vocab = true;
    } else if (tag == kTagMeta) {
      meta_payload = payload;
    } else if (tag == kTagTest) {
      test_payload = payload;
    } else if (tag == kTagOrigin) {
      origin_payload = payload;
      have_origin = true;
    } else {
      HT_CHECK_OR_RETURN(!(flags & kFlagRequired), Unimplemented)
          << "section " << name << " is required but unknown to this hypertok "
          << "(written by format " << major << "." << minor << "); upgrade hypertok";
      if (owner != nullptr) {
        cb.extra_sections_.push_back({name, payload, owner});
      } else {
        auto copy = std::make_shared<const std::string>(payload);
        cb.extra_sections_.push_back({name, *copy, std::move(copy)});
      }
    }
  }
  HT_CHECK_OR_RETURN(r.empty(), DataLoss)
      << r.remaining() << " unexpected bytes after the last section";
  HT_CHECK_OR_RETURN(have_conf && have_vocab, DataLoss)
      << "codebook lacks a required section (" << (have_conf ? "VOCB" : "CONF") << ")";

  // CONF: settings that change behaviour. Unknown keys are an error: this
  // build would silently encode differently.
  HT_ASSIGN_OR_RETURN(auto conf, ParseStringMap(conf_payload, "section CONF"));
  for (const auto& [k, v] : conf) {
    if (k == "scene") {
      auto mode = ParseSceneMode(v);
      HT_CHECK_OR_RETURN(mode.ok(), DataLoss) << "section CONF: " << mode.status().message();
      cb.scene_ = *mode;
    } else if (k == "morph_align") {
      HT_CHECK_OR_RETURN(v.size() == 1 && v[0] >= '1' &&
                             static_cast<uint32_t>(v[0] - '0') <= kMaxMorphAlignPenalty,
                         DataLoss)
          << "section CONF: morph_align must be 1.." << kMaxMorphAlignPenalty << ", not '" << v
          << "'";
      cb.morph_align_penalty_ = static_cast<uint32_t>(v[0] - '0');
    } else {
      return UnimplementedError("section CONF: setting '" + k +
                                "' is unknown to this hypertok; upgrade hypertok");
    }
  }

  // VOCB.
  {
    ByteReader v(vocab_payload);
    uint64_t n;
    HT_CHECK_OR_RETURN(v.Varint(&n), DataLoss) << "section VOCB: truncated entry count";
    HT_CHECK_OR_RETURN(n <= kMaxVocabSize, ResourceExhausted)
        << "section VOCB: " << n << " entries (limit " << kMaxVocabSize << ")";
    // Each entry takes at least 3 bytes, so a count the payload cannot hold
    // is rejected before reserving memory for it.
    HT_CHECK_OR_RETURN(n * 3 <= v.remaining(), DataLoss)
        << "section VOCB: " << n << " entries cannot fit in " << vocab_payload.size() << " bytes";
    cb.pieces_.resize(n);
    for (uint64_t id = 0; id < n; ++id) {
      uint8_t kind;
      std::string_view bytes;
      HT_CHECK_OR_RETURN(v.U8(&kind) && v.LengthPrefixed(kMaxPieceBytes, &bytes), DataLoss)
          << "section VOCB: entry " << id << " is truncated or too long";
      HT_CHECK_OR_RETURN(kind <= 2, DataLoss)
          << "section VOCB: entry " << id << " has unknown kind " << int{kind};
      cb.pieces_[id] = Piece{std::string(bytes), static_cast<PieceKind>(kind)};
    }
    HT_CHECK_OR_RETURN(v.empty(), DataLoss)
        << "section VOCB: " << v.remaining() << " unexpected bytes after the entries";
    if (Status st = Validate(cb.pieces_); !st.ok()) return st.WithPrefix("section VOCB");
    cb.id_ = Hash64(vocab_payload);
    HT_CHECK_OR_RETURN(cb.id_ == stored_id, DataLoss)
        << "codebook ID in the header (" << Hex64(stored_id) << ") does not match its vocabulary ("
        << Hex64(cb.id_) << ")";
  }

  if (have_origin) {
    HT_CHECK_OR_RETURN(origin_payload.size() == cb.pieces_.size(), DataLoss)
        << "section ORIG: " << origin_payload.size() << " entries for " << cb.pieces_.size()
        << " pieces";
    for (size_t id = 0; id < cb.pieces_.size(); ++id) {
      auto o = static_cast<uint8_t>(origin_payload[id]);
      // Unknown origins from newer writers read as kUnknown: informational.
      cb.pieces_[id].origin =
          o < kNumPieceOrigins ? static_cast<PieceOrigin>(o) : PieceOrigin::kUnknown;
    }
  }

  if (!meta_payload.empty()) {
    HT_ASSIGN_OR_RETURN(cb.metadata_, ParseStringMap(meta_payload, "section META"));
  }

  if (!test_payload.empty()) {
    ByteReader t(test_payload);
    uint64_t n;
    HT_CHECK_OR_RETURN(t.Varint(&n) && n <= kMaxSelfTests, DataLoss)
        << "section TEST: bad self-test count";
    for (uint64_t i = 0; i < n; ++i) {
      SelfTest st;
      std::string_view input;
      uint64_t nids;
      HT_CHECK_OR_RETURN(t.LengthPrefixed(kMaxSelfTestBytes, &input) && t.Varint(&nids) &&
                             nids <= input.size() && nids <= t.remaining(),
                         DataLoss)
          << "section TEST: self-test " << i << " is truncated or malformed";
      st.input = std::string(input);
      st.expected.reserve(nids);
      for (uint64_t k = 0; k < nids; ++k) {
        uint64_t id;
        HT_CHECK_OR_RETURN(t.Varint(&id) && id < cb.pieces_.size(), DataLoss)
            << "section TEST: self-test " << i << " has a bad id at position " << k;
        st.expected.push_back(static_cast<uint32_t>(id));
      }
      cb.self_tests_.push_back(std::move(st));
    }
    HT_CHECK_OR_RETURN(t.empty(), DataLoss) << "section TEST: unexpected trailing bytes";
  }
  HT_CHECK_OR_RETURN(!cb.morph_aligned() || cb.extra_section("MRPH") != nullptr, DataLoss)
      << "section CONF: morph_align is set but the morph model (section MRPH) is missing";
  HT_RETURN_IF_ERROR(cb.ResolveEod());
  return cb;
}

std::vector<uint32_t> Codebook::special_ids() const {
  std::vector<uint32_t> ids;
  for (uint32_t id = 0; id < pieces_.size(); ++id)
    if (pieces_[id].kind == PieceKind::kSpecial) ids.push_back(id);
  return ids;
}

const std::string_view* Codebook::extra_section(std::string_view tag) const {
  for (const ExtraSection& x : extra_sections_)
    if (x.tag == tag) return &x.payload;
  return nullptr;
}

Status Codebook::AddExtraSection(std::string tag, std::string payload) {
  HT_CHECK_OR_RETURN(tag.size() == 4, InvalidArgument) << "section tag must be 4 bytes";
  for (const char* known : {"CONF", "VOCB", "ORIG", "META", "TEST"})
    HT_CHECK_OR_RETURN(tag != known, InvalidArgument) << "section " << tag << " is built in";
  HT_CHECK_OR_RETURN(extra_section(tag) == nullptr, InvalidArgument)
      << "section " << tag << " already present";
  auto owner = std::make_shared<const std::string>(std::move(payload));
  extra_sections_.push_back({std::move(tag), *owner, std::move(owner)});
  return OkStatus();
}

namespace {

// A file's bytes, read whole into memory that is on huge pages from a
// megabyte on: a codebook with the encoder's tables is 1.5–2 MB, and read
// into memory from jemalloc it landed on 4 KiB pages, ~130 faults (~1.5 ms)
// at every start.
class FileBytes {
 public:
  FileBytes() = default;
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  ~FileBytes() {
    if (data_ != nullptr) Alloc().deallocate(data_, cap_);
  }
  std::string_view view() const { return {data_, size_}; }
  // Reads the rest of src, failing past max_bytes.
  Status ReadAll(FileSource& src, size_t max_bytes) {
    return ReadRest(src, max_bytes, &size_, [this](size_t cap) {
      Grow(cap);
      return data_;
    });
  }

 private:
  using Alloc = HugePageAllocator<char, size_t{1} << 20>;
  void Grow(size_t cap) {
    char* bigger = Alloc().allocate(cap);
    if (size_ > 0) std::memcpy(bigger, data_, size_);
    if (data_ != nullptr) Alloc().deallocate(data_, cap_);
    data_ = bigger;
    cap_ = cap;
  }
  char* data_ = nullptr;
  size_t size_ = 0, cap_ = 0;
};

}  // namespace

StatusOr<Codebook> Codebook::Load(const std::string& path) {
  HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(path));
  auto bytes = std::make_shared<FileBytes>();
  HT_RETURN_IF_ERROR(bytes->ReadAll(src, kMaxFileBytes));
  const std::string_view file = bytes->view();
  auto cb = ParseIn(file, std::move(bytes));
  if (!cb.ok()) return cb.status().WithPrefix(path);
  return cb;
}

}  // namespace hypertok
