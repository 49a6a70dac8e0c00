#include "codec/symbol_trie.h"

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
  // start-up). A node's base is the first that puts every child on a free
  // slot (first fit). Free slots form a doubly linked list in increasing
  // order, and only the last kOpenSlots slots are searched: older free slots
  // are closed (left empty for good) once the array has grown past them, so
  // each placement scans a bounded list however large the trie (the method
  // of darts-clone), at the cost of a few empty slots.
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
  std::vector<int32_t> next, prev;  // free list; -1 = none
  std::vector<uint8_t> used;
  next.reserve(max_slots);
  prev.reserve(max_slots);
  used.reserve(max_slots);
  int32_t head = -1, tail = -1;
  int32_t size = 0;  // slots [0, size) exist (used, free or closed)
  auto grow = [&](int32_t n) {
    if (static_cast<size_t>(n) > used.size()) {
      next.resize(n);
      prev.resize(n);
      used.resize(n);
    }
    for (; size < n; ++size) {
      used[size] = 0;
      next[size] = -1;
      prev[size] = tail;
      if (tail >= 0)
        next[tail] = size;
      else
        head = size;
      tail = size;
    }
  };
  auto take = [&](int32_t i) {
    used[i] = 1;
    const int32_t p = prev[i], n = next[i];
    if (p >= 0)
      next[p] = n;
    else
      head = n;
    if (n >= 0)
      prev[n] = p;
    else
      tail = p;
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
    while (head >= 0 && head < size - kOpenSlots) take(head);  // close
    const int32_t lo = static_cast<int32_t>(kids.front().first);
    int32_t base = 0;
    for (int32_t f = head;; f = next[f]) {
      if (f < 0) {  // no fit among free slots: start past the end
        base = size > lo ? size - lo : 0;
        break;
      }
      if (f < lo) continue;
      base = f - lo;
      bool fits = true;
      for (const auto& [c, child] : kids) {
        const int32_t at = base + static_cast<int32_t>(c);
        if (at < size && used[at]) {  // slots past the end are free
          fits = false;
          break;
        }
      }
      if (fits) break;
    }
    grow(base + span);
    if (t.slots_.size() < static_cast<size_t>(size)) t.slots_.resize(size);
    t.slots_[slot].base = static_cast<uint32_t>(base);
    for (const auto& [c, child] : kids) {
      take(base + static_cast<int32_t>(c));
      t.slots_[base + c].check = slot + 1;
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
