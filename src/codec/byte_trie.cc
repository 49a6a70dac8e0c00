#include "codec/byte_trie.h"

#include <utility>

namespace hypertok {

ByteTrie ByteTrie::Build(const std::vector<std::string_view>& keys,
                         const std::vector<uint32_t>& values) {
  // Nodes are key ranges: the node for prefix P at depth d covers the sorted
  // keys [begin, end) that start with P; a key of length d is its value, and
  // its children are the runs of equal bytes at position d.
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
  ByteTrie t;
  // Nodes: one per distinct prefix of the sorted keys. Every placement
  // leaves the array at most 256 slots past its last node and closing wastes
  // few, so twice that is reserved (address space only: tables are touched
  // as they grow, and grow past it only by copying).
  size_t nodes = 1;
  for (size_t i = 0; i < keys.size(); ++i) {
    size_t common = 0;
    if (i > 0) {
      const std::string_view a = keys[i - 1], b = keys[i];
      while (common < a.size() && common < b.size() && a[common] == b[common]) ++common;
    }
    nodes += keys[i].size() - common;
  }
  const size_t max_slots = 2 * nodes + 2 * 257;
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
  grow(257);
  take(0);  // the root
  struct Pending {
    Node node;
    uint32_t slot;
  };
  std::vector<Pending> stack = {{{0, static_cast<uint32_t>(keys.size()), 0}, 0}};
  std::vector<std::pair<uint8_t, Node>> kids;
  t.slots_.reserve(max_slots);
  t.slots_.resize(257);
  while (!stack.empty()) {
    auto [node, slot] = stack.back();
    stack.pop_back();
    while (node.begin < node.end && keys[node.begin].size() == node.depth) {
      if (node.depth > 0) t.slots_[slot].value = values[node.begin];
      ++node.begin;  // (an empty key at the root is ignored)
    }
    kids.clear();
    for (uint32_t k = node.begin; k < node.end;) {
      const uint8_t b = static_cast<uint8_t>(keys[k][node.depth]);
      uint32_t e = k + 1;
      while (e < node.end && static_cast<uint8_t>(keys[e][node.depth]) == b) ++e;
      kids.push_back({b, {k, e, node.depth + 1}});
      k = e;
    }
    if (kids.empty()) continue;
    while (head >= 0 && head < size - kOpenSlots) take(head);  // close
    const uint8_t lo = kids.front().first;
    int32_t base = 0;
    for (int32_t f = head;; f = next[f]) {
      if (f < 0) {  // no fit among free slots: start past the end
        base = size > lo ? size - lo : 0;
        break;
      }
      if (f < lo) continue;
      base = f - lo;
      bool fits = true;
      for (const auto& [b, child] : kids)
        if (base + b < size && used[base + b]) {  // slots past the end are free
          fits = false;
          break;
        }
      if (fits) break;
    }
    grow(base + 257);
    if (t.slots_.size() < static_cast<size_t>(size)) t.slots_.resize(size);
    t.slots_[slot].base = static_cast<uint32_t>(base);
    for (const auto& [b, child] : kids) {
      take(base + b);
      t.slots_[base + b].check = slot + 1;
    }
    for (size_t k = kids.size(); k-- > 0;)  // the first child is placed next
      stack.push_back({kids[k].second, static_cast<uint32_t>(base + kids[k].first)});
  }
  // Every base + 255 is inside the array: each placement grew it to that.
  t.slots_.resize(size);
  return t;
}

}  // namespace hypertok
