// Two-level minimum-token segmentation.
//
// Pieces are of two kinds, decided once from their bytes: a piece that the
// pre-tokenizer reads as one unit may be used inside a unit; a piece that it
// reads as several units (a hyperbond) may be used where the text has
// exactly those units. Each window is cut into units, then:
//   1. every unit gets its fewest-token spelling with the single-unit pieces —
//      a right-to-left DP over a byte trie, ties to the longest first piece —
//      memoized per thread, so each distinct unit is segmented once;
//   2. the unit sequence gets its fewest tokens by a right-to-left DP whose
//      steps are "a unit's own spelling" or "one multi-unit piece" (matched
//      in a trie over unit ids); ties go to the multi-unit piece, then to the
//      longer one.
// This is the same objective the codebook builder minimizes, and it makes
// the work per byte a hash lookup for almost every unit of real text.
#include "hypertok/encoder.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "codec/byte_trie.h"
#include "codec/pretokenizer.h"
#include "common/huge_page_allocator.h"

namespace hypertok {

namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;

// Open addressing over 64-bit keys, for the unit-id trie's edges.
class EdgeMap {
 public:
  void Build(const std::vector<std::pair<uint64_t, uint32_t>>& edges) {
    size_t cap = 16;
    while (cap < edges.size() * 2) cap *= 2;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    for (const auto& [k, v] : edges) {
      size_t s = Mix(k) & mask_;
      while (slots_[s].key != kEmpty) s = (s + 1) & mask_;
      slots_[s] = {k, v};
    }
  }
  void Prefetch(uint32_t node, uint32_t unit) const {
    __builtin_prefetch(&slots_[Mix(uint64_t{node} << 32 | unit) & mask_]);
  }
  // The node reached from `node` by unit id `unit`, or 0.
  uint32_t Find(uint32_t node, uint32_t unit) const {
    const uint64_t key = uint64_t{node} << 32 | unit;
    for (size_t s = Mix(key) & mask_;; s = (s + 1) & mask_) {
      if (slots_[s].key == key) return slots_[s].value;
      if (slots_[s].key == kEmpty) return 0;
    }
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static uint64_t Mix(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
  }
  struct Slot {
    uint64_t key = kEmpty;
    uint64_t value = 0;
  };
  std::vector<Slot> slots_{Slot{}};
  size_t mask_ = 0;
};

}  // namespace

namespace internal {

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Hash of a unit of 1..48 bytes: its first and last 8 bytes (or all of it)
// and its length, mixed. Collisions only cost a key compare.
inline uint64_t UnitHash(std::string_view u) {
  const char* p = u.data();
  const size_t n = u.size();
  uint64_t a = 0, b = n;
  if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else {
    std::memcpy(&a, p, n);
  }
  uint64_t h = (a ^ 0x9E3779B97F4A7C15ULL) * 0xBF58476D1CE4E5B9ULL;
  h ^= (b + n) * 0x94D049BB133111EBULL;
  h ^= h >> 31;
  h *= 0xD6E8FEB86659FD93ULL;
  return h ^ (h >> 32);
}

// Memo of unit → (ids, unit id) for one encoder. A slot is one cache line
// holding the unit's bytes, so a hit costs one memory access. Grows by
// doubling up to kMaxSlots, then starts over empty when 3/4 full: memory is
// bounded (32 MiB) and results never depend on what is cached.
class UnitCache {
 public:
  static constexpr size_t kMaxKey = 48;  // longer units are not memoized

  struct alignas(64) Slot {
    uint32_t check = 0;
    uint8_t key_len = 0;  // 0 = empty (units are never empty)
    uint8_t n_ids = 0;
    uint16_t unused = 0;
    uint32_t bond_unit = kNone;
    uint32_t payload = 0;  // the id if n_ids == 1, else offset into ids_
    char key[kMaxKey];
  };
  static_assert(sizeof(Slot) == 64);

  UnitCache() : slots_(kInitialSlots) {}

