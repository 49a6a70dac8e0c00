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
  // Place nodes breadth-first. Free slots form a doubly linked list in
  // increasing order; a node's base is the first that puts every child on a
  // free slot (first fit), so the array stays dense and placement is fast.
  ByteTrie t;
  std::vector<int64_t> next{-1}, prev{-1};  // free list links; -1 = none
  std::vector<uint8_t> used{1};             // slot 0: the root
  int64_t head = -1, tail = -1;
  auto grow = [&](size_t n) {
    while (used.size() < n) {
      int64_t i = static_cast<int64_t>(used.size());
      used.push_back(0);
      next.push_back(-1);
      prev.push_back(tail);
      if (tail >= 0)
        next[tail] = i;
      else
        head = i;
      tail = i;
    }
  };
  auto take = [&](size_t i) {
    used[i] = 1;
    int64_t p = prev[i], n = next[i];
    if (p >= 0)
      next[p] = n;
    else
      head = n;
    if (n >= 0)
      prev[n] = p;
    else
      tail = p;
  };
  std::vector<Node> queue = {{0, static_cast<uint32_t>(keys.size()), 0}};
  std::vector<uint32_t> slot_of = {0};
  std::vector<std::pair<uint8_t, Node>> kids;
  // Nodes are at most the keys' total length; reserving that (address space
  // only: the allocator's large blocks are not touched until used) keeps the
  // table from being copied as it grows.
  size_t total = 0;
  for (std::string_view k : keys) total += k.size();
  t.slots_.reserve(total + 1024);
  t.slots_.resize(1);
  grow(257);
  for (size_t qi = 0; qi < queue.size(); ++qi) {
    Node node = queue[qi];
    const uint32_t slot = slot_of[qi];
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
    const uint8_t lo = kids.front().first, hi = kids.back().first;
    size_t base = 0;
    for (int64_t f = head;; f = next[f]) {
      if (f < 0) {  // no fit among free slots: start past the end
        base = used.size() > lo ? used.size() - lo : 0;
        break;
      }
      if (f < lo) continue;
      base = static_cast<size_t>(f) - lo;
      grow(base + hi + 1);
      bool fits = true;
      for (const auto& [b, child] : kids)
        if (used[base + b]) {
          fits = false;
          break;
        }
      if (fits) break;
    }
    grow(base + 257);
    if (t.slots_.size() < base + 257) t.slots_.resize(base + 257);
    t.slots_[slot].base = static_cast<uint32_t>(base);
    for (const auto& [b, child] : kids) {
      take(base + b);
      slot_of.push_back(static_cast<uint32_t>(base + b));
      t.slots_[base + b].check = slot + 1;
      queue.push_back(child);
    }
  }
  // Padding so base + 255 is always inside the array.
  size_t max_base = 0;
  for (const Slot& s : t.slots_) max_base = std::max<size_t>(max_base, s.base);
  if (t.slots_.size() < max_base + 256) t.slots_.resize(max_base + 256);
  return t;
}

}  // namespace hypertok
