// Corpus statistics for training: the pre-token table (every distinct
// pre-token with its count over the whole input), a bounded sample of the
// input as chunks of pre-token ids (from which hyperbonds are mined and on
// which the codebook builder measures token counts), and a record per input.
//
// The sample is chosen by content, so that counting shards separately and
// merging gives exactly what counting them together gives, in any order:
// text is cut into chunks of about kChunkBytes at points chosen from the
// text alone (SafeCut), and a chunk is kept when the top `level` bits of the
// XXH3-64 of its bytes are zero. The level starts at 0 (keep all) and rises
// by one whenever the sample exceeds max_sample_tokens, dropping the chunks
// that no longer qualify; so the final sample is always "every chunk whose
// hash has the top L bits zero" for the smallest L that fits, and memory
// stays bounded by the count table plus the sample.
//
// Canonicalize() renumbers pre-tokens by their bytes and sorts the chunks,
// after which everything downstream is a function of the set of inputs.
// Counts files (`hypertok count`, docs/FORMAT.md) hold exactly this state.
#ifndef HYPERTOK_TRAIN_CORPUS_H_
#define HYPERTOK_TRAIN_CORPUS_H_

#include <cstdint>
#include <functional>
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

// One input that was counted.
struct SourceRecord {
  uint64_t bytes = 0;
  uint64_t xxh3 = 0;  // XXH3-64 of its bytes
  std::string head;   // its first kHeadBytes bytes (self-test samples)
};

class Corpus {
 public:
  static constexpr size_t kChunkBytes = size_t{64} << 10;
  static constexpr size_t kHeadBytes = 4096;

  struct Options {
    int threads = 1;
    size_t max_sample_tokens = size_t{32} << 20;
    // Peak resident bytes allowed (0 = no limit), checked after each batch.
    uint64_t max_memory = 0;
    // Called after each batch of AddSource with the bytes of that source
    // counted so far. Optional.
    std::function<void(uint64_t)> progress;
  };
  explicit Corpus(Options options) : options_(options) {}

  // Adds one input, streamed. Units never span two inputs.
  Status AddSource(ByteSource* source);
  // Adds the contents of a counts file (as written by Save) — the same as
  // having counted its inputs here. Its max_sample_tokens must match.
  Status AddCounts(ByteSource* source);
  // Writes the canonical state as a counts file.
  Status Save(ByteSink* sink);

  // Renumbers pre-tokens in byte order and sorts the sample's chunks by
  // (hash, ids). Idempotent; Save and the trainer call it.
  void Canonicalize();

  size_t size() const { return strings_.size(); }
  const std::string& str(uint32_t id) const { return *strings_[id]; }
  const PretokenInfo& info(uint32_t id) const { return info_[id]; }
  // The sample, with kChunkBreak after each chunk.
  const std::vector<uint32_t>& sample() const { return sample_; }
  uint64_t bytes() const { return bytes_; }
  // The inputs, ordered by (xxh3, bytes, head) once canonical.
  const std::vector<SourceRecord>& sources() const { return sources_; }
  // XXH3-64 of the input for a single input; for several, XXH3-64 of their
  // (xxh3, bytes) pairs in canonical order. Independent of input order.
  uint64_t input_hash() const;
  // Distinct words (letters only, without a leading space) with their counts
  // over the whole input, sorted by word: what morph models learn from.
  std::vector<std::pair<std::string, uint64_t>> WordCounts() const;
  // Each kept chunk's hash has its top sample_level() bits zero.
  int sample_level() const { return level_; }

 private:
  struct Chunk {
    uint64_t hash;
    size_t begin, end;  // the chunk's ids are sample_[begin, end); sample_[end] is its break
  };
  uint32_t Intern(std::string_view s);
  // Appends a chunk (ids without the break) if its hash passes the level.
  void AddChunk(uint64_t hash, const uint32_t* ids, size_t n);
  // Raises the level until the sample fits, dropping chunks.
  void Fit();
  // Raises the level to `target` (if higher), dropping chunks.
  void RaiseLevel(int target);
  bool Keeps(uint64_t hash) const { return level_ == 0 || (hash >> (64 - level_)) == 0; }

  Options options_;
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<const std::string*> strings_;
  std::vector<PretokenInfo> info_;
  std::vector<uint32_t> sample_;
  std::vector<Chunk> chunks_;
  int level_ = 0;
  uint64_t bytes_ = 0;
  std::vector<SourceRecord> sources_;
};

}  // namespace hypertok

#endif  // HYPERTOK_TRAIN_CORPUS_H_