  void Prefetch(uint64_t h) const { __builtin_prefetch(&slots_[h & (slots_.size() - 1)]); }
  // The slot holding u (hash h), or null.
  const Slot* Find(std::string_view u, uint64_t h) const {
    const size_t mask = slots_.size() - 1;
    const uint32_t check = static_cast<uint32_t>(h >> 32);
    for (size_t s = h & mask;; s = (s + 1) & mask) {
      const Slot& slot = slots_[s];
      if (slot.key_len == 0) return nullptr;
      if (slot.check == check && slot.key_len == u.size() &&
          std::memcmp(slot.key, u.data(), u.size()) == 0)
        return &slot;
    }
  }
  const uint32_t* ids(const Slot& slot) const {
    return slot.n_ids == 1 ? &slot.payload : ids_.data() + slot.payload;
  }

  void Insert(std::string_view u, uint64_t h, const uint32_t* ids, size_t n_ids,
              uint32_t bond_unit) {
    if (used_ + 1 > slots_.size() / 4 * 3) {
      if (slots_.size() < kMaxSlots) {
        Grow();
      } else {
        slots_.assign(slots_.size(), Slot{});
        ids_.clear();
        used_ = 0;
      }
    }
    Slot slot;
    slot.check = static_cast<uint32_t>(h >> 32);
    slot.key_len = static_cast<uint8_t>(u.size());
    slot.n_ids = static_cast<uint8_t>(n_ids);
    slot.bond_unit = bond_unit;
    std::memcpy(slot.key, u.data(), u.size());
    if (n_ids == 1) {
      slot.payload = ids[0];
    } else {
      slot.payload = static_cast<uint32_t>(ids_.size());
      ids_.insert(ids_.end(), ids, ids + n_ids);
    }
    Place(slot, h);
    ++used_;
  }

 private:
  static constexpr size_t kInitialSlots = size_t{1} << 16;
  static constexpr size_t kMaxSlots = size_t{1} << 19;

  void Place(const Slot& slot, uint64_t h) {
    const size_t mask = slots_.size() - 1;
    size_t s = h & mask;
    while (slots_[s].key_len != 0) s = (s + 1) & mask;
    slots_[s] = slot;
  }
  void Grow() {
    std::vector<Slot, HugePageAllocator<Slot>> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& slot : old)
      if (slot.key_len != 0) Place(slot, UnitHash(std::string_view(slot.key, slot.key_len)));
  }

  size_t used_ = 0;
  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  std::vector<uint32_t> ids_;  // spellings of more than one token
};

}  // namespace internal

using internal::UnitCache;
using internal::UnitHash;

struct Encoder::Impl {
  ByteTrie trie;  // every normal piece → id
  // Multi-unit pieces: units that occur in them get ids ("bond units");
  // edges (node, unit id) → node; node_piece[node] is the piece ending there;
  // root_child[unit id] is edges.Find(0, unit id).
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> bond_units;
  EdgeMap edges;
  std::vector<uint32_t> node_piece{kNone};
  std::vector<uint32_t> root_child;
  uint32_t byte_bond_unit[256];  // bond unit of each one-byte unit
  bool has_bonds = false;
  // Special tokens, longest first, and which bytes start one.
  std::vector<std::pair<std::string, uint32_t>> specials;
  bool special_first[256] = {};
  uint64_t codebook_id = 0;
  size_t vocab_size = 0;
  // Unit caches not in use; Encode takes one for the whole call, so threads
  // never share one and a long-lived encoder keeps them warm.
  mutable std::mutex pool_mu;
  mutable std::vector<std::unique_ptr<UnitCache>> pool;

  void Build(const Codebook& cb);
  // Fewest tokens for one unit with the trie; appends the ids.
  void SegmentUnit(std::string_view unit, std::vector<uint32_t>* ids) const;
  uint32_t BondUnit(std::string_view unit) const {
    // Most units are in no multi-unit piece; a one-bit-per-hash filter
    // answers those without the map.
    const uint64_t h = UnitHash(unit) & (kBondFilterBits - 1);
    if (!(bond_filter[h >> 6] >> (h & 63) & 1)) return kNone;
    auto it = bond_units.find(unit);
    return it == bond_units.end() ? kNone : it->second;
  }
  static constexpr uint64_t kBondFilterBits = uint64_t{1} << 20;
  std::vector<uint64_t> bond_filter = std::vector<uint64_t>(kBondFilterBits / 64);
  // Every single-unit piece, spelled by itself: what SegmentUnit would find
  // (one token, the longest first piece), so new caches start from it.
  UnitCache seed_cache;
  void EncodeWindow(std::string_view text, UnitCache* cache,
                    std::vector<uint32_t>* ids) const;
};

