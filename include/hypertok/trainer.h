// The codebook trainer. This first trainer picks, within --vocab-size, the
// 256 byte tokens plus the pre-tokens (words with their leading space,
// numbers, symbol runs, line-break runs; see src/train/pretokenizer.h) and
// multi-byte characters that save the most tokens on the training text:
// score = count × (characters − 1) for a pre-token, count × (bytes − 1) for a
// character; ties broken by bytes. Later stages (morphemes, ending markers,
// hyperbonds) replace the candidate set; the codebook format stays.
//
// Deterministic: the codebook bytes depend only on the input bytes and the
// options other than `threads`.
//
//   Trainer trainer({.vocab_size = 8000});
//   HT_RETURN_IF_ERROR(trainer.AddSource(&file));
//   HT_ASSIGN_OR_RETURN(Codebook cb, trainer.Build());
#ifndef HYPERTOK_TRAINER_H_
#define HYPERTOK_TRAINER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hypertok/codebook.h"
#include "hypertok/io.h"
#include "hypertok/scene.h"
#include "hypertok/status.h"

namespace hypertok {

struct TrainOptions {
  size_t vocab_size = 32000;
  SceneMode scene = SceneMode::kParagraph;  // stored as encode's default
  int threads = 1;
  uint64_t seed = 0;  // recorded; this trainer makes no random choices
};

struct TrainStats {
  uint64_t bytes = 0;
  uint64_t distinct_pretokens = 0;
  uint64_t candidates = 0;
};

class Trainer {
 public:
  explicit Trainer(TrainOptions options);
  ~Trainer();

  // Counts one input (streamed; it never has to fit in memory).
  Status AddSource(ByteSource* source);
  // Chooses the vocabulary and returns the codebook, self-tests included.
  StatusOr<Codebook> Build();
  const TrainStats& stats() const { return stats_; }

 private:
  struct Counts;
  TrainOptions options_;
  std::unique_ptr<Counts> counts_;
  TrainStats stats_;
};

}  // namespace hypertok

#endif  // HYPERTOK_TRAINER_H_
