// The decoder: ids → bytes. Depends on nothing but the codebook: decoding is
// the concatenation of each id's piece bytes, so it is exact by construction.
//
//   Decoder dec(codebook);
//   std::string text;
//   HT_RETURN_IF_ERROR(dec.Decode(ids, &text));
#ifndef HYPERTOK_DECODER_H_
#define HYPERTOK_DECODER_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hypertok/codebook.h"
#include "hypertok/status.h"

namespace hypertok {

class Decoder {
 public:
  explicit Decoder(const Codebook& codebook);

  // Bytes DecodeTo may write past the end of the decoded text.
  static constexpr size_t kSlack = 32;

  // Appends the bytes of ids to *out. An id outside the vocabulary is
  // kDataLoss (naming its position) and leaves *out unchanged.
  Status Decode(std::span<const uint32_t> ids, std::string* out) const;

  // The fast path, in two steps: the decoded length of ids (kDataLoss for an
  // id outside the vocabulary, naming its position counted from
  // first_position — a caller decoding a longer sequence in parts passes
  // where this part starts), then the bytes written to dst, which must have
  // room for that length + kSlack. Returns the end of the text.
  StatusOr<size_t> DecodedSize(std::span<const uint32_t> ids, uint64_t first_position = 0) const;
  char* DecodeTo(std::span<const uint32_t> ids, char* dst) const;

  // For decoding without the length pass: kDataLoss for an id outside the
  // vocabulary, as DecodedSize, but nothing summed. Then DecodeTo may write
  // ids.size() * max_piece_bytes() + kSlack bytes at the most.
  Status CheckIds(std::span<const uint32_t> ids, uint64_t first_position = 0) const;
  size_t max_piece_bytes() const { return max_piece_bytes_; }

  std::string_view PieceBytes(uint32_t id) const {
    return std::string_view(blob_).substr(spans_[id].offset, spans_[id].length);
  }
  uint64_t codebook_id() const { return codebook_id_; }
  size_t vocab_size() const { return spans_.size(); }

 private:
  struct Span {
    uint32_t offset, length;
  };
  std::string blob_;         // all pieces' bytes in id order, then kSlack zeros
  std::vector<Span> spans_;  // where each id's bytes are in blob_
  size_t max_piece_bytes_ = 0;
  uint64_t codebook_id_;
};

}  // namespace hypertok

#endif  // HYPERTOK_DECODER_H_