void Encoder::Impl::Build(const Codebook& cb) {
  codebook_id = cb.id();
  vocab_size = cb.size();
  std::vector<uint32_t> order;
  for (uint32_t id = 256; id < cb.size(); ++id)
    if (cb.piece(id).kind == PieceKind::kNormal) order.push_back(id);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return cb.piece(a).bytes < cb.piece(b).bytes;
  });
  std::vector<std::string_view> keys;
  for (uint32_t id : order) keys.push_back(cb.piece(id).bytes);
  trie = ByteTrie::Build(keys, order);
  for (uint32_t id : cb.special_ids()) {
    specials.emplace_back(cb.piece(id).bytes, id);
    special_first[static_cast<uint8_t>(cb.piece(id).bytes[0])] = true;
  }
  std::stable_sort(specials.begin(), specials.end(), [](const auto& a, const auto& b) {
    return a.first.size() > b.first.size();
  });

  // Multi-unit pieces, in id order so unit ids do not depend on hashing.
  std::unordered_map<uint64_t, uint32_t> edge_index;
  std::vector<std::pair<uint64_t, uint32_t>> edge_list;
  std::vector<std::string_view> units;
  for (uint32_t id = 256; id < cb.size(); ++id) {
    if (cb.piece(id).kind != PieceKind::kNormal) continue;
    units.clear();
    ForEachUnit(cb.piece(id).bytes, [&](std::string_view u) { units.push_back(u); });
    if (units.size() < 2) continue;
    uint32_t node = 0;
    for (std::string_view u : units) {
      auto [uit, unew] =
          bond_units.try_emplace(std::string(u), static_cast<uint32_t>(bond_units.size()));
      const uint64_t key = uint64_t{node} << 32 | uit->second;
      auto [eit, enew] = edge_index.try_emplace(key, static_cast<uint32_t>(node_piece.size()));
      if (enew) {
        node_piece.push_back(kNone);
        edge_list.emplace_back(key, eit->second);
      }
      node = eit->second;
    }
    node_piece[node] = id;  // pieces are unique, so each node ends at most one
  }
  edges.Build(edge_list);
  for (const auto& [u, id] : bond_units) {
    const uint64_t h = UnitHash(u) & (kBondFilterBits - 1);
    bond_filter[h >> 6] |= uint64_t{1} << (h & 63);
  }
  for (uint32_t id : order) {
    const std::string_view p = cb.piece(id).bytes;
    if (p.size() > UnitCache::kMaxKey) continue;
    size_t n_units = 0;
    ForEachUnit(p, [&](std::string_view) { ++n_units; });
    if (n_units == 1) seed_cache.Insert(p, UnitHash(p), &id, 1, BondUnit(p));
  }
  root_child.assign(bond_units.size(), 0);
  for (uint32_t u = 0; u < bond_units.size(); ++u) root_child[u] = edges.Find(0, u);
  for (int b = 0; b < 256; ++b) byte_bond_unit[b] = BondUnit(std::string(1, static_cast<char>(b)));
  has_bonds = !edge_list.empty();
}

void Encoder::Impl::SegmentUnit(std::string_view unit, std::vector<uint32_t>* ids) const {
  const size_t n = unit.size();
  thread_local std::vector<uint32_t> cost, choice_id, choice_len;
  cost.assign(n + 1, 0);
  choice_id.resize(n);
  choice_len.resize(n);
  const uint8_t* s = reinterpret_cast<const uint8_t*>(unit.data());
  for (size_t i = n; i-- > 0;) {
    uint32_t best = cost[i + 1] + 1;
    uint32_t best_id = s[i];
    uint32_t best_len = 1;
    uint32_t node = trie.Root(s[i]);
    size_t j = i + 1;
    while (node != 0) {
      uint32_t piece = trie.Value(node);
      if (piece != ByteTrie::kNoValue && cost[j] + 1 <= best) {
        best = cost[j] + 1;
        best_id = piece;
        best_len = static_cast<uint32_t>(j - i);
      }
      if (j == n) break;
      node = trie.Child(node, s[j]);
      ++j;
    }
    cost[i] = best;
    choice_id[i] = best_id;
    choice_len[i] = best_len;
  }
  for (size_t i = 0; i < n; i += choice_len[i]) ids->push_back(choice_id[i]);
}

