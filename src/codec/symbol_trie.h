// A static trie over strings of symbols — bytes, or the character codes of a
// CharAlphabet (codec/char_alphabet.h) — built once from sorted keys and
// walked one symbol at a time. Used by the encoder (vocabulary matching, by
// characters when every piece is whole characters, else by bytes; and
// multi-unit pieces, over unit ids) and by the codebook builder (candidate
// matching during training).
//
// Stored as a double array (Aoe 1989): the child of node n by symbol c is
// slot base[n] + c if check[that slot] names n, so every step is two array
// reads and a compare — no search — which is what the encoder's inner loops
// do for every character of a word it has not seen before and for every
// unit of the text.
//
//   SymbolTrie t = SymbolTrie::Build(keys, values);  // byte keys, sorted, unique
//   for (uint32_t n = t.Root(s[i]); n; n = t.Child(n, s[++i]))
//     if (t.Value(n) != SymbolTrie::kNoValue) ...     // key s[start..i] matches
#ifndef HYPERTOK_CODEC_SYMBOL_TRIE_H_
#define HYPERTOK_CODEC_SYMBOL_TRIE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/huge_page_allocator.h"
#include "hypertok/status.h"

namespace hypertok {

class SymbolTrie {
 public:
  static constexpr uint32_t kNoValue = 0xFFFFFFFFu;

  // Byte keys (symbols 0..255): keys must be sorted (as unsigned bytes) and
  // unique; values[i] belongs to keys[i]. Empty keys are ignored.
  static SymbolTrie Build(const std::vector<std::string_view>& keys,
                          const std::vector<uint32_t>& values);
  // Symbol keys: key i is symbols[offsets[i], offsets[i + 1]) (offsets has
  // one more entry than values), every symbol < alphabet; keys sorted
  // (lexicographically by symbol) and unique. Empty keys are ignored.
  static SymbolTrie Build(std::span<const uint32_t> symbols, std::span<const uint32_t> offsets,
                          const std::vector<uint32_t>& values, uint32_t alphabet);

  // The walk's steps, on a copy of the trie's layout (its slots and field
  // widths). A loop that stores uint32s between steps — the encoder's DPs
  // write their arrays at every step — made the compiler read the trie's
  // fields again after each store, as they might have been written; a local
  // Walker's fields cannot be. Valid while the trie lives and is unchanged.
  class Walker {
   public:
    // Node reached from the root by symbol c, or 0 if none.
    uint32_t Root(uint32_t c) const { return Child(0, c); }
    // Node reached from `node` by symbol c (< the alphabet), or 0 if none
    // (the root, slot 0, is never anyone's child).
    uint32_t Child(uint32_t node, uint32_t c) const {
      const uint32_t t = static_cast<uint32_t>(slots_[node] >> field_bits_ & field_mask_) + c;
      return (slots_[t] & field_mask_) == node + 1 ? t : 0;
    }
    // False when `node` has no child by symbol c; true when it may (a
    // filter of its children's symbols, bit c % F of the layout below, read
    // with the node's own slot). Lets a walk stop without reading the slot
    // Child would read: over a large alphabet — the encoder's trie of unit
    // ids — that slot is usually far away, and most steps of a walk over
    // real text fail.
    bool MayHaveChild(uint32_t node, uint32_t c) const {
      return ((slots_[node] >> filter_shift_ | filter_top_) >> (c & filter_mask_) & 1) != 0;
    }
    // Whether a key ends at `node`; read with the node's own slot.
    bool HasValue(uint32_t node) const { return (slots_[node] >> (2 * field_bits_) & 1) != 0; }
    // The value of the key ending at `node`, or kNoValue. (Kept apart from
    // the slots, which walks read: a walk needs only HasValue, and can leave
    // the value of the piece it takes to be read once it is chosen.)
    uint32_t Value(uint32_t node) const { return values_[node]; }

   private:
    friend class SymbolTrie;
    const uint64_t* slots_;
    const uint32_t* values_;
    uint64_t field_mask_, filter_top_;
    uint32_t field_bits_, filter_shift_, filter_mask_;
  };
  Walker walker() const {
    Walker w;
    w.slots_ = slots_.data();
    w.values_ = values_.data();
    w.field_mask_ = field_mask_;
    w.filter_top_ = filter_top_;
    w.field_bits_ = field_bits_;
    w.filter_shift_ = filter_shift_;
    w.filter_mask_ = filter_mask_;
    return w;
  }
  // The same steps on the trie itself (see Walker).
  uint32_t Root(uint32_t c) const { return walker().Root(c); }
  uint32_t Child(uint32_t node, uint32_t c) const { return walker().Child(node, c); }
  bool MayHaveChild(uint32_t node, uint32_t c) const { return walker().MayHaveChild(node, c); }
  bool HasValue(uint32_t node) const { return walker().HasValue(node); }
  uint32_t Value(uint32_t node) const { return walker().Value(node); }
  size_t slot_count() const { return values_.size(); }

