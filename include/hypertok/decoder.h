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

  // Appends the bytes of ids to *out. An id outside the vocabulary is
  // kDataLoss (naming its position) and leaves *out unchanged.
  Status Decode(std::span<const uint32_t> ids, std::string* out) const;

  std::string_view PieceBytes(uint32_t id) const {
    return std::string_view(blob_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }
  uint64_t codebook_id() const { return codebook_id_; }
  size_t vocab_size() const { return offsets_.size() - 1; }

 private:
  std::string blob_;               // all pieces' bytes, in id order
  std::vector<uint32_t> offsets_;  // piece id's bytes are blob_[offsets_[id], offsets_[id+1])
  uint64_t codebook_id_;
};

}  // namespace hypertok

#endif  // HYPERTOK_DECODER_H_
