// The codebook: the vocabulary of hypertokens plus every setting that changes
// how text is encoded. It alone determines behaviour: the encoder and decoder
// are rebuilt from it, and a stream names the codebook it was made with by ID.
// File layout: docs/FORMAT.md ("Codebook").
//
// Invariants (checked by Create and Parse):
//   - ids 0..255 are the byte tokens, id b spelling the single byte b, so any
//     byte sequence can be encoded;
//   - every other piece has 1..kMaxPieceBytes bytes; normal pieces are unique
//     and at least 2 bytes long (1-byte spellings are the byte tokens);
//   - special pieces are unique among themselves.
//
//   HT_ASSIGN_OR_RETURN(Codebook cb, Codebook::Parse(file_bytes));
//   std::string again = cb.Serialize();  // == file_bytes
#ifndef HYPERTOK_CODEBOOK_H_
#define HYPERTOK_CODEBOOK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hypertok/scene.h"
#include "hypertok/status.h"

namespace hypertok {

enum class PieceKind : uint8_t {
  kByte = 0,     // one raw byte (ids 0..255)
  kNormal = 1,   // a learned piece matched in text
  kSpecial = 2,  // a control token, never produced from text by default
};

// Which pipeline stage proposed a piece. Informational: it never changes
// encoding, but `stats` uses it for the per-stage waterfall.
enum class PieceOrigin : uint8_t {
  kUnknown = 0,
  kByte = 1,      // the 256 byte tokens
  kChar = 2,      // one multi-byte character
  kPretoken = 3,  // a whole pre-token: word with its space, number, symbol run, line break
  kSubword = 4,   // part of a pre-token (statistical)
  kMorph = 5,     // part of a word cut at morph boundaries (morpheme splitter)
  kEnding = 6,    // an ending marker (ending-marker extractor)
  kBond = 7,      // a hyperbond: several pre-tokens
  kSpecial = 8,   // a control token
};
constexpr int kNumPieceOrigins = 9;
std::string_view PieceOriginName(PieceOrigin origin);

struct Piece {
  std::string bytes;
  PieceKind kind = PieceKind::kNormal;
  PieceOrigin origin = PieceOrigin::kUnknown;
  friend bool operator==(const Piece&, const Piece&) = default;
};

// A sample text and the ids it must encode to. Stored in the codebook by the
// trainer and re-checked every time an Encoder is built from it.
struct SelfTest {
  std::string input;
  std::vector<uint32_t> expected;
  friend bool operator==(const SelfTest&, const SelfTest&) = default;
};

// One section as found in a file, for `hypertok inspect`.
struct SectionInfo {
  std::string tag;
  bool required = false;
  uint64_t offset = 0;
  uint64_t length = 0;
};

class Codebook {
 public:
  static constexpr uint16_t kFormatMajor = 1;
  static constexpr uint16_t kFormatMinor = 1;
  static constexpr size_t kMaxPieceBytes = 1024;
  static constexpr size_t kMaxVocabSize = size_t{1} << 24;
  static constexpr size_t kMaxSelfTests = 64;
  static constexpr size_t kMaxSelfTestBytes = size_t{1} << 16;
  static constexpr size_t kMaxMetadataEntries = 256;
  static constexpr size_t kMaxFileBytes = size_t{1} << 30;

  // Builds a codebook from a vocabulary whose first 256 entries must be the
  // byte tokens (see BytePieces()). Metadata is free-form key → value text
  // (tool version, training settings, input checksum); `scene` is the
  // default scene mode for encoding.
  static StatusOr<Codebook> Create(std::vector<Piece> pieces, SceneMode scene,
                                   std::map<std::string, std::string> metadata,
                                   std::vector<SelfTest> self_tests = {});
  // Parses and validates a codebook file: magic, version, checksum, every
  // length against what remains, every invariant above. Self-tests are
  // checked when an Encoder is built (encoder.h), not here.
  static StatusOr<Codebook> Parse(std::string_view file);
  static StatusOr<Codebook> Load(const std::string& path);

  // The 256 byte tokens, in id order.
  static std::vector<Piece> BytePieces();

  // Canonical bytes: Parse(Serialize()) == *this and Serialize(Parse(f)) == f
  // for every file this version wrote.
  std::string Serialize() const;

