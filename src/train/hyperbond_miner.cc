#include "train/hyperbond_miner.h"

#include <algorithm>
#include <unordered_map>

namespace hypertok {

namespace {
constexpr uint32_t kNone = 0xFFFFFFFFu;

struct Gram {
  uint32_t parent;  // index of the (n−1)-gram prefix in the previous level, or kNone
  uint32_t last;    // pre-token id
  uint64_t count;
  uint32_t bytes;
  int words;
};
}  // namespace

std::vector<Bond> MineBonds(const Corpus& corpus, const BondOptions& options) {
  const std::vector<uint32_t>& seq = corpus.sample();
  const size_t n = seq.size();
  const size_t max_parts = 2 * static_cast<size_t>(options.max_words) + 1;
  std::vector<std::vector<Gram>> levels;

  // For the runs of the current length starting at i: freq[i] is the index
  // of the run if it is frequent, ext[i] the same if it may also grow (it
  // does not end in a paragraph break).
  std::vector<uint32_t> freq(n, kNone), ext(n, kNone);
  {
    std::vector<Gram> level;
    std::unordered_map<uint32_t, uint32_t> index;
    for (size_t i = 0; i < n; ++i) {
      uint32_t id = seq[i];
      if (id == kChunkBreak) continue;
      const PretokenInfo& info = corpus.info(id);
      if (info.sample_count < options.min_count) continue;
      auto [it, inserted] = index.try_emplace(id, static_cast<uint32_t>(level.size()));
      if (inserted)
        level.push_back({kNone, id, info.sample_count,
                         static_cast<uint32_t>(corpus.str(id).size()), info.is_word ? 1 : 0});
      freq[i] = it->second;
      if (!info.is_paragraph_break) ext[i] = it->second;
    }
    levels.push_back(std::move(level));
  }

  for (size_t len = 2; len <= max_parts; ++len) {
    const std::vector<Gram>& prev = levels.back();
    std::unordered_map<uint64_t, uint32_t> index;
    std::vector<Gram> level;
    std::vector<uint32_t> next(n, kNone);
    // Count a run where its prefix may grow and its suffix is frequent.
    for (size_t i = 0; i + len <= n; ++i) {
      if (ext[i] == kNone || freq[i + 1] == kNone) continue;
      uint32_t last = seq[i + len - 1];
      const Gram& p = prev[ext[i]];
      int words = p.words + (corpus.info(last).is_word ? 1 : 0);
      size_t bytes = p.bytes + corpus.str(last).size();
      if (words > options.max_words || bytes > options.max_bytes) continue;
      uint64_t key = uint64_t{ext[i]} << 32 | last;
      auto [it, inserted] = index.try_emplace(key, static_cast<uint32_t>(level.size()));
      if (inserted) level.push_back({ext[i], last, 0, static_cast<uint32_t>(bytes), words});
      ++level[it->second].count;
      next[i] = it->second;
    }
    // Keep the frequent ones, renumbered.
    std::vector<uint32_t> renumber(level.size(), kNone);
    std::vector<Gram> kept;
    for (size_t g = 0; g < level.size(); ++g) {
      if (level[g].count < options.min_count) continue;
      renumber[g] = static_cast<uint32_t>(kept.size());
      kept.push_back(level[g]);
    }
    for (size_t i = 0; i < n; ++i) {
      uint32_t g = next[i] == kNone ? kNone : renumber[next[i]];
      freq[i] = g;
      ext[i] = g != kNone && !corpus.info(kept[g].last).is_paragraph_break ? g : kNone;
    }
    levels.push_back(std::move(kept));
    if (levels.back().empty()) break;
  }

  std::vector<Bond> bonds;
  for (size_t l = 1; l < levels.size(); ++l) {
    for (const Gram& g : levels[l]) {
      Bond b;
      b.count = g.count;
      b.words = g.words;
      b.parts.resize(l + 1);
      const Gram* at = &g;
      for (size_t k = l + 1; k-- > 0;) {
        b.parts[k] = at->last;
        if (k > 0) at = &levels[k - 1][at->parent];
      }
      for (uint32_t id : b.parts) b.text += corpus.str(id);
      bonds.push_back(std::move(b));
    }
  }
  std::sort(bonds.begin(), bonds.end(), [](const Bond& a, const Bond& b) {
    return a.savings() != b.savings() ? a.savings() > b.savings() : a.text < b.text;
  });
  return bonds;
}

}  // namespace hypertok