void Encoder::Impl::EncodeWindow(std::string_view text, UnitCache* cache,
                                 std::vector<uint32_t>* out) const {
  // A unit's spelling: one id inline, or n_ids ids at `at` in extra_ids.
  struct Unit {
    uint32_t id_or_at, n_ids, bond_unit;
  };
  thread_local std::vector<Unit> units;
  thread_local std::vector<uint32_t> extra_ids;
  units.clear();
  extra_ids.clear();
  auto add_segmented = [&](std::string_view u, uint32_t bond_unit) -> const uint32_t* {
    const size_t at = extra_ids.size();
    SegmentUnit(u, &extra_ids);
    const uint32_t n = static_cast<uint32_t>(extra_ids.size() - at);
    if (n == 1) {
      units.push_back({extra_ids.back(), 1, bond_unit});
      extra_ids.pop_back();
      return &units.back().id_or_at;
    }
    units.push_back({static_cast<uint32_t>(at), n, bond_unit});
    return extra_ids.data() + at;
  };

  // Pass 1 cuts the window into units and hashes them; pass 2 looks them up,
  // prefetching the cache slot a few units ahead: the lookups miss the CPU
  // caches often, and overlapping the misses is most of the speed.
  struct Pending {
    const char* p;
    uint32_t len;
    uint64_t h;
  };
  thread_local std::vector<Pending> pending;
  pending.clear();
  ForEachUnit(text, [&](std::string_view u) {
    pending.push_back({u.data(), static_cast<uint32_t>(u.size()),
                       u.size() > 1 && u.size() <= UnitCache::kMaxKey ? UnitHash(u) : 0});
  });
  constexpr size_t kAhead = 12;
  const size_t np = pending.size();
  for (size_t k = 0; k < std::min(kAhead, np); ++k) cache->Prefetch(pending[k].h);
  for (size_t k = 0; k < np; ++k) {
    if (k + kAhead < np) cache->Prefetch(pending[k + kAhead].h);
    const std::string_view u(pending[k].p, pending[k].len);
    const uint64_t h = pending[k].h;
    if (u.size() == 1) {
      // One byte: its byte token (single-byte pieces are the byte tokens).
      const uint8_t b = static_cast<uint8_t>(u[0]);
      units.push_back({b, 1, byte_bond_unit[b]});
      continue;
    }
    if (u.size() > UnitCache::kMaxKey) {
      add_segmented(u, has_bonds ? BondUnit(u) : kNone);
      continue;
    }
    if (const UnitCache::Slot* slot = cache->Find(u, h)) {
      if (slot->n_ids == 1) {
        units.push_back({slot->payload, 1, slot->bond_unit});
      } else {
        const uint32_t* ids = cache->ids(*slot);
        units.push_back({static_cast<uint32_t>(extra_ids.size()), slot->n_ids, slot->bond_unit});
        extra_ids.insert(extra_ids.end(), ids, ids + slot->n_ids);
      }
      continue;
    }
    const uint32_t bond_unit = has_bonds ? BondUnit(u) : kNone;
    const uint32_t* ids = add_segmented(u, bond_unit);
    cache->Insert(u, h, ids, units.back().n_ids, bond_unit);
  }

  auto emit_unit = [&](const Unit& u) {
    if (u.n_ids == 1) {
      out->push_back(u.id_or_at);
    } else {
      out->insert(out->end(), extra_ids.begin() + u.id_or_at,
                  extra_ids.begin() + u.id_or_at + u.n_ids);
    }
  };
  const size_t m = units.size();
  if (!has_bonds) {
    for (size_t i = 0; i < m; ++i) emit_unit(units[i]);
    return;
  }
  // Unit-sequence DP: cost[i] = fewest tokens for units i.., choice[i] = the
  // multi-unit piece taken at i (kNone: the unit's own spelling), len[i] = units.
  thread_local std::vector<uint32_t> cost, choice, len;
  cost.resize(m + 1);
  choice.resize(m);
  len.resize(m);
  cost[m] = 0;
  for (size_t i = m; i-- > 0;) {
    // Prefetch the second step of the walk that starts a few units back.
    if (i >= kAhead + 1) {
      const uint32_t a = units[i - kAhead].bond_unit, b = units[i - kAhead + 1].bond_unit;
      if (a != kNone && b != kNone && root_child[a] != 0) edges.Prefetch(root_child[a], b);
    }
    uint32_t best = units[i].n_ids + cost[i + 1], best_piece = kNone, best_len = 1;
    uint32_t node = units[i].bond_unit == kNone ? 0 : root_child[units[i].bond_unit];
    for (size_t j = i; node != 0;) {
      const uint32_t piece = node_piece[node];
      if (piece != kNone && 1 + cost[j + 1] <= best) {
        best = 1 + cost[j + 1];
        best_piece = piece;
        best_len = static_cast<uint32_t>(j + 1 - i);
      }
      if (++j == m || units[j].bond_unit == kNone) break;
      node = edges.Find(node, units[j].bond_unit);
    }
    cost[i] = best;
    choice[i] = best_piece;
    len[i] = best_len;
  }
  for (size_t i = 0; i < m; i += len[i]) {
    if (choice[i] != kNone) {
      out->push_back(choice[i]);
    } else {
      emit_unit(units[i]);
    }
  }
}

