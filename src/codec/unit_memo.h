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
//   - Bounded per call too: Find and Insert look at most kMaxProbes slots
//     from a unit's home slot, and an Insert that finds no free one there
//     spends nothing else (no entry, no arena). Text crafted so that many
//     distinct units hash to nearby slots (the hash is fixed, so such text
//     can be computed) would otherwise make every lookup walk one ever longer
//     run of slots: 9.6 MB of 50,000 such units took 19.8 s to encode,
//     against 0.14-0.22 s for 50,000 random units of the same shape; with the
//     bound, 0.40 s.
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
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace hypertok {

// Units are hashed and compared by their first kWideBytes bytes as four
// 64-bit words, zero past the unit's end (and, beyond that, its last 16
// bytes). Where kWideBytes bytes can be read from a unit's start (almost
// every unit of a window: all but its last few bytes), the words are loaded
// whole and masked, so no branch depends on the unit's length: length tests
// were mispredicted on about every other unit of real text.
inline constexpr size_t kWideBytes = 32;

namespace internal {

// kHeadMasks[n][j]: the bytes of word j (bytes 8j..8j+7) that a unit of n
// bytes (n <= kWideBytes) covers, as a mask (little-endian: the first
// bytes are the low ones).
struct HeadMasks {
  uint64_t m[kWideBytes + 1][4];
};
inline constexpr HeadMasks kHeadMasks = [] {
  HeadMasks t{};
  for (size_t n = 0; n <= kWideBytes; ++n)
    for (size_t j = 0; j < 4; ++j) {
      const size_t left = n > 8 * j ? n - 8 * j : 0;
      t.m[n][j] = left >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * left)) - 1;
    }
  return t;
}();

inline uint64_t Load64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// The four words of a unit's first kWideBytes bytes, zero-padded. kWide:
// p[0, kWideBytes) is readable.
struct Words {
  uint64_t w[4];
};
template <bool kWide>
inline Words HeadWords(const char* p, size_t n) {
  Words x;
  if constexpr (kWide) {
    const uint64_t* mask = kHeadMasks.m[n < kWideBytes ? n : kWideBytes];
    for (size_t j = 0; j < 4; ++j) x.w[j] = Load64(p + 8 * j) & mask[j];
  } else {
    char buf[kWideBytes] = {};
    std::memcpy(buf, p, n < kWideBytes ? n : kWideBytes);
    std::memcpy(x.w, buf, kWideBytes);
  }
  return x;
}

// The hash of the unit p[0, n) from its head words x: they, n and (for a
// unit longer than kWideBytes) its last 16 bytes, folded into two words
// whose 128-bit product is folded back into one. (One multiply: the four
// words each multiplied and mixed again took ~30 instructions a unit, a
// tenth of an English book's encode.)
inline uint64_t MixWords(const Words& x, size_t n, const char* p) {
  uint64_t a = x.w[0] ^ std::rotl(x.w[2], 32) ^ 0x9E3779B97F4A7C15ULL;
  uint64_t b = (x.w[1] ^ std::rotl(x.w[3], 32) ^ 0xD6E8FEB86659FD93ULL) + n;
  if (n > kWideBytes) {  // rare: mix in the last 16 bytes too
    a ^= std::rotl(Load64(p + n - 16), 16);
    b ^= std::rotl(Load64(p + n - 8), 48);
  }
  __extension__ using U128 = unsigned __int128;
  const U128 r = static_cast<U128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

}  // namespace internal

// Hash of a unit (see kWideBytes). kWide: p[0, kWideBytes) is readable,
// however short the unit; the value is the same either way. Collisions cost
// only a key compare.
template <bool kWide = false>
inline uint64_t UnitHash(std::string_view u) {
  return internal::MixWords(internal::HeadWords<kWide>(u.data(), u.size()), u.size(), u.data());
}

