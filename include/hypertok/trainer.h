// The codebook trainer: the training side of the pipeline, stage by stage.
//
//   raw text ─► pre-token counts + sample (src/train/corpus.h)
//            ─► morph boundaries (src/morph/morpheme_splitter.h; given, or
//               learned from the same text) and ending markers
//               (src/morph/ending_markers.h)
//            ─► hyperbonds (src/train/hyperbond_miner.h)
//            ─► pieces chosen to minimise the sample's token count
//               (src/train/codebook_builder.h)
//            ─► codebook with self-tests
//
// Deterministic: the codebook bytes depend only on the set of inputs (not
// their order) and the options other than `threads`.
//
//   Trainer trainer({.vocab_size = 8000});
//   HT_RETURN_IF_ERROR(trainer.AddSource(&file));
//   HT_ASSIGN_OR_RETURN(Codebook cb, trainer.Build());
#ifndef HYPERTOK_TRAINER_H_
#define HYPERTOK_TRAINER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hypertok/codebook.h"
#include "hypertok/encoder.h"
#include "hypertok/io.h"
#include "hypertok/scene.h"
#include "hypertok/status.h"

namespace hypertok {

class MorphemeSplitter;

struct TrainOptions {
  size_t vocab_size = 32000;                // all entries, the 256 byte tokens included
  SceneMode scene = SceneMode::kParagraph;  // stored as encode's default
  int threads = 1;
  uint64_t seed = 0;                            // recorded; the trainer makes no random choices
  int max_bond_words = 3;                       // 0 or 1: no hyperbonds
  size_t max_sample_tokens = size_t{32} << 20;  // pre-tokens kept for optimisation
  // Peak resident bytes allowed (0 = no limit): checked while counting and
  // between stages; passing it stops training with kResourceExhausted.
  uint64_t max_memory = 0;
  // Morph model whose boundaries subword pieces must respect. When null and
  // learn_morph is set, one is learned from the training text (unsupervised);
  // when null and learn_morph is off, subwords may cut words anywhere.
  std::shared_ptr<const MorphemeSplitter> morph;
  bool learn_morph = true;
  // Morph-aligned encoding (Codebook::morph_aligned()): needs a morph model
  // (given or learned). Its morph lexicon — the morphs the model finds in
  // `morph_lexicon` words (a word's first morph with a leading space), the
  // `morph_lexicon_size` most frequent — is kept in the vocabulary whatever
  // it saves on the training text, so the words' boundaries can fall on morph
  // boundaries. At most half the learned pieces.
  bool morph_align = false;
  std::vector<std::string> morph_lexicon;
  size_t morph_lexicon_size = 9500;
  // Special tokens, reserved at ids 256, 257, ... in this order, after the
  // byte tokens; never produced from text unless encode allows them. `eod`,
  // the end-of-document token of the trainer formats, goes first unless it
  // is listed here; empty = none. Each must be valid UTF-8 of 1..1024 bytes
  // without whitespace or control characters (so scene and window cuts
  // never fall inside one).
  std::vector<std::string> specials;
  std::string eod = "<|endoftext|>";
  // Called while counting with the bytes of the current input done so far.
  std::function<void(uint64_t)> progress;
};

struct TrainStats {
  uint64_t bytes = 0;
  uint64_t distinct_pretokens = 0;
  uint64_t sample_pretokens = 0;
  uint64_t bonds_mined = 0;
  uint64_t candidates = 0;
  uint64_t rounds = 0;
  uint64_t sample_tokens = 0;   // tokens of the sample under the chosen pieces
  uint64_t endings = 0;         // ending markers in the inventory
  uint64_t lexicon_morphs = 0;  // morph lexicon entries kept (morph_align)
  std::string morph;            // "given", "learned" or "none"
};

// The special tokens options reserves, in id order from 256 (eod first
// unless listed), or kInvalidArgument naming the first bad one.
StatusOr<std::vector<std::string>> ReservedSpecialTokens(const TrainOptions& options);

// An encoder for any codebook: for a morph-aligned one it runs the
// codebook's own morph model (section MRPH) to place word boundaries;
// otherwise it is Encoder::Create. `check` runs the self-tests; `threads`
// as for Encoder::Create.
StatusOr<Encoder> MakeEncoder(const Codebook& codebook, bool check = true, int threads = 1);

class Trainer {
 public:
  explicit Trainer(TrainOptions options);
  ~Trainer();

  // Counts one input (streamed; it never has to fit in memory). Pre-tokens
  // never span two inputs.
  Status AddSource(ByteSource* source);
  // Adds a counts file (`hypertok count`, docs/FORMAT.md): the same as
  // adding the inputs it was counted from, in any order. Its sample budget
  // (max_sample_tokens) must match this trainer's.
  Status AddCounts(ByteSource* source);
  // Writes what has been counted so far as a counts file. Files written from
  // the same set of inputs are byte-identical whatever the order, grouping
  // or thread count.
  Status SaveCounts(ByteSink* sink);
  // Chooses the vocabulary and returns the codebook, self-tests included.
  StatusOr<Codebook> Build();
  const TrainStats& stats() const { return stats_; }

 private:
  struct State;
  TrainOptions options_;
  std::unique_ptr<State> state_;
  TrainStats stats_;
};

}  // namespace hypertok

#endif  // HYPERTOK_TRAINER_H_