  // XXH3-64 of the vocabulary section: equal IDs mean identical id → bytes
  // mappings, which is all a decoder needs.
  uint64_t id() const { return id_; }
  size_t size() const { return pieces_.size(); }
  const Piece& piece(uint32_t id) const { return pieces_[id]; }
  std::span<const Piece> pieces() const { return pieces_; }
  SceneMode scene_mode() const { return scene_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::vector<SelfTest>& self_tests() const { return self_tests_; }
  void set_self_tests(std::vector<SelfTest> t) { self_tests_ = std::move(t); }
  // Morph-aligned encoding (CONF "morph_align" = penalty, 1..8): inside a
  // word, a token boundary that is not one of the morph model's boundaries
  // costs `penalty` tokens, so an encoder needs the codebook's morph model
  // (section MRPH); 0 = off. Parse fails when it is set and MRPH is missing.
  bool morph_aligned() const { return morph_align_penalty_ != 0; }
  uint32_t morph_align_penalty() const { return morph_align_penalty_; }
  static constexpr uint32_t kMaxMorphAlignPenalty = 8;
  void set_morph_align_penalty(uint32_t penalty) { morph_align_penalty_ = penalty; }
  // Sections of the file this codebook was parsed from (empty if created).
  const std::vector<SectionInfo>& sections() const { return sections_; }
  uint16_t format_minor() const { return format_minor_; }

  // The end-of-document token: the special piece whose spelling metadata key
  // "eod" names (Parse and Create fail when it names none). Trainer formats
  // (bin, npy, megatron, llmc) write it after every scene or document.
  static constexpr std::string_view kEodKey = "eod";
  std::optional<uint32_t> eod_id() const { return eod_id_; }
  // Ids of the special pieces, in id order.
  std::vector<uint32_t> special_ids() const;

  // Optional sections this build does not interpret (e.g. "MRPH", the morph
  // model the codebook was trained with; "ENCX", the encoder's tables), kept
  // and written back in order so that rewriting a newer file loses nothing.
  // Tags are 4 ASCII bytes. A payload stays in the buffer Load read the file
  // into (`owner`, shared by copies of the codebook) rather than being copied
  // out of it: the encoder's tables are a megabyte, and a fresh copy of them
  // cost ~1.5 ms of page faults at every start.
  struct ExtraSection {
    std::string tag;
    std::string_view payload;
    std::shared_ptr<const void> owner;
  };
  const std::vector<ExtraSection>& extra_sections() const { return extra_sections_; }
  // The payload of an extra section, or null.
  const std::string_view* extra_section(std::string_view tag) const;
  Status AddExtraSection(std::string tag, std::string payload);

 private:
  Codebook() = default;
  // Checks the vocabulary's invariants.
  static Status Validate(std::span<const Piece> pieces);
  // Parse, keeping extra sections' payloads where they are in `file`, which
  // `owner` holds, or, when it is null, in copies of their own.
  static StatusOr<Codebook> ParseIn(std::string_view file, std::shared_ptr<const void> owner);
  std::string SerializeVocab() const;
  Status ResolveEod();

  // Puts a piece array of 1 MiB or more on its own transparent huge pages
  // (codebook.cc says why).
  struct PieceAllocator {
    using value_type = Piece;
    template <typename U>
    struct rebind {  // (a vector rebinds to its own element type only)
      using other = PieceAllocator;
    };
    Piece* allocate(size_t n);
    void deallocate(Piece* p, size_t n) noexcept;
    friend bool operator==(PieceAllocator, PieceAllocator) { return true; }
  };
  std::vector<Piece, PieceAllocator> pieces_;
  SceneMode scene_ = SceneMode::kParagraph;
  uint32_t morph_align_penalty_ = 0;
  std::map<std::string, std::string> metadata_;
  std::vector<SelfTest> self_tests_;
  std::vector<SectionInfo> sections_;
  std::vector<ExtraSection> extra_sections_;
  uint64_t id_ = 0;
  uint16_t format_minor_ = kFormatMinor;
  std::optional<uint32_t> eod_id_;
};

// Detects a hypertok file by its magic.
enum class FileKind { kUnknown, kCodebook, kStream, kMorphModel };
FileKind DetectFileKind(std::string_view head);

}  // namespace hypertok

#endif  // HYPERTOK_CODEBOOK_H_
