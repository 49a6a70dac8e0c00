// An allocator for large, randomly accessed tables (the encoder's unit cache,
// symbol tries, a codebook's pieces). Blocks of kMinHugeBytes (2 MiB unless
// told) and more are 2 MiB-aligned, rounded up to whole 2 MiB and marked
// MADV_HUGEPAGE, so a table costs one page fault per 2 MiB instead of one per
// 4 KiB and far fewer TLB misses — on virtual machines page faults are most
// of the start-up time. Smaller blocks come from operator new.
#ifndef HYPERTOK_COMMON_HUGE_PAGE_ALLOCATOR_H_
#define HYPERTOK_COMMON_HUGE_PAGE_ALLOCATOR_H_

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>

namespace hypertok {

// The size (and alignment) of a transparent huge page on x86-64: the kernel
// backs only whole, aligned ranges of this size with one.
inline constexpr size_t kHugePageBytes = size_t{2} << 20;

template <typename T, size_t kMinHugeBytes = kHugePageBytes>
struct HugePageAllocator {
  using value_type = T;
  static constexpr size_t kHuge = kHugePageBytes;
  static_assert(kMinHugeBytes > 0 && kMinHugeBytes <= kHuge);
  template <typename U>
  struct rebind {  // (allocator_traits cannot rebind past the size parameter by itself)
    using other = HugePageAllocator<U, kMinHugeBytes>;
  };

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U, kMinHugeBytes>&) {}  // NOLINT: rebinding

  T* allocate(size_t n) {
    // (Also tells the compiler the rounding below cannot overflow.)
    if (n > static_cast<size_t>(PTRDIFF_MAX) / sizeof(T) - kHuge) throw std::bad_array_new_length();
    const size_t bytes = n * sizeof(T);
    if (bytes < kMinHugeBytes)
      return static_cast<T*>(::operator new (bytes, std::align_val_t{alignof(T)}));
    const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
    void* p = std::aligned_alloc(kHuge, rounded);
    if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kMinHugeBytes) {
      ::operator delete (p, std::align_val_t{alignof(T)});
    } else {
      std::free(p);
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U, kMinHugeBytes>&) const {
    return true;
  }
};

// An array of n T, left uninitialized, from HugePageAllocator: for scratch
// arrays that are written before they are read and may be touched only in
// part. (From jemalloc, a 4 MiB array lands wherever the arena has room, often
// starting in a range already split into 4 KiB pages, each faulted in on
// its own.)
template <typename T>
struct HugeArrayDeleter {
  size_t n = 0;
  void operator()(T* p) const { HugePageAllocator<T>().deallocate(p, n); }
};
template <typename T>
using HugeArray = std::unique_ptr<T[], HugeArrayDeleter<T>>;
template <typename T>
HugeArray<T> MakeHugeArray(size_t n) {
  static_assert(std::is_trivially_default_constructible_v<T> &&
                std::is_trivially_destructible_v<T>);
  return HugeArray<T>(HugePageAllocator<T>().allocate(n), HugeArrayDeleter<T>{n});
}

}  // namespace hypertok

#endif  // HYPERTOK_COMMON_HUGE_PAGE_ALLOCATOR_H_