// a[0..n) == b[0..n), for n >= 1. kWide: a[0, kWideBytes) and b[0,
// kWideBytes) are readable, and a unit of at most kWideBytes compares as
// four masked words without a branch on n.
template <bool kWide = false>
inline bool BytesEqual(const char* a, const char* b, size_t n) {
  using internal::Load64;
  if (kWide && n <= kWideBytes) {
    const uint64_t* mask = internal::kHeadMasks.m[n];
    uint64_t diff = 0;
    for (size_t j = 0; j < 4; ++j) diff |= (Load64(a + 8 * j) ^ Load64(b + 8 * j)) & mask[j];
    return diff == 0;
  }
  if (n >= 8) {
    if (n > 32) return std::memcmp(a, b, n) == 0;
    for (size_t i = 0; i + 8 < n; i += 8)
      if (Load64(a + i) != Load64(b + i)) return false;
    return Load64(a + n - 8) == Load64(b + n - 8);
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
  // The slots Find and Insert look at, from a unit's home slot on; the table
  // has that many slots more past the last home slot, so a probe never wraps.
  // (Filling 2^18 slots to 3/4 with random hashes, 633-745 of the 196,608
  // inserts found no free slot within 32, most of them near the end: a unit
  // turned away is spelled again each time it comes, as when the memo is
  // full.)
  static constexpr size_t kMaxProbes = 32;

  struct Slot {
    std::atomic<uint32_t> tag;  // 0 empty, 1 claimed by an Insert, else TagOf(hash)
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

  // Lookups, on a copy of the table's address, mask and arena: the
  // encoder's loop stores a pointer and two uint32s per unit, after each of
  // which GCC read the memo's fields again (they might have been written);
  // a local Reader's fields cannot be. Valid while the memo lives.
  class Reader {
   public:
    void PrefetchSlot(uint64_t h) const { __builtin_prefetch(&slots_[h & mask_]); }
    // Prefetches the record of the first slot on u's probe path that
    // carries its tag (the usual hit), so the key compare does not wait on
    // memory.
    void PrefetchRecord(uint64_t h) const {
      const Slot& s = slots_[h & mask_];
      if (s.tag.load(std::memory_order_acquire) == TagOf(h)) __builtin_prefetch(arena_ + s.record);
    }

    // Looks u (hash h, 1 <= size <= kMaxKey) up; true and *e on a hit. (A
    // slot's tag 1 — claimed by an Insert, not filled yet, or never if the
    // memo filled meanwhile — matches no unit: tags of units have bit 1
    // set.) kWide: u.data()[0, kWideBytes) is readable (keys in the arena
    // always are: it has that much slack past its last word).
    template <bool kWide = false>
    [[gnu::always_inline]] bool Find(std::string_view u, uint64_t h, Entry* e) const {
      const uint32_t tag = TagOf(h);
      const Slot* p = slots_ + (h & mask_);
      for (size_t left = kMaxProbes;; ++p) {
        const Slot& s = *p;
        const uint32_t t = s.tag.load(std::memory_order_acquire);
        if (t == 0) return false;
        if (t != tag || s.len != u.size()) {
          if (--left == 0) return false;
          continue;
        }
        const uint32_t* rec = arena_ + s.record;
        const uint32_t n = s.n_ids;
        const uint32_t* ids = n == 1 ? &s.first_id : rec + 1;
        const char* key = reinterpret_cast<const char*>(rec + 1 + (n == 1 ? 0 : n));
        if (!BytesEqual<kWide>(key, u.data(), u.size())) {
          if (--left == 0) return false;
          continue;
        }
        *e = {ids, n, rec[0]};
        return true;
      }
    }

   private:
    friend class UnitMemo;
    const Slot* slots_;
    size_t mask_;
    const uint32_t* arena_;
  };
  Reader reader() const {
    Reader r;
    r.slots_ = slots_;
    r.mask_ = mask_;
    r.arena_ = arena_;
    return r;
  }
  // The same on the memo itself (see Reader).
  void PrefetchSlot(uint64_t h) const { reader().PrefetchSlot(h); }
  template <bool kWide = false>
  bool Find(std::string_view u, uint64_t h, Entry* e) const {
    return reader().Find<kWide>(u, h, e);
  }

  // Adds u (hash h) → (ids[0..n_ids), bond_unit), unless the memo is full,
  // no slot within kMaxProbes of u's home slot is free, or the entry does not
  // fit (n_ids > 255, size > kMaxKey).
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
