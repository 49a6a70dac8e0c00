// A static trie over byte strings, built once from sorted keys, walked one
// byte at a time. Used by the encoder (vocabulary matching) and by the
// codebook builder (candidate matching during training).
//
// Stored as a double array (Aoe 1989): the child of node n by byte b is slot
// base[n] + b if check[that slot] names n, so every step is two array reads
// and a compare — no search — which is what the encoder's inner loop does
// for every byte of input.
//
//   ByteTrie t = ByteTrie::Build(keys, values);   // keys sorted, unique
//   for (uint32_t n = t.Root(s[i]); n; n = t.Child(n, s[++i]))
//     if (t.Value(n) != ByteTrie::kNoValue) ...    // key s[start..i] matches
#ifndef HYPERTOK_CODEC_BYTE_TRIE_H_
#define HYPERTOK_CODEC_BYTE_TRIE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/huge_page_allocator.h"

namespace hypertok {

class ByteTrie {
 public:
  static constexpr uint32_t kNoValue = 0xFFFFFFFFu;

  // keys must be sorted (as unsigned bytes) and unique; values[i] belongs to
  // keys[i]. Empty keys are ignored.
  static ByteTrie Build(const std::vector<std::string_view>& keys,
                        const std::vector<uint32_t>& values);

  // Node reached from the root by byte b, or 0 if none.
  uint32_t Root(uint8_t b) const { return Child(0, b); }
  // Node reached from `node` by byte b, or 0 if none (the root, slot 0, is
  // never anyone's child).
  uint32_t Child(uint32_t node, uint8_t b) const {
    const uint32_t t = slots_[node].base + b;
    return slots_[t].check == node + 1 ? t : 0;
  }
  // The value of the key ending at `node`, or kNoValue.
  uint32_t Value(uint32_t node) const { return slots_[node].value; }
  size_t slot_count() const { return slots_.size(); }

 private:
  struct Slot {
    uint32_t base = 0;          // children of this node are at base + byte
    uint32_t check = 0;         // parent + 1, or 0 if the slot is free
    uint32_t value = kNoValue;
  };
  // Slot array, padded by 256 so base + byte never needs a bounds check.
  std::vector<Slot, HugePageAllocator<Slot>> slots_;
};

}  // namespace hypertok

#endif  // HYPERTOK_CODEC_BYTE_TRIE_H_
