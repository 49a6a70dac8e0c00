#include "codec/byte_trie.h"

#include <utility>

namespace hypertok {

ByteTrie ByteTrie::Build(const std::vector<std::string_view>& keys,
                         const std::vector<uint32_t>& values) {
  // A pointer trie first; sorted keys mean a node's children arrive in
  // increasing byte order, so each new child is appended at the end.
  struct TmpNode {
    std::vector<std::pair<uint8_t, uint32_t>> kids;
    uint32_t value = kNoValue;
  };
  std::vector<TmpNode> tmp(1);
  for (size_t k = 0; k < keys.size(); ++k) {
    uint32_t cur = 0;
    for (char c : keys[k]) {
      uint8_t b = static_cast<uint8_t>(c);
      auto& kids = tmp[cur].kids;
      if (!kids.empty() && kids.back().first == b) {
        cur = kids.back().second;
      } else {
        uint32_t next = static_cast<uint32_t>(tmp.size());
        tmp[cur].kids.emplace_back(b, next);
        tmp.emplace_back();
        cur = next;
      }
    }
    if (cur != 0) tmp[cur].value = values[k];
  }
  ByteTrie t;
  t.nodes_.resize(tmp.size());
  for (size_t i = 0; i < tmp.size(); ++i) {
    t.nodes_[i].value = tmp[i].value;
    t.nodes_[i].edge_begin = static_cast<uint32_t>(t.labels_.size());
    t.nodes_[i].edge_count = static_cast<uint32_t>(tmp[i].kids.size());
    for (auto [b, target] : tmp[i].kids) {
      t.labels_.push_back(b);
      t.targets_.push_back(target);
    }
  }
  for (auto [b, target] : tmp[0].kids) t.root_[b] = target;
  return t;
}

}  // namespace hypertok
