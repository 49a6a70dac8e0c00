#include "codec/symbol_trie.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

namespace hypertok {

namespace {
int min_field_bits = 0;  // SetMinFieldBitsForTesting
}  // namespace

void SymbolTrie::SetMinFieldBitsForTesting(int bits) { min_field_bits = bits; }

void SymbolTrie::Layout(size_t n) {
  // check is at most n (parent + 1) and base below n, so B bits hold both.
  field_bits_ = static_cast<uint32_t>(
      std::max({std::bit_width(n), size_t{1}, static_cast<size_t>(min_field_bits)}));
  field_mask_ = (uint64_t{1} << field_bits_) - 1;
  const uint32_t free_bits = 63 - 2 * field_bits_;  // B <= 31: at least 1
  const uint32_t filter = std::min(uint32_t{32}, std::bit_floor(free_bits + 1));
  filter_shift_ = 64 - (filter - 1);
  filter_top_ = uint64_t{1} << (filter - 1);
  filter_mask_ = filter - 1;
  slots_.assign(n, 0);
  values_.assign(n, kNoValue);
}

void SymbolTrie::SetSlot(uint32_t i, uint32_t base, uint32_t check, uint32_t value) {
  // (OR: a child's filter bit may be in the slot already.)
  slots_[i] |=
      check | uint64_t{base} << field_bits_ | uint64_t{value != kNoValue} << (2 * field_bits_);
  values_[i] = value;
}

void SymbolTrie::AddChildBit(uint32_t parent, uint32_t c) {
  const uint32_t bit = c & filter_mask_;
  if (bit != filter_mask_) slots_[parent] |= uint64_t{1} << (filter_shift_ + bit);
}

template <typename KeyLen, typename SymbolAt>
SymbolTrie SymbolTrie::Place(size_t n_keys, KeyLen key_len, SymbolAt symbol_at,
                             const std::vector<uint32_t>& values, uint32_t alphabet) {
  // Nodes are key ranges: the node for prefix P at depth d covers the sorted
  // keys [begin, end) that start with P; a key of length d is its value, and
  // its children are the runs of equal symbols at position d.
  struct Node {
    uint32_t begin, end, depth;
  };
  // Place nodes depth-first (a stack, not a queue of every node: memory
  // touched for the first time is what costs most when a trie is built at
  // start-up). A node's base is the least that puts every child on a free
  // slot (first fit). Only the last kOpenSlots slots are searched: older
  // free slots are closed (left empty for good) once the array has grown
  // past them, so each placement searches a bounded range however large the
  // trie (the method of darts-clone), at the cost of a few empty slots.
  // The search tests 64 bases at once: bit k of free_at(p) says whether slot
  // p + k is free, and the bases b..b+63 that fit are the AND of
  // free_at(b + c) over the children's symbols c — most blocks are ruled
  // out after a few children. (A free list walked one slot at a time cost
  // ~5 ms for the English codebook's unit-id trie, whose alphabet is 4k
  // units and whose busiest nodes have hundreds of children.)
  constexpr int32_t kOpenSlots = 8192;
  const int32_t span = static_cast<int32_t>(alphabet) + 1;  // slots a base may reach, + 1
  SymbolTrie t;
  // Nodes: one per distinct prefix of the sorted keys. Every placement
  // leaves the array at most `span` slots past its last node and closing
  // wastes few, so twice that is reserved (address space only: tables are
  // touched as they grow, and grow past it only by copying).
  size_t nodes = 1;
  for (size_t i = 0; i < n_keys; ++i) {
    size_t common = 0;
    if (i > 0) {
      const size_t a = key_len(i - 1), b = key_len(i);
      while (common < a && common < b && symbol_at(i - 1, common) == symbol_at(i, common)) ++common;
    }
    nodes += key_len(i) - common;
  }
  const size_t max_slots = 2 * nodes + 2 * static_cast<size_t>(span);
  // Bit p of free_bits: slot p is free. Slots [0, size) exist (used, free or
  // closed); those at or past size are free, and the bits run past the
  // farthest a search reads (base + symbol + 127, base < size + 64).
  auto words_for = [&](size_t slots) { return (slots + span + 320) / 64; };
  std::vector<uint64_t> free_bits;
  free_bits.reserve(words_for(max_slots));
  int32_t size = 0;
  int32_t closed = 0;  // slots below are closed or used
  int32_t head = 0;    // no slot below is free
  auto grow = [&](int32_t n) {
    size = std::max(size, n);
    const size_t words = words_for(static_cast<size_t>(size));
    if (free_bits.size() < words) free_bits.resize(words, ~uint64_t{0});
  };
  auto take = [&](int32_t p) { free_bits[p >> 6] &= ~(uint64_t{1} << (p & 63)); };
  auto free_at = [&](int32_t p) {  // bits p..p+63
    const uint64_t lo = free_bits[p >> 6], hi = free_bits[(p >> 6) + 1];
    const int s = p & 63;
    return s == 0 ? lo : lo >> s | hi << (64 - s);
  };
  grow(span);
  take(0);  // the root
  struct Pending {
    Node node;
    uint32_t slot;
  };
  std::vector<Pending> stack = {{{0, static_cast<uint32_t>(n_keys), 0}, 0}};
  std::vector<std::pair<uint32_t, Node>> kids;
  std::vector<WideSlot> wide;
  wide.reserve(max_slots);
  wide.resize(span);
  while (!stack.empty()) {
    auto [node, slot] = stack.back();
    stack.pop_back();
    while (node.begin < node.end && key_len(node.begin) == node.depth) {
      if (node.depth > 0) wide[slot].value = values[node.begin];
      ++node.begin;  // (an empty key at the root is ignored)
    }
    kids.clear();
    for (uint32_t k = node.begin; k < node.end;) {
      const uint32_t c = symbol_at(k, node.depth);
      uint32_t e = k + 1;
      while (e < node.end && symbol_at(e, node.depth) == c) ++e;
      kids.push_back({c, {k, e, node.depth + 1}});
      k = e;
    }
    if (kids.empty()) continue;
    while (closed < size - kOpenSlots) {  // close [closed, size - kOpenSlots)
      const int32_t end = std::min(size - kOpenSlots, (closed | 63) + 1);
      const int32_t n = end - closed;  // 1..64, within one word
      free_bits[closed >> 6] &=
          ~((n == 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1) << (closed & 63));
      closed = end;
    }
    // The first free slot (slots only ever stop being free, so it only
    // moves up); a base puts its first child (lo) on a free slot.
    head = std::max(head, closed);
    while (free_bits[head >> 6] >> (head & 63) == 0) head = (head | 63) + 1;
    head += std::countr_zero(free_bits[head >> 6] >> (head & 63));
    const int32_t lo = static_cast<int32_t>(kids.front().first);
    int32_t base = std::max(0, head - lo);
    for (;; base += 64) {  // ends: past size every slot is free
      uint64_t fits = ~uint64_t{0};
      for (const auto& kid : kids)
        if ((fits &= free_at(base + static_cast<int32_t>(kid.first))) == 0) break;
      if (fits != 0) {
        base += std::countr_zero(fits);
        break;
      }
    }
    grow(base + span);
    if (wide.size() < static_cast<size_t>(size)) wide.resize(size);
    wide[slot].base = static_cast<uint32_t>(base);
    for (const auto& [c, child] : kids) {
      take(base + static_cast<int32_t>(c));
      wide[base + c].check = slot + 1;
    }
    for (size_t k = kids.size(); k-- > 0;)  // the first child is placed next
      stack.push_back({kids[k].second, static_cast<uint32_t>(base + kids[k].first)});
  }
  // Every base + alphabet is inside the array: each placement grew it to that.
  t.Layout(static_cast<size_t>(size));
  for (uint32_t i = 0; i < static_cast<uint32_t>(size); ++i) {
    const WideSlot& s = wide[i];
    t.SetSlot(i, s.base, s.check, s.value);
    if (s.check != 0) t.AddChildBit(s.check - 1, i - wide[s.check - 1].base);
  }
  return t;
}

SymbolTrie SymbolTrie::Build(const std::vector<std::string_view>& keys,
                             const std::vector<uint32_t>& values) {
  return Place(
      keys.size(), [&](size_t i) { return keys[i].size(); },
      [&](size_t i, size_t d) { return uint32_t{static_cast<uint8_t>(keys[i][d])}; }, values, 256);
}

SymbolTrie SymbolTrie::Build(std::span<const uint32_t> symbols, std::span<const uint32_t> offsets,
                             const std::vector<uint32_t>& values, uint32_t alphabet) {
  return Place(
      values.size(), [&](size_t i) { return size_t{offsets[i + 1] - offsets[i]}; },
      [&](size_t i, size_t d) { return symbols[offsets[i] + d]; }, values, alphabet);
}

void SymbolTrie::Serialize(ByteWriter& w) const {
  w.U32(static_cast<uint32_t>(slot_count()));
  for (uint32_t i = 0; i < slot_count(); ++i) {
    w.U32(BaseAt(i));
    w.U32(CheckAt(i));
    w.U32(values_[i]);
  }
}

StatusOr<SymbolTrie> SymbolTrie::Deserialize(ByteReader& r, uint32_t alphabet, uint32_t min_symbol,
                                             uint32_t value_limit, const KeyCheck& keys,
                                             std::string_view what) {
  uint32_t n = 0;
  HT_CHECK_OR_RETURN(r.U32(&n), DataLoss) << what << ": truncated slot count";
  std::string_view raw;
  HT_CHECK_OR_RETURN(n > alphabet && n < (uint32_t{1} << 31) && r.Bytes(size_t{n} * 12, &raw),
                     DataLoss)
      << what << ": " << n << " slots (an alphabet of " << alphabet << " needs more than "
      << alphabet << "; the rest of the section holds " << r.remaining() / 12 << ")";
  auto field = [&](uint32_t i, int k) {  // slot i's base (0), check (1) or value (2)
    uint32_t x;
    std::memcpy(&x, raw.data() + 12 * size_t{i} + 4 * k, 4);
    if constexpr (std::endian::native == std::endian::big) x = __builtin_bswap32(x);
    return x;
  };
  SymbolTrie t;
  t.Layout(n);
  // Child reads slot base + symbol of any node a walk reaches, so every base
  // leaves room for the whole alphabet; a slot names its parent, whose base
  // puts it at a symbol of the alphabet (min_symbol: symbol 0 of a character
  // alphabet stands for every character outside it, so no key may use it).
  // (Each slot is checked before it is packed: its fields then fit.)
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t base = field(i, 0), check = field(i, 1), value = field(i, 2);
    HT_CHECK_OR_RETURN(uint64_t{base} + alphabet <= n, DataLoss)
        << what << ": slot " << i << " has base " << base << " past the " << n << " slots";
    if (check == 0) {
      HT_CHECK_OR_RETURN(value == kNoValue, DataLoss)
          << what << ": slot " << i << " holds a value but is no node";
      t.SetSlot(i, base, check, value);
      continue;
    }
    const uint32_t parent = check - 1;
    const uint32_t parent_base = parent < n ? field(parent, 0) : 0;
    HT_CHECK_OR_RETURN(i != 0 && parent < n && parent != i && parent_base <= i &&
                           i - parent_base < alphabet && i - parent_base >= min_symbol,
                       DataLoss)
        << what << ": slot " << i << " names parent " << parent << ", which cannot reach it";
    HT_CHECK_OR_RETURN(value == kNoValue || value < value_limit, DataLoss)
        << what << ": slot " << i << " holds value " << value << " (limit " << value_limit << ")";
    t.SetSlot(i, base, check, value);
    t.AddChildBit(parent, i - parent_base);
  }
  // Each value's key: the symbols up from its node to the nearest node
  // with a value, or to the root. (Most of a vocabulary's keys extend a
  // shorter key by a symbol or two, so this reads a step or two per key,
  // where walking every key up to the root read all of its symbols.)
  std::vector<uint32_t> rest;
  for (uint32_t i = 1; i < n; ++i) {
    const uint32_t value = t.values_[i];
    if (value == kNoValue) continue;
    const size_t most = keys.max_len(value);
    rest.clear();
    uint32_t prefix = kNoValue;
    for (uint32_t node = i;;) {
      const uint32_t check = t.CheckAt(node);
      HT_CHECK_OR_RETURN(check != 0 && rest.size() < most, DataLoss)
          << what << ": the value at slot " << i << " is on no path from the root of at most "
          << most << " steps";
      rest.push_back(node - t.BaseAt(check - 1));
      node = check - 1;
      if (node == 0) break;
      if (t.values_[node] != kNoValue) {
        prefix = t.values_[node];
        break;
      }
    }
    std::reverse(rest.begin(), rest.end());
    HT_CHECK_OR_RETURN(keys.extends(value, prefix, rest), DataLoss)
        << what << ": the key at slot " << i << " does not spell piece " << value;
  }
  return t;
}

}  // namespace hypertok
