// Hypertoken codebook builder: chooses the normal pieces of a codebook so
// that the training sample takes as few tokens as possible.
//
// Method (docs/TRAINING.md has the measurements behind it): seed a large
// candidate set — every multi-byte character, the most valuable substrings
// of pre-tokens (whole pre-tokens included), and the mined hyperbonds — then
// prune it down to size. Each round segments the sample with the fewest
// tokens the current candidates allow (pre-tokens by DP over a byte trie,
// the pre-token sequence by DP over a trie of bonds), counts how often each
// candidate is used, and estimates what removing it would cost: uses ×
// (tokens of its best spelling without it − 1). The cheapest fifth goes,
// until exactly the requested number remain. Deterministic: ties are broken
// by bytes, and threads only split independent work.
#ifndef HYPERTOK_TRAIN_CODEBOOK_BUILDER_H_
#define HYPERTOK_TRAIN_CODEBOOK_BUILDER_H_

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "hypertok/codebook.h"
#include "hypertok/status.h"
#include "train/corpus.h"
#include "train/hyperbond_miner.h"

namespace hypertok {

// Where a word may be cut: fills *cuts with the byte offsets strictly inside
// `word` that fall on morph boundaries. Null = anywhere (no morph model).
using CutOracle = std::function<void(std::string_view word, std::vector<uint32_t>* cuts)>;

struct BuilderOptions {
  size_t pieces = 31744;           // normal pieces to choose (vocab − 256 − specials)
  double subword_seed_factor = 6;  // subword candidates seeded, × pieces
  double bond_seed_factor = 3;     // bond candidates seeded, × pieces
  size_t max_subword_chars = 16;
  size_t max_subword_bytes = 48;
  double shrink = 0.8;  // fraction kept per pruning round
  int threads = 1;
  CutOracle cuts;                    // morph boundaries for subword candidates, if any
  std::vector<std::string> endings;  // ending markers, seeded as kEnding candidates
  std::vector<std::string> keep;     // always chosen (a morph lexicon); at most pieces / 2
  // Called after each pruning round; a non-OK status stops the build with it
  // (the trainer's --max-memory check). Optional.
  std::function<Status()> checkpoint;
};

struct BuilderReport {
  size_t char_candidates = 0;
  size_t subword_candidates = 0;
  size_t bond_candidates = 0;
  size_t rounds = 0;
  uint64_t sample_tokens = 0;  // tokens of the sample under the final pieces
  size_t chosen_by_origin[kNumPieceOrigins] = {};
};

// Returns exactly options.pieces pieces (fewer only if the corpus has fewer
// distinct candidates), ordered by use in the sample (most used first), or
// the checkpoint's error.
StatusOr<std::vector<Piece>> BuildPieces(const Corpus& corpus, const std::vector<Bond>& bonds,
                                         const BuilderOptions& options, BuilderReport* report);

}  // namespace hypertok

#endif  // HYPERTOK_TRAIN_CODEBOOK_BUILDER_H_
