// Internals shared by the morpheme splitter's two learners.
#ifndef HYPERTOK_MORPH_MORPH_INTERNAL_H_
#define HYPERTOK_MORPH_MORPH_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "morph/morpheme_splitter.h"

namespace hypertok {

// The unsupervised model: a lexicon of morphs (case-folded, UTF-8) with
// costs in bits, and a Viterbi segmenter over it (see
// morpheme_splitter_unsupervised.cc for how the lexicon is learned).
class UnsupervisedModel {
 public:
  static UnsupervisedModel Train(
      const std::vector<std::pair<std::string, uint64_t>>& word_counts,
      const UnsupervisedOptions& options);
  std::vector<Morph> Split(std::string_view word) const;
  void Serialize(ByteWriter* w) const;
  Status Parse(ByteReader* r);

 private:
  // Morph text → cost in bits of using it once; the type it usually has.
  struct Entry {
    float cost = 0;
    MorphType type = MorphType::kRoot;
  };
  // Branching entropy over the training word types (each type counts once):
  // a trie of the words forward and one of the reversed words, each node
  // holding the entropy of what follows it ('$'/'^' mark the word's edge).
  struct CharTrie {
    std::unordered_map<uint64_t, uint32_t> edges;  // (node << 32 | char) → node
    std::vector<float> entropy;                    // per node; node 0 = root
    void Build(const std::vector<std::u32string>& words);
    // Entropy after each prefix of w: out[i] for w[0..i), 0 where unseen.
    void Walk(const char32_t* w, size_t n, int step, std::vector<float>* out) const;
  };
  std::vector<Morph> SegmentMdl(const std::u32string& w) const;
  void BuildTries();

  // Looked up by u32string_view, so Viterbi allocates nothing per candidate.
  struct ViewHash {
    using is_transparent = void;
    size_t operator()(std::u32string_view s) const {
      return std::hash<std::u32string_view>()(s);
    }
  };
  std::unordered_map<std::u32string, Entry, ViewHash, std::equal_to<>> lexicon_;
  float unknown_char_cost_ = 20;  // bits per character of an unknown morph
  float entropy_rise_ = 0.375f;   // see UnsupervisedOptions
  size_t max_len_ = 1;
  std::vector<std::u32string> types_;  // training word types, sorted
  CharTrie forward_, backward_;
  friend struct UnsupervisedTrainer;
};

constexpr uint8_t kKindSupervised = 1, kKindUnsupervised = 2;

struct MorphemeSplitter::Impl {
  uint8_t kind = kKindSupervised;
  std::string lang;
  // Supervised.
  int hash_bits = 0;
  float scale = 1;
  std::vector<int16_t> weights;  // rows × kLabels
  std::vector<float> trans;      // (kLabels + 1) × kLabels
  // Unsupervised.
  UnsupervisedModel lexicon;

  std::vector<Morph> SplitSupervised(std::string_view word) const;
};

}  // namespace hypertok

#endif  // HYPERTOK_MORPH_MORPH_INTERNAL_H_
