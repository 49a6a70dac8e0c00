#include "hypertok/decoder.h"

#include <cstring>

namespace hypertok {

Decoder::Decoder(const Codebook& codebook) : codebook_id_(codebook.id()) {
  offsets_.reserve(codebook.size() + 1);
  offsets_.push_back(0);
  for (const Piece& p : codebook.pieces()) {
    blob_ += p.bytes;
    offsets_.push_back(static_cast<uint32_t>(blob_.size()));
  }
}

Status Decoder::Decode(std::span<const uint32_t> ids, std::string* out) const {
  const uint32_t n = static_cast<uint32_t>(vocab_size());
  size_t total = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    HT_CHECK_OR_RETURN(ids[i] < n, DataLoss)
        << "token " << i << " has id " << ids[i] << ", outside the vocabulary of " << n;
    total += offsets_[ids[i] + 1] - offsets_[ids[i]];
  }
  size_t at = out->size();
  out->resize(at + total);
  char* dst = out->data() + at;
  const char* src = blob_.data();
  for (uint32_t id : ids) {
    uint32_t b = offsets_[id], len = offsets_[id + 1] - b;
    std::memcpy(dst, src + b, len);
    dst += len;
  }
  return OkStatus();
}

}  // namespace hypertok