size_t WindowEnd(std::string_view text) {
  constexpr size_t kW = Encoder::kWindowBytes;
  if (text.size() <= kW) return text.size();
  for (size_t p = kW; p > kW / 2; --p)
    if (text[p] == ' ' || text[p] == '\n') return p;
  size_t p = kW;
  while (p > kW - 4 && (static_cast<uint8_t>(text[p]) & 0xC0) == 0x80) --p;
  return p;
}

Encoder::Encoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Encoder::Encoder(Encoder&&) noexcept = default;
Encoder& Encoder::operator=(Encoder&&) noexcept = default;
Encoder::~Encoder() = default;

StatusOr<Encoder> Encoder::CreateUnchecked(const Codebook& codebook) {
  auto impl = std::make_unique<Impl>();
  impl->Build(codebook);
  return Encoder(std::move(impl));
}

StatusOr<Encoder> Encoder::Create(const Codebook& codebook) {
  HT_ASSIGN_OR_RETURN(Encoder enc, CreateUnchecked(codebook));
  const auto& tests = codebook.self_tests();
  for (size_t i = 0; i < tests.size(); ++i) {
    HT_CHECK_OR_RETURN(enc.Encode(tests[i].input) == tests[i].expected, DataLoss)
        << "codebook self-test " << i << " failed: this build encodes its sample "
        << "differently from the build that trained it";
  }
  return enc;
}

void Encoder::Encode(std::string_view text, std::vector<uint32_t>* ids) const {
  std::unique_ptr<UnitCache> cache;
  {
    std::lock_guard<std::mutex> lock(impl_->pool_mu);
    if (!impl_->pool.empty()) {
      cache = std::move(impl_->pool.back());
      impl_->pool.pop_back();
    }
  }
  if (!cache) cache = std::make_unique<UnitCache>(impl_->seed_cache);
  while (!text.empty()) {
    size_t end = WindowEnd(text);
    impl_->EncodeWindow(text.substr(0, end), cache.get(), ids);
    text.remove_prefix(end);
  }
  std::lock_guard<std::mutex> lock(impl_->pool_mu);
  impl_->pool.push_back(std::move(cache));
}

void Encoder::EncodeAllowingSpecial(std::string_view text, std::vector<uint32_t>* ids) const {
  size_t start = 0;  // text before i not yet encoded
  size_t i = 0;
  while (i < text.size()) {
    if (impl_->special_first[static_cast<uint8_t>(text[i])]) {
      const std::string_view rest = text.substr(i);
      auto it = std::find_if(impl_->specials.begin(), impl_->specials.end(),
                             [&](const auto& s) { return rest.starts_with(s.first); });
      if (it != impl_->specials.end()) {
        if (i > start) Encode(text.substr(start, i - start), ids);
        ids->push_back(it->second);
        i += it->first.size();
        start = i;
        continue;
      }
    }
    ++i;
  }
  if (start < text.size()) Encode(text.substr(start), ids);
}

uint64_t Encoder::codebook_id() const { return impl_->codebook_id; }
size_t Encoder::vocab_size() const { return impl_->vocab_size; }

}  // namespace hypertok
