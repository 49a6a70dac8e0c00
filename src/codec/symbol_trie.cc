#include "codec/symbol_trie.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace hypertok {

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
  t.slots_.reserve(max_slots);
  t.slots_.resize(span);
  while (!stack.empty()) {
    auto [node, slot] = stack.back();
    stack.pop_back();
    while (node.begin < node.end && key_len(node.begin) == node.depth) {
      if (node.depth > 0) t.slots_[slot].value = values[node.begin];
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
    if (t.slots_.size() < static_cast<size_t>(size)) t.slots_.resize(size);
    t.slots_[slot].base = static_cast<uint32_t>(base);
    for (const auto& [c, child] : kids) {
      take(base + static_cast<int32_t>(c));
      t.slots_[base + c].check = slot + 1;
      t.slots_[slot].child_filter |= uint32_t{1} << (c & 31);
    }
    for (size_t k = kids.size(); k-- > 0;)  // the first child is placed next
      stack.push_back({kids[k].second, static_cast<uint32_t>(base + kids[k].first)});
  }
  // Every base + alphabet is inside the array: each placement grew it to that.
  t.slots_.resize(size);
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

}  // namespace hypertok
