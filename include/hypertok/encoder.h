// The encoder: text → the fewest tokens the codebook's vocabulary allows.
//
// Contract:
//   - Lossless: concatenating the pieces of Encode(text) gives text back,
//     for any bytes (256 byte tokens are always available as a fallback).
//   - Minimal: within each window (below) no segmentation into vocabulary
//     pieces has fewer tokens. Ties go to the longest first token, then the
//     next, so the result is unique and deterministic. For a morph-aligned
//     codebook the cost of a word's spelling is its tokens plus its token
//     boundaries that are not morph boundaries (words of at most 255 bytes).
//   - Windows: text longer than kWindowBytes is cut into windows at points
//     that depend only on the text (WindowEnd), and each window is segmented
//     on its own. Memory stays bounded for a 100 MB line, and feeding a text
//     in window-sized pieces gives the same ids as feeding it whole.
//   - Special tokens are never produced from text by Encode, so untrusted
//     text cannot inject control tokens; EncodeAllowingSpecial turns every
//     occurrence of a special token's spelling into its id (longest first,
//     leftmost first) and encodes the text between as Encode does.
//
//   HT_ASSIGN_OR_RETURN(Encoder enc, Encoder::Create(codebook));
//   std::vector<uint32_t> ids = enc.Encode("Мороз и солнце; день чудесный!");
#ifndef HYPERTOK_ENCODER_H_
#define HYPERTOK_ENCODER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hypertok/codebook.h"
#include "hypertok/status.h"

namespace hypertok {

// Morph boundaries of a word, for codebooks that encode morph-aligned
// (Codebook::morph_aligned()). Implemented by the training library from the
// codebook's own morph model (MakeEncoder in hypertok/trainer.h); the runtime
// only calls it. Must be thread-safe and depend on the word's bytes alone.
class MorphCutter {
 public:
  virtual ~MorphCutter() = default;
  // Sets *cuts to byte offsets strictly inside `word` (ascending) where two
  // morphs meet.
  virtual void Cuts(std::string_view word, std::vector<uint32_t>* cuts) const = 0;
};

class Encoder {
 public:
  static constexpr size_t kWindowBytes = size_t{1} << 20;

  // Builds the matcher from the codebook and re-encodes its self-test samples;
  // a mismatch is kDataLoss (a corrupt codebook or an incompatible build).
  // A morph-aligned codebook needs `cutter` (kFailedPrecondition without
  // one); other codebooks ignore it. With threads > 1, reading the
  // codebook's index (below) uses a second thread for a while; the encoder
  // is the same.
  static StatusOr<Encoder> Create(const Codebook& codebook,
                                  std::shared_ptr<const MorphCutter> cutter = nullptr,
                                  int threads = 1);
  // The same without running the self-tests (the trainer uses it to compute
  // them in the first place).
  static StatusOr<Encoder> CreateUnchecked(const Codebook& codebook,
                                           std::shared_ptr<const MorphCutter> cutter = nullptr,
                                           int threads = 1);

  // The encoder's tables, as optional codebook section kIndexSection
  // (docs/FORMAT.md): Create reads them from a codebook that has it instead
  // of building them from the pieces — most of an encoder's start-up — after
  // checking that every key in them spells its piece (kDataLoss otherwise).
  // An index made for another vocabulary, or by a build whose tables differ,
  // is ignored. The trainer adds it to every codebook it writes.
  static constexpr std::string_view kIndexSection = "ENCX";
  std::string SerializeIndex() const;
  // Whether Create read the tables from the codebook's index.
  bool from_index() const;

  Encoder(Encoder&&) noexcept;
  Encoder& operator=(Encoder&&) noexcept;
  ~Encoder();

  // Appends the ids of text's segmentation to *ids. Thread-safe.
  void Encode(std::string_view text, std::vector<uint32_t>* ids) const;
  std::vector<uint32_t> Encode(std::string_view text) const {
    std::vector<uint32_t> ids;
    Encode(text, &ids);
    return ids;
  }

  void EncodeAllowingSpecial(std::string_view text, std::vector<uint32_t>* ids) const;

  // The same, writing to ids[0..): it must have room for text.size() ids
  // (no segmentation has more tokens than bytes). Returns how many were
  // written. For drivers that keep one buffer per batch of text.
  size_t Encode(std::string_view text, uint32_t* ids) const;
  size_t EncodeAllowingSpecial(std::string_view text, uint32_t* ids) const;

  // The same again, for text followed in memory by at least kPadding
  // readable bytes (of any value: read, never used), as in a buffer kept
  // with that much room past its end. The encoder then reads the last units
  // of the text by words and blocks as it does the rest, which is faster on
  // short texts (a paragraph each). The ids are the same.
  static constexpr size_t kPadding = 64;
  size_t EncodePadded(std::string_view text, uint32_t* ids) const;
  size_t EncodeAllowingSpecialPadded(std::string_view text, uint32_t* ids) const;

  uint64_t codebook_id() const;
  size_t vocab_size() const;

 private:
  struct Impl;
  explicit Encoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Where the first window of `text` ends: text.size() if it fits in
// kWindowBytes; otherwise just before the last ' ' or '\n' in the second half
// of the window, or, failing that, at a UTF-8 character start near the limit.
size_t WindowEnd(std::string_view text);

}  // namespace hypertok

#endif  // HYPERTOK_ENCODER_H_
