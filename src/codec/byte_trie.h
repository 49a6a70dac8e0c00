// A static trie over byte strings, built once from sorted keys, walked one
// byte at a time. Used by the encoder (vocabulary matching) and by the
// codebook builder (candidate matching during training).
//
//   ByteTrie t = ByteTrie::Build(keys, values);   // keys sorted, unique
//   for (uint32_t n = t.Root(s[i]); n; n = t.Child(n, s[++i]))
//     if (t.Value(n) != ByteTrie::kNoValue) ...    // key s[start..i] matches
#ifndef HYPERTOK_CODEC_BYTE_TRIE_H_
#define HYPERTOK_CODEC_BYTE_TRIE_H_

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace hypertok {

class ByteTrie {
 public:
  static constexpr uint32_t kNoValue = 0xFFFFFFFFu;

  // keys must be sorted (as unsigned bytes) and unique; values[i] belongs to
  // keys[i]. Empty keys are ignored.
  static ByteTrie Build(const std::vector<std::string_view>& keys,
                        const std::vector<uint32_t>& values);

  // Node reached from the root by byte b, or 0 if none.
  uint32_t Root(uint8_t b) const { return root_[b]; }
  // Node reached from `node` by byte b, or 0 if none.
  uint32_t Child(uint32_t node, uint8_t b) const {
    const Node& n = nodes_[node];
    const uint8_t* l = labels_.data() + n.edge_begin;
    if (n.edge_count <= 8) {
      for (uint32_t k = 0; k < n.edge_count; ++k)
        if (l[k] == b) return targets_[n.edge_begin + k];
      return 0;
    }
    const uint8_t* it = std::lower_bound(l, l + n.edge_count, b);
    if (it != l + n.edge_count && *it == b) return targets_[n.edge_begin + (it - l)];
    return 0;
  }
  // The value of the key ending at `node`, or kNoValue.
  uint32_t Value(uint32_t node) const { return nodes_[node].value; }
  size_t node_count() const { return nodes_.size(); }

 private:
  struct Node {
    uint32_t edge_begin = 0;
    uint32_t edge_count = 0;
    uint32_t value = kNoValue;
  };
  std::vector<Node> nodes_;  // node 0 is the root
  std::vector<uint8_t> labels_;
  std::vector<uint32_t> targets_;
  uint32_t root_[256] = {};
};

}  // namespace hypertok

#endif  // HYPERTOK_CODEC_BYTE_TRIE_H_
