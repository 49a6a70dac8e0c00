#include "codec/unit_memo.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <new>

#include "common/huge_page_allocator.h"

namespace hypertok {

ReservedRegion::ReservedRegion(size_t bytes, bool huge_pages) : size_(bytes) {
  // For huge pages the region starts on a 2 MiB boundary: the kernel backs
  // only whole aligned 2 MiB ranges with a huge page, and an unaligned 4 MiB
  // table would take half its faults 4 KiB at a time (~500 faults, several
  // ms on a VM). So reserve 2 MiB more and give back what precedes the first
  // boundary and what follows the region.
  const size_t extra = huge_pages ? kHugePageBytes : 0;
  void* p = mmap(nullptr, bytes + extra, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  char* start = static_cast<char*>(p);
  if (huge_pages) {
    const size_t head = (kHugePageBytes - reinterpret_cast<uintptr_t>(p) % kHugePageBytes) %
                        kHugePageBytes;  // bytes before the first boundary
    if (head > 0) munmap(start, head);
    if (extra - head > 0) munmap(start + head + bytes, extra - head);
    start += head;
#ifdef MADV_HUGEPAGE
    madvise(start, bytes, MADV_HUGEPAGE);
#endif
  }
  data_ = start;
}

ReservedRegion::~ReservedRegion() {
  if (data_) munmap(data_, size_);
}

UnitMemo::UnitMemo(int slot_bits, size_t arena_words)
    : slot_region_((sizeof(Slot) << slot_bits) + kMaxProbes * sizeof(Slot), /*huge_pages=*/true),
      // (+ a page, so a key's kWideBytes-byte read never leaves the region)
      arena_region_(arena_words * sizeof(uint32_t) + 4096, /*huge_pages=*/true) {
  // Zero pages are empty slots (tag 0), so the table needs no initialization.
  slots_ = static_cast<Slot*>(slot_region_.data());
  mask_ = (size_t{1} << slot_bits) - 1;
  max_used_ = (size_t{3} << slot_bits) / 4;
  arena_ = static_cast<uint32_t*>(arena_region_.data());
  arena_words_ = arena_words;
  static std::atomic<uint64_t> next_serial{1};
  serial_ = next_serial.fetch_add(1, std::memory_order_relaxed);
}

void UnitMemo::Insert(std::string_view u, uint64_t h, const uint32_t* ids, size_t n_ids,
                      uint32_t bond_unit) {
  if (u.empty() || u.size() > kMaxKey || n_ids == 0 || n_ids > 255) return;
  static_assert(kArenaChunk >= 1 + 255 + (kMaxKey + 3) / 4);
  // A thread keeps claims in a few memos at once (several encoders in one
  // process), so switching between them does not give up claimed space.
  thread_local Claim claims[4];
  thread_local size_t next_victim = 0;
  Claim* found = nullptr;
  for (Claim& c : claims)
    if (c.memo == serial_) found = &c;
  if (found == nullptr) {
    found = &claims[next_victim++ % 4];
    *found = Claim{serial_};
  }
  Claim& claim = *found;
  const size_t words = 1 + (n_ids == 1 ? 0 : n_ids) + (u.size() + 3) / 4;
  // Full (the counters only grow): nothing to probe for.
  if (claim.entries == 0 && used_.load(std::memory_order_relaxed) >= max_used_) return;
  if (claim.end - claim.at < words && arena_used_.load(std::memory_order_relaxed) >= arena_words_)
    return;
  // A free slot near u's home slot, claimed (tag 1) before any entry or
  // arena space is spent, so that a unit turned away by a run of taken
  // slots costs nothing but its probes.
  Slot* slot = nullptr;
  Slot* const home = slots_ + (h & mask_);
  for (Slot* p = home; p != home + kMaxProbes; ++p) {
    Slot& s = *p;
    uint32_t expected = 0;
    if (s.tag.load(std::memory_order_relaxed) == 0 &&
        s.tag.compare_exchange_strong(expected, 1, std::memory_order_acquire)) {
      slot = &s;
      break;
    }
  }
  if (slot == nullptr) return;
  // (Should the memo fill between the checks above and here — another
  // thread took the last entries or words — the claimed slot stays at tag 1
  // for good: Find passes over it. At most one such slot per thread.)
  if (claim.entries == 0) {
    const size_t got = used_.fetch_add(kEntryChunk, std::memory_order_relaxed);
    if (got >= max_used_) return;
    claim.entries = std::min(kEntryChunk, max_used_ - got);
  }
  if (claim.end - claim.at < words) {
    const size_t got = arena_used_.fetch_add(kArenaChunk, std::memory_order_relaxed);
    if (got >= arena_words_) return;
    claim.at = got;
    claim.end = std::min(got + kArenaChunk, arena_words_);
    if (claim.end - claim.at < words) return;  // the arena's last words: too few
  }
  --claim.entries;
  const size_t at = claim.at;
  claim.at += words;
  uint32_t* rec = arena_ + at;
  rec[0] = bond_unit;
  if (n_ids > 1) std::memcpy(rec + 1, ids, n_ids * sizeof(uint32_t));
  std::memcpy(rec + 1 + (n_ids == 1 ? 0 : n_ids), u.data(), u.size());
  slot->record = static_cast<uint32_t>(at);
  slot->first_id = ids[0];
  slot->len = static_cast<uint8_t>(u.size());
  slot->n_ids = static_cast<uint8_t>(n_ids);
  slot->tag.store(TagOf(h), std::memory_order_release);
}

}  // namespace hypertok
