// A byte buffer for hot paths: grows without zero-filling (the caller
// overwrites what it adds), keeps its capacity when shrunk, and puts large
// sizes on huge pages (see huge_page_allocator.h). The kPadding bytes past
// its end are always readable, and zero, so a scanner may read whole words
// or blocks past the last byte (see Encoder::EncodePadded).
#ifndef HYPERTOK_COMMON_RAW_BUFFER_H_
#define HYPERTOK_COMMON_RAW_BUFFER_H_

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>

#include "common/huge_page_allocator.h"

namespace hypertok {

class RawBuffer {
 public:
  static constexpr size_t kPadding = 64;

  RawBuffer() = default;
  RawBuffer(const RawBuffer&) = delete;
  RawBuffer& operator=(const RawBuffer&) = delete;
  ~RawBuffer() { Free(); }

  char* data() { return data_; }
  std::string_view view() const { return {data_, size_}; }
  size_t size() const { return size_; }
  // Resizes to n bytes, keeping the first min(n, size()) ones; bytes past
  // the old size are unspecified.
  void Resize(size_t n) {
    Grow(n);
    size_ = n;
    std::memset(data_ + n, 0, kPadding);
  }
  // Makes room for n bytes without changing size(), so later Resize calls up
  // to n neither copy nor reallocate. Touches no new memory past size().
  void Reserve(size_t n) {
    Grow(n);
    std::memset(data_ + size_, 0, kPadding);
  }
  // Removes the first n <= size() bytes; the rest move to the front.
  void DropPrefix(size_t n) {
    std::memmove(data_, data_ + n, size_ - n);
    Resize(size_ - n);
  }
  // Makes the buffer hold `bytes` (which must not point into it).
  void Assign(std::string_view bytes) {
    size_ = 0;
    Resize(bytes.size());
    if (!bytes.empty()) std::memcpy(data_, bytes.data(), bytes.size());
  }

 private:
  // Capacity for n bytes (and the padding past them), keeping the contents.
  void Grow(size_t n) {
    if (n <= cap_ && data_ != nullptr) return;
    const size_t cap = std::max(n, cap_ * 2);
    char* bigger = HugePageAllocator<char>().allocate(cap + kPadding);
    if (size_) std::memcpy(bigger, data_, size_);
    Free();
    data_ = bigger;
    cap_ = cap;
  }
  void Free() {
    if (data_) HugePageAllocator<char>().deallocate(data_, cap_ + kPadding);
  }
  char* data_ = nullptr;
  size_t size_ = 0, cap_ = 0;
};

}  // namespace hypertok

#endif  // HYPERTOK_COMMON_RAW_BUFFER_H_
