// Hyperbond miner: finds frequent runs of 2 to `max_words` words, with the
// exact spaces, punctuation and line breaks between them, in the corpus
// sample. Counting is exact and level by level (apriori): an n-pre-token run
// is counted only where both of its (n−1)-runs were frequent, so memory stays
// near the number of frequent runs rather than all runs.
//
// A bond is a run of whole pre-tokens (see pretokenizer.h): at most
// `max_words` of them words or numbers, at most 2·max_words + 1 in all, at
// most `max_bytes` long, not crossing a paragraph break (one may end it).
#ifndef HYPERTOK_TRAIN_HYPERBOND_MINER_H_
#define HYPERTOK_TRAIN_HYPERBOND_MINER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "train/corpus.h"

namespace hypertok {

struct BondOptions {
  int max_words = 3;
  uint64_t min_count = 2;
  size_t max_bytes = 96;
};

struct Bond {
  std::vector<uint32_t> parts;  // pre-token ids
  std::string text;
  uint64_t count = 0;  // occurrences in the sample
  int words = 0;
  // Tokens saved if every pre-token were one token: count × (parts − 1).
  uint64_t savings() const { return count * (parts.size() - 1); }
};

// All bonds with count >= min_count, sorted by savings (desc), then text.
std::vector<Bond> MineBonds(const Corpus& corpus, const BondOptions& options);

}  // namespace hypertok

#endif  // HYPERTOK_TRAIN_HYPERBOND_MINER_H_
