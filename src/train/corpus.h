// Corpus statistics for training: the pre-token table (every distinct
// pre-token with its count over the whole input) and a bounded, in-order
// sample of the input as pre-token ids, from which hyperbonds are mined and
// on which the codebook builder measures token counts.
//
// Memory is the count table plus the sample. The sample keeps every pre-token
// until it reaches `max_sample_tokens`; then every other stored chunk is
// dropped and from then on only every 2nd (4th, …) chunk is kept, so it stays
// bounded and spread over the whole input. Chunks are cut from the text alone
// (SafeCut), so the sample — and everything trained from it — does not depend
// on the thread count.
#ifndef HYPERTOK_TRAIN_CORPUS_H_
#define HYPERTOK_TRAIN_CORPUS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/hash.h"
#include "hypertok/io.h"
#include "hypertok/status.h"

namespace hypertok {

// Separates sample chunks; bonds never span it.
constexpr uint32_t kChunkBreak = 0xFFFFFFFFu;

struct PretokenInfo {
  uint64_t count = 0;          // over the whole input
  uint64_t sample_count = 0;   // in the sample
  bool is_word = false;        // holds a letter or digit
  bool is_paragraph_break = false;  // a line-break run with two or more '\n'
  bool is_line_break = false;  // any line-break run
};

class Corpus {
 public:
  struct Options {
    int threads = 1;
    size_t max_sample_tokens = size_t{64} << 20;
  };
  explicit Corpus(Options options) : options_(options) {}

  // Adds one input, streamed. Its end is a chunk break.
  Status AddSource(ByteSource* source);

  size_t size() const { return strings_.size(); }
  const std::string& str(uint32_t id) const { return *strings_[id]; }
  const PretokenInfo& info(uint32_t id) const { return info_[id]; }
  // The sample, with kChunkBreak between chunks.
  const std::vector<uint32_t>& sample() const { return sample_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t input_hash() const;
  // The first bytes of the input (for self-test samples).
  const std::string& head() const { return head_; }
  // Distinct words (letters only, without a leading space) with their counts
  // over the whole input, sorted by word: what morph models learn from.
  std::vector<std::pair<std::string, uint64_t>> WordCounts() const;
  // Every kept chunk was 1 in `sample_stride` of all chunks.
  uint64_t sample_stride() const { return stride_; }

 private:
  void Append(std::vector<uint32_t>&& ids);

  Options options_;
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<const std::string*> strings_;
  std::vector<PretokenInfo> info_;
  std::vector<uint32_t> sample_;
  std::vector<size_t> chunk_starts_;  // offsets of kept chunks in sample_
  uint64_t chunk_counter_ = 0;
  uint64_t stride_ = 1;
  uint64_t bytes_ = 0;
  std::string head_;
  Hasher64 hash_;
};

}  // namespace hypertok

#endif  // HYPERTOK_TRAIN_CORPUS_H_
