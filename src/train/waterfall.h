// The per-stage waterfall behind `hypertok stats`: how many tokens the text
// takes as each pipeline stage's pieces are added to the vocabulary, so a user
// sees what every stage buys on their own text.
//
// Stages, cumulative, each a codebook restricted to pieces of these origins
// (codebook.h, PieceOrigin) and encoded with the same min-token encoder:
//   bytes+words   byte tokens + whole pre-tokens (words with their space,
//                 numbers, symbol runs, line breaks)
//   +morphs       + characters, subwords and morph pieces
//   +endings      + ending markers
//   +hyperbonds   + hyperbonds
//   hypertokens   the whole codebook (what `encode` produces)
#ifndef HYPERTOK_TRAIN_WATERFALL_H_
#define HYPERTOK_TRAIN_WATERFALL_H_

#include <memory>
#include <string>
#include <vector>

#include "hypertok/codebook.h"
#include "hypertok/encoder.h"
#include "hypertok/pipeline.h"

namespace hypertok {

struct StageCount {
  std::string name;
  uint64_t tokens = 0;
};

struct TextCounts {
  uint64_t bytes = 0;
  uint64_t chars = 0;  // UTF-8 characters; each invalid byte counts as one
  uint64_t words = 0;  // word and number pre-tokens
  uint64_t scenes = 0;
  std::vector<StageCount> stages;  // in the order above; the last is final
};

// A TokenSink that counts text and re-encodes each piece it is given with
// every stage's restricted codebook. Feed it through EncodeSource with the
// full encoder; the final stage counts the ids it receives.
class Waterfall : public TokenSink {
 public:
  static StatusOr<std::unique_ptr<Waterfall>> Create(const Codebook& codebook);
  Status Add(std::span<const uint32_t> ids, std::string_view original, bool scene_end,
             bool document_end) override;
  Status Finish() override { return OkStatus(); }
  // Counts since the last Take(), then reset.
  TextCounts Take();

 private:
  Waterfall() = default;
  std::vector<std::unique_ptr<Codebook>> codebooks_;
  std::vector<std::unique_ptr<Encoder>> encoders_;
  TextCounts counts_;
  std::vector<uint32_t> scratch_;
};

}  // namespace hypertok

#endif  // HYPERTOK_TRAIN_WATERFALL_H_