  // Tests only: lay out every trie built or read from now on as if it had
  // at least 2^bits slots (bits <= 31; 0 restores the default), so that
  // the narrow filters of very large tries can be tested on small ones.
  static void SetMinFieldBitsForTesting(int bits);

  // The stored form, for the encoder's index (docs/FORMAT.md, section
  // ENCX): u32 slot count, then each slot's u32 base, check and value.
  void Serialize(ByteWriter& w) const;
  // Reads what Serialize wrote and checks that walks over symbols below
  // `alphabet` stay inside the array and meet only the keys they should:
  // every base + alphabet within it, every child's symbol at least
  // min_symbol, values only on nodes reached from the root, each below
  // value_limit, and each value's key the symbols from the root to its node.
  // That last is checked a step at a time: keys.extends(value, prefix,
  // rest) must hold, where prefix is the value of the nearest node above
  // the value's that has one (kNoValue if none: the root) and rest the
  // symbols from there down, at most keys.max_len(value) of them (so that a
  // crafted trie cannot make the walks long). extends must say whether
  // value's key is prefix's key (empty for kNoValue) followed by rest, rest
  // never empty: then every key is longer than its prefix's, and by
  // induction on length every path spells its key. The child filters are
  // recomputed. Any failure is kDataLoss naming `what`.
  struct KeyCheck {
    std::function<size_t(uint32_t value)> max_len;
    std::function<bool(uint32_t value, uint32_t prefix, std::span<const uint32_t> rest)> extends;
  };
  static StatusOr<SymbolTrie> Deserialize(ByteReader& r, uint32_t alphabet, uint32_t min_symbol,
                                          uint32_t value_limit, const KeyCheck& keys,
                                          std::string_view what);

 private:
  // A slot as built and as stored (the index's form; check is parent + 1,
  // or 0 if the slot is free).
  struct WideSlot {
    uint32_t base = 0;
    uint32_t check = 0;
    uint32_t value = kNoValue;
  };
  template <typename KeyLen, typename SymbolAt>
  static SymbolTrie Place(size_t n_keys, KeyLen key_len, SymbolAt symbol_at,
                          const std::vector<uint32_t>& values, uint32_t alphabet);
  // Sets the field widths for n slots (n < 2^31) and sizes the arrays.
  void Layout(size_t n);
  // Writes slot i (check, base and whether it has a value) and its value.
  void SetSlot(uint32_t i, uint32_t base, uint32_t check, uint32_t value);
  // Records in `parent`'s filter that it has a child by symbol c.
  void AddChildBit(uint32_t parent, uint32_t c);
  uint32_t CheckAt(uint32_t i) const { return static_cast<uint32_t>(slots_[i] & field_mask_); }
  uint32_t BaseAt(uint32_t i) const {
    return static_cast<uint32_t>(slots_[i] >> field_bits_ & field_mask_);
  }

  // Each slot is 8 bytes, so that twice as many share the cache as with
  // four 32-bit fields (the encoder's walks wait on these reads; on the
  // English book, slots of 32 bytes made a whole encode ~15 % slower).
  // With B = field_bits_ (the bits of the slot count, at least 1):
  //   bits [0, B)       check: parent + 1, or 0 if the slot is free
  //   bits [B, 2B)      base: children of this node are at base + symbol
  //   bit 2B            a key ends here (its value is in values_)
  //   the top F - 1 bits  the child filter: bit c % F for each child's
  //                     symbol c, for F the largest power of two up to 32
  //                     with F - 1 bits free; index F - 1 always reads as
  //                     "may" and is not stored.
  // A 32k codebook's tries have fewer than 2^16 slots: F = 32.
  std::vector<uint64_t, HugePageAllocator<uint64_t>> slots_;
  std::vector<uint32_t> values_;  // per slot, kNoValue where no key ends
  uint32_t field_bits_ = 1;
  uint64_t field_mask_ = 1;
  uint32_t filter_shift_ = 63;
  uint64_t filter_top_ = 1;   // the unstored "may" bit, 1 << (F - 1)
  uint32_t filter_mask_ = 1;  // F - 1
};

}  // namespace hypertok

#endif  // HYPERTOK_CODEC_SYMBOL_TRIE_H_
