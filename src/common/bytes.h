// Little-endian byte writer and bounds-checked reader shared by every binary
// format (codebook, stream). A reader never reads past its end: every Read*
// returns false instead, and the caller turns that into a DataLoss status
// naming the field.
#ifndef HYPERTOK_COMMON_BYTES_H_
#define HYPERTOK_COMMON_BYTES_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace hypertok {

class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}

  void U8(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void U16(uint16_t v) { Fixed(v, 2); }
  void U32(uint32_t v) { Fixed(v, 4); }
  void U64(uint64_t v) { Fixed(v, 8); }
  // LEB128: 7 bits per byte, low group first, high bit = more follows.
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<char>(v));
  }
  void Bytes(std::string_view b) { out_->append(b); }
  // Varint length, then the bytes.
  void LengthPrefixed(std::string_view b) {
    Varint(b.size());
    Bytes(b);
  }
  size_t size() const { return out_->size(); }

 private:
  void Fixed(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_->push_back(static_cast<char>(v >> (8 * i)));
  }
  std::string* out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool empty() const { return pos_ == data_.size(); }

  bool U8(uint8_t* v) { return Fixed(v, 1); }
  bool U16(uint16_t* v) { return Fixed(v, 2); }
  bool U32(uint32_t* v) { return Fixed(v, 4); }
  bool U64(uint64_t* v) { return Fixed(v, 8); }
  // Rejects encodings longer than 10 bytes or overflowing 64 bits.
  bool Varint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      uint8_t b = static_cast<uint8_t>(data_[pos_++]);
      if (shift == 63 && b > 1) return false;
      result |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) {
        *v = result;
        return true;
      }
    }
    return false;
  }
  bool Bytes(size_t n, std::string_view* out) {
    if (n > remaining()) return false;
    *out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  // Varint length (at most max_len), then that many bytes.
  bool LengthPrefixed(size_t max_len, std::string_view* out) {
    uint64_t n;
    if (!Varint(&n) || n > max_len) return false;
    return Bytes(static_cast<size_t>(n), out);
  }

 private:
  template <typename T>
  bool Fixed(T* v, int n) {
    if (remaining() < static_cast<size_t>(n)) return false;
    uint64_t r = 0;
    for (int i = 0; i < n; ++i)
      r |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
    pos_ += n;
    *v = static_cast<T>(r);
    return true;
  }
  std::string_view data_;
  size_t pos_ = 0;
};

// Reads a little-endian integer at p (which must have n bytes).
inline uint64_t LoadLE(const char* p, int n) {
  uint64_t r = 0;
  for (int i = 0; i < n; ++i)
    r |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return r;
}

}  // namespace hypertok

#endif  // HYPERTOK_COMMON_BYTES_H_
