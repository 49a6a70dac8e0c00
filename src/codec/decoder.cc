#include "hypertok/decoder.h"

#include <algorithm>
#include <cstring>

namespace hypertok {

Decoder::Decoder(const Codebook& codebook) : codebook_id_(codebook.id()) {
  spans_.reserve(codebook.size());
  for (const Piece& p : codebook.pieces()) {
    spans_.push_back({static_cast<uint32_t>(blob_.size()), static_cast<uint32_t>(p.bytes.size())});
    blob_ += p.bytes;
    max_piece_bytes_ = std::max(max_piece_bytes_, p.bytes.size());
  }
  blob_.append(kSlack, '\0');  // so short pieces can be copied with fixed-size moves
}

namespace {

// kDataLoss naming the first id of ids at or past n.
Status OutsideVocabulary(std::span<const uint32_t> ids, uint64_t first_position, uint32_t n) {
  for (size_t i = 0; i < ids.size(); ++i)
    HT_CHECK_OR_RETURN(ids[i] < n, DataLoss) << "token " << first_position + i << " has id "
                                             << ids[i] << ", outside the vocabulary of " << n;
  return OkStatus();
}

}  // namespace

StatusOr<size_t> Decoder::DecodedSize(std::span<const uint32_t> ids,
                                      uint64_t first_position) const {
  const uint32_t n = static_cast<uint32_t>(spans_.size());
  const Span* spans = spans_.data();
  size_t total = 0;
  uint32_t max_id = 0;
  for (uint32_t id : ids) {
    max_id = std::max(max_id, id);
    total += id < n ? spans[id].length : 0;
  }
  if (max_id >= n && !ids.empty()) HT_RETURN_IF_ERROR(OutsideVocabulary(ids, first_position, n));
  return total;
}

Status Decoder::CheckIds(std::span<const uint32_t> ids, uint64_t first_position) const {
  const uint32_t n = static_cast<uint32_t>(spans_.size());
  uint32_t max_id = 0;
  for (uint32_t id : ids) max_id = std::max(max_id, id);  // (vectorized: no branch per id)
  if (max_id >= n && !ids.empty()) return OutsideVocabulary(ids, first_position, n);
  return OkStatus();
}

char* Decoder::DecodeTo(std::span<const uint32_t> ids, char* dst) const {
  const char* src = blob_.data();
  const Span* spans = spans_.data();
  for (uint32_t id : ids) {
    const Span s = spans[id];
    const char* from = src + s.offset;
    // Most pieces are short: copy a fixed 16 or 32 bytes (blob_ and dst
    // have the slack) and advance by the true length.
    if (s.length <= 16) {
      std::memcpy(dst, from, 16);
    } else if (s.length <= 32) {
      std::memcpy(dst, from, 32);
    } else {
      std::memcpy(dst, from, s.length);
    }
    dst += s.length;
  }
  return dst;
}

Status Decoder::Decode(std::span<const uint32_t> ids, std::string* out) const {
  HT_ASSIGN_OR_RETURN(size_t total, DecodedSize(ids));
  const size_t at = out->size();
  out->resize(at + total + kSlack);
  DecodeTo(ids, out->data() + at);
  out->resize(at + total);
  return OkStatus();
}

}  // namespace hypertok
