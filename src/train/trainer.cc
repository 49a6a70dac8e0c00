// First trainer: parallel pre-token counting, then a greedy choice by saved
// tokens. See trainer.h for the contract.
//
// Counting: the input is read in fixed 4 MiB chunks and each chunk is cut at a
// SafeCut point, so no pre-token spans two work items and the counts do not
// depend on how many threads there are. Each thread counts into its own table;
// tables are summed at the end (addition commutes, so the sums are exact and
// order-free).
#include "hypertok/trainer.h"

#include <algorithm>
#include <thread>
#include <unordered_map>

#include "common/hash.h"
#include "hypertok/encoder.h"
#include "train/pretokenizer.h"
#include "hypertok/version.h"

namespace hypertok {

using namespace std::string_view_literals;

namespace {

constexpr size_t kChunkBytes = size_t{4} << 20;
constexpr size_t kSelfTestSamples = 4;
constexpr size_t kSelfTestSampleBytes = 256;
// Pre-tokens longer than this are not vocabulary candidates.
constexpr size_t kMaxCandidateBytes = 64;

using CountTable = std::unordered_map<std::string, uint64_t>;

void CountChunk(std::string_view text, CountTable* table) {
  Pretokenize(text, [&](std::string_view unit) {
    if (unit.size() <= kMaxCandidateBytes) ++(*table)[std::string(unit)];
  });
}

}  // namespace

struct Trainer::Counts {
  CountTable table;
  Hasher64 input_hash;
  std::vector<std::string> samples;  // first scenes, for self-tests
};

Trainer::Trainer(TrainOptions options)
    : options_(options), counts_(std::make_unique<Counts>()) {}
Trainer::~Trainer() = default;

Status Trainer::AddSource(ByteSource* source) {
  const int threads = std::max(1, options_.threads);
  std::string buf;
  bool eof = false;
  std::vector<CountTable> tables(threads);
  while (!eof) {
    // Read up to `threads` chunks, then count them in parallel.
    size_t at = buf.size();
    size_t want = kChunkBytes * threads;
    buf.resize(at + want);
    HT_ASSIGN_OR_RETURN(size_t got, source->ReadFull(buf.data() + at, want));
    buf.resize(at + got);
    eof = got < want;
    counts_->input_hash.Update(std::string_view(buf).substr(at));
    stats_.bytes += got;
    if (counts_->samples.size() < kSelfTestSamples) {
      std::string_view rest = buf;
      while (counts_->samples.size() < kSelfTestSamples && !rest.empty()) {
        size_t end = FindSceneEnd(rest, options_.scene, true);
        counts_->samples.emplace_back(rest.substr(0, std::min(end, kSelfTestSampleBytes)));
        rest.remove_prefix(end);
      }
    }
    // Cut the buffer into work items of at most kChunkBytes at safe points;
    // without eof, the tail after the last cut waits for more input.
    std::vector<std::string_view> items;
    std::string_view rest = buf;
    while (!rest.empty()) {
      if (!eof && rest.size() <= kChunkBytes) break;
      size_t cut = SafeCut(rest, kChunkBytes);
      items.push_back(rest.substr(0, cut));
      rest.remove_prefix(cut);
    }
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (size_t i = t; i < items.size(); i += threads) CountChunk(items[i], &tables[t]);
      });
    }
    for (size_t i = 0; i < items.size(); i += threads) CountChunk(items[i], &tables[0]);
    for (auto& th : pool) th.join();
    buf.erase(0, buf.size() - rest.size());
  }
  for (CountTable& t : tables) {
    for (auto& [k, v] : t) counts_->table[k] += v;
    t.clear();
  }
  return OkStatus();
}

StatusOr<Codebook> Trainer::Build() {
  HT_CHECK_OR_RETURN(options_.vocab_size >= 256, InvalidArgument)
      << "--vocab-size " << options_.vocab_size << " is below the 256 byte tokens";
  HT_CHECK_OR_RETURN(options_.vocab_size <= Codebook::kMaxVocabSize, InvalidArgument)
      << "--vocab-size " << options_.vocab_size << " exceeds the limit of "
      << Codebook::kMaxVocabSize;
  stats_.distinct_pretokens = counts_->table.size();

  // Candidate → score (tokens saved against spelling it one level down).
  std::unordered_map<std::string, uint64_t> score;
  for (const auto& [unit, count] : counts_->table) {
    size_t chars = CountChars(unit);
    if (chars >= 2 && count >= 2) score[unit] += count * (chars - 1);
    // Every multi-byte character inside the unit.
    for (size_t i = 0, len; i < unit.size(); i += len) {
      len = CharLength(unit, i);
      if (len >= 2) score[unit.substr(i, len)] += count * (len - 1);
    }
  }
  std::vector<std::pair<std::string, uint64_t>> ranked(score.begin(), score.end());
  stats_.candidates = ranked.size();
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  const size_t budget = options_.vocab_size - 256;
  if (ranked.size() > budget) ranked.resize(budget);

  std::vector<Piece> pieces = Codebook::BytePieces();
  for (auto& [bytes, s] : ranked) pieces.push_back({bytes, PieceKind::kNormal});

  std::map<std::string, std::string> meta = {
      {"tool", "hypertok " HYPERTOK_VERSION},
      {"trainer", "frequent-pretokens-v1"},
      {"vocab_size", std::to_string(options_.vocab_size)},
      {"seed", std::to_string(options_.seed)},
      {"input_bytes", std::to_string(stats_.bytes)},
      {"input_xxh3", Hex64(counts_->input_hash.Digest())},
  };
  HT_ASSIGN_OR_RETURN(Codebook cb, Codebook::Create(std::move(pieces), options_.scene, meta));

  // Self-tests: the first scenes of the input plus fixed adversarial probes,
  // with the ids this build gives them.
  std::vector<std::string> inputs = counts_->samples;
  inputs.emplace_back("\xEF\xBB\xBFHello,\r\nworld!\r\n\r\n\x00\xFF\xC0"sv);
  inputs.push_back("Мороз и солнце; день чудесный!\n\n中文 Ünïcödé 123");
  HT_ASSIGN_OR_RETURN(Encoder enc, Encoder::CreateUnchecked(cb));
  std::vector<SelfTest> tests;
  for (const std::string& in : inputs) tests.push_back({in, enc.Encode(in)});
  cb.set_self_tests(std::move(tests));
  return cb;
}

}  // namespace hypertok
