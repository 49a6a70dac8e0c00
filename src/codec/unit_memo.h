// The encoder's memo: unit bytes → (its fewest-token spelling, its bond-unit
// id), shared by every thread that encodes with one Encoder.
//
// Contract:
//   - Insert-only and lock-free: Find never blocks, Insert publishes an entry
//     with one release store, and a reader sees an entry whole or not at all.
//     Two threads may insert the same unit; both entries hold the same value
//     (the encoder's result depends on the unit alone), so it does not matter
//     which one a later Find returns.
//   - Bounded: the slot table has a fixed capacity and the record arena a
//     fixed size, both reserved up front as address space and touched only as
//     used. When either is full, Insert does nothing: the caller computes the
//     unit again next time, so results never depend on what was memoized.
//
// Layout. A slot (16 bytes) holds a tag from the unit's hash, the unit's
// length, its number of ids, its first id and the offset of its record; the
// record, in an append-only arena, holds the bond-unit id, the ids (when more
// than one) and the unit's bytes. Small slots keep the table's memory — and
// on this class of machine its page faults — a quarter of what a slot with the
// key inline would cost; a hit reads the slot and then the record, and the
// encoder prefetches both ahead of use.
#ifndef HYPERTOK_CODEC_UNIT_MEMO_H_
#define HYPERTOK_CODEC_UNIT_MEMO_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace hypertok {

// Hash of a unit: its first and last 8 bytes (or all of it) and its length,
// mixed. Collisions cost only a key compare.
inline uint64_t UnitHash(std::string_view u) {
  const char* p = u.data();
  const size_t n = u.size();
  uint64_t a, b = n;
  // Fixed-size, possibly overlapping loads: a variable-length copy into a
  // word costs a call and a store-forwarding stall, on most units.
  if (n >= 8) {
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t x, y;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    a = uint64_t{y} << 32 | x;
  } else if (n > 0) {
    a = uint64_t{static_cast<uint8_t>(p[0])} | uint64_t{static_cast<uint8_t>(p[n / 2])} << 8 |
        uint64_t{static_cast<uint8_t>(p[n - 1])} << 16;
  } else {
    a = 0;
  }
  uint64_t h = (a ^ 0x9E3779B97F4A7C15ULL) * 0xBF58476D1CE4E5B9ULL;
  h ^= (b + n) * 0x94D049BB133111EBULL;
  h ^= h >> 31;
  h *= 0xD6E8FEB86659FD93ULL;
  return h ^ (h >> 32);
}

// a[0..n) == b[0..n), for n >= 1, reading only those bytes: short keys
// compare as a few (overlapping) 8- or 4-byte words instead of a call.
inline bool BytesEqual(const char* a, const char* b, size_t n) {
  auto load64 = [](const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  };
  if (n >= 8) {
    if (n > 32) return std::memcmp(a, b, n) == 0;
    for (size_t i = 0; i + 8 < n; i += 8)
      if (load64(a + i) != load64(b + i)) return false;
    return load64(a + n - 8) == load64(b + n - 8);
  }
  if (n >= 4) {
    uint32_t x, y, z, w;
    std::memcpy(&x, a, 4);
    std::memcpy(&y, b, 4);
    std::memcpy(&z, a + n - 4, 4);
    std::memcpy(&w, b + n - 4, 4);
    return x == y && z == w;
  }
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// Address space reserved with mmap and released on destruction; pages are
// zero until written and cost nothing until touched.
class ReservedRegion {
 public:
  ReservedRegion() = default;
  explicit ReservedRegion(size_t bytes, bool huge_pages);
  ReservedRegion(const ReservedRegion&) = delete;
  ReservedRegion& operator=(const ReservedRegion&) = delete;
  ~ReservedRegion();
  void* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

class UnitMemo {
 public:
  static constexpr size_t kMaxKey = 255;  // longer units are not memoized

  struct Slot {
    std::atomic<uint32_t> tag;  // 0 empty, 1 being written, else TagOf(hash)
    uint32_t record;            // offset of the record in the arena (uint32 units)
    uint32_t first_id;
    uint8_t len;
    uint8_t n_ids;  // 1..255
    uint16_t unused;
  };
  static_assert(sizeof(Slot) == 16);

  // A found entry. ids points at n_ids ids and stays valid as long as the
  // memo lives.
  struct Entry {
    const uint32_t* ids;
    uint32_t n_ids;
    uint32_t bond_unit;
  };

  // slot_bits: log2 of the slot count; arena_words: record space, in uint32s.
  UnitMemo(int slot_bits, size_t arena_words);

  void PrefetchSlot(uint64_t h) const { __builtin_prefetch(&slots_[h & mask_]); }
  // Prefetches the record of the first slot on u's probe path that carries
  // its tag (the usual hit), so the key compare does not wait on memory.
  void PrefetchRecord(uint64_t h) const {
    const Slot& s = slots_[h & mask_];
    if (s.tag.load(std::memory_order_acquire) == TagOf(h)) __builtin_prefetch(arena_ + s.record);
  }

  // Looks u (hash h, 1 <= size <= kMaxKey) up; true and *e on a hit.
  bool Find(std::string_view u, uint64_t h, Entry* e) const {
    const uint32_t tag = TagOf(h);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      const uint32_t t = s.tag.load(std::memory_order_acquire);
      if (t == 0) return false;
      if (t != tag || s.len != u.size()) continue;
      const uint32_t* rec = arena_ + s.record;
      const uint32_t n = s.n_ids;
      const uint32_t* ids = n == 1 ? &s.first_id : rec + 1;
      const char* key = reinterpret_cast<const char*>(rec + 1 + (n == 1 ? 0 : n));
      if (!BytesEqual(key, u.data(), u.size())) continue;
      *e = {ids, n, rec[0]};
      return true;
    }
  }

  // Adds u (hash h) → (ids[0..n_ids), bond_unit), unless the memo is full
  // or the entry does not fit (n_ids > 255, size > kMaxKey).
  void Insert(std::string_view u, uint64_t h, const uint32_t* ids, size_t n_ids,
              uint32_t bond_unit);

 private:
  // Threads claim entries and arena space in chunks, and insert within their
  // own claim, so two threads segmenting at once do not bounce one counter's
  // cache line (or each other's records) between cores on every insert.
  static constexpr size_t kEntryChunk = 64;
  static constexpr size_t kArenaChunk = 4096;  // words; > the largest record
  struct Claim {
    uint64_t memo = 0;  // serial_ of the memo this claim is in
    size_t entries = 0;
    size_t at = 0, end = 0;
  };

  static uint32_t TagOf(uint64_t h) { return static_cast<uint32_t>(h >> 32) | 2u; }

  ReservedRegion slot_region_, arena_region_;
  Slot* slots_ = nullptr;
  size_t mask_ = 0;
  size_t max_used_ = 0;
  uint32_t* arena_ = nullptr;
  size_t arena_words_ = 0;
  std::atomic<size_t> used_{0};        // entries claimed
  std::atomic<size_t> arena_used_{0};  // arena words claimed
  uint64_t serial_;                    // unique per memo, for Claim
};

}  // namespace hypertok

#endif  // HYPERTOK_CODEC_UNIT_MEMO_H_
