// Morpheme splitter: cuts a word into morphs (prefix, root, suffix, ending,
// postfix, link, hyphen), so later stages can align tokens with meaning and
// share endings across a root's word forms.
//
// Two ways to learn it:
//   - supervised, from a gold file (word<TAB>morph:TYPE/… or word<TAB>m1 m2 …):
//     a structured averaged perceptron tagging each character B-TYPE / I-TYPE
//     from hashed character n-gram features, decoded with Viterbi;
//   - unsupervised, from word counts of a raw corpus (morph lexicon + MDL,
//     morpheme_splitter_unsupervised.cc).
// Words are analysed case-folded (word_view.h); morphs are byte ranges of the
// original word, so they always concatenate to it. Deterministic: the same
// input and options give the same model bytes.
//
//   HT_ASSIGN_OR_RETURN(auto gold, ReadGoldFile("ru_train.tsv"));
//   HT_ASSIGN_OR_RETURN(MorphemeSplitter m, MorphemeSplitter::TrainSupervised(gold, {}));
//   for (const Morph& x : m.Split("поторопленный")) ...
#ifndef HYPERTOK_MORPH_MORPHEME_SPLITTER_H_
#define HYPERTOK_MORPH_MORPHEME_SPLITTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hypertok/status.h"

namespace hypertok {

enum class MorphType : uint8_t {
  kPrefix = 0,
  kRoot = 1,
  kSuffix = 2,
  kEnding = 3,
  kPostfix = 4,
  kLink = 5,
  kHyphen = 6,
};
constexpr int kNumMorphTypes = 7;
std::string_view MorphTypeName(MorphType type);  // PREF, ROOT, SUFF, END, POSTFIX, LINK, HYPH
StatusOr<MorphType> ParseMorphType(std::string_view name);

// A morph: bytes [begin, end) of the word.
struct Morph {
  uint32_t begin = 0;
  uint32_t end = 0;
  MorphType type = MorphType::kRoot;
  friend bool operator==(const Morph&, const Morph&) = default;
};

struct GoldWord {
  std::string word;
  std::vector<std::pair<std::string, MorphType>> morphs;  // untyped gold: all kRoot
};

// Reads a gold segmentation file. Lines whose morphs do not spell the word
// (canonical rather than surface segmentations) are skipped; other malformed
// lines are an error naming the line.
StatusOr<std::vector<GoldWord>> ReadGoldFile(const std::string& path);
StatusOr<std::vector<GoldWord>> ParseGold(std::string_view text, const std::string& name);

struct SupervisedOptions {
  int epochs = 10;
  int hash_bits = 19;  // 2^bits feature rows
  uint64_t seed = 1;   // order of examples
};

struct UnsupervisedOptions {
  // A boundary where the branching entropy rises by more than this many
  // bits (chosen on the training split of the Russian gold).
  float entropy_rise = 0.375f;
  int iterations = 6;
  uint64_t min_count = 1;
};

class MorphemeSplitter {
 public:
  static StatusOr<MorphemeSplitter> TrainSupervised(const std::vector<GoldWord>& gold,
                                                    const SupervisedOptions& options);
  // word_counts: distinct words (no spaces) with their corpus counts.
  static StatusOr<MorphemeSplitter> TrainUnsupervised(
      const std::vector<std::pair<std::string, uint64_t>>& word_counts,
      const UnsupervisedOptions& options);

  // The .morph file format (docs/FORMAT.md, "Morph model").
  static StatusOr<MorphemeSplitter> Parse(std::string_view bytes);
  static StatusOr<MorphemeSplitter> Load(const std::string& path);
  std::string Serialize() const;

  MorphemeSplitter(MorphemeSplitter&&) noexcept;
  MorphemeSplitter& operator=(MorphemeSplitter&&) noexcept;
  ~MorphemeSplitter();

  // Morphs of one word, covering its bytes in order. Thread-safe.
  std::vector<Morph> Split(std::string_view word) const;
  bool supervised() const;
  // A free-form language tag stored with the model (morph train --lang); no
  // behaviour depends on it.
  const std::string& lang() const;
  void set_lang(std::string lang);

 private:
  struct Impl;
  explicit MorphemeSplitter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Byte offsets strictly inside the word where morphs meet.
std::vector<uint32_t> MorphCuts(const std::vector<Morph>& morphs);

}  // namespace hypertok

#endif  // HYPERTOK_MORPH_MORPHEME_SPLITTER_H_
