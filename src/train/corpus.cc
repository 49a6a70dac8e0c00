// Corpus counting. Input is read in batches of `threads` × 4 MiB and cut at
// SafeCut points into work items; each thread pre-tokenizes its items into a
// local table (string_view → local id) and a local id sequence. Items are then
// merged in input order, so global ids, counts and the sample are the same
// for any thread count.
#include "train/corpus.h"

#include <algorithm>
#include <thread>

#include "common/hash.h"
#include "codec/pretokenizer.h"

namespace hypertok {

namespace {

constexpr size_t kItemBytes = size_t{4} << 20;
constexpr size_t kHeadBytes = 4096;

struct LocalItem {
  std::unordered_map<std::string_view, uint32_t> ids;
  std::vector<std::string_view> strings;
  std::vector<uint64_t> counts;
  std::vector<uint32_t> seq;
};

void Tokenize(std::string_view text, LocalItem* item) {
  Pretokenize(text, [&](std::string_view u) {
    auto [it, inserted] = item->ids.try_emplace(u, static_cast<uint32_t>(item->strings.size()));
    if (inserted) {
      item->strings.push_back(u);
      item->counts.push_back(0);
    }
    ++item->counts[it->second];
    item->seq.push_back(it->second);
  });
}

PretokenInfo Classify(std::string_view s) {
  PretokenInfo info;
  int newlines = 0;
  bool only_breaks = true;
  for (char c : s) {
    newlines += c == '\n';
    if (c != '\n' && c != '\r') only_breaks = false;
  }
  info.is_line_break = only_breaks && !s.empty();
  info.is_paragraph_break = info.is_line_break && newlines >= 2;
  UnitClass cls = ClassifyUnit(s);
  info.is_word = cls == UnitClass::kWord || cls == UnitClass::kNumber;
  return info;
}

}  // namespace

uint64_t Corpus::input_hash() const { return hash_.Digest(); }

void Corpus::Append(std::vector<uint32_t>&& ids) {
  const bool keep = chunk_counter_++ % stride_ == 0;
  for (uint32_t id : ids) info_[id].sample_count += keep;
  if (!keep) return;
  chunk_starts_.push_back(sample_.size());
  sample_.insert(sample_.end(), ids.begin(), ids.end());
  sample_.push_back(kChunkBreak);
  if (sample_.size() <= options_.max_sample_tokens) return;
  // Over budget: keep every other stored chunk and halve the rate from now on.
  std::vector<uint32_t> kept;
  std::vector<size_t> starts;
  for (size_t c = 0; c < chunk_starts_.size(); ++c) {
    size_t b = chunk_starts_[c];
    size_t e = c + 1 < chunk_starts_.size() ? chunk_starts_[c + 1] : sample_.size();
    if (c % 2 == 0) {
      starts.push_back(kept.size());
      kept.insert(kept.end(), sample_.begin() + b, sample_.begin() + e);
    } else {
      for (size_t i = b; i < e; ++i)
        if (sample_[i] != kChunkBreak) --info_[sample_[i]].sample_count;
    }
  }
  sample_ = std::move(kept);
  chunk_starts_ = std::move(starts);
  stride_ *= 2;
  // Chunk numbering continues so the next kept chunk is a multiple of stride.
}

std::vector<std::pair<std::string, uint64_t>> Corpus::WordCounts() const {
  std::unordered_map<std::string_view, uint64_t> words;
  for (uint32_t id = 0; id < size(); ++id) {
    std::string_view w = str(id);
    if (ClassifyUnit(w) != UnitClass::kWord) continue;
    if (w[0] == ' ') w.remove_prefix(1);
    words[w] += info_[id].count;
  }
  std::vector<std::pair<std::string, uint64_t>> out;
  out.reserve(words.size());
  for (const auto& [w, c] : words) out.emplace_back(std::string(w), c);
  std::sort(out.begin(), out.end());
  return out;
}

Status Corpus::AddSource(ByteSource* source) {
  const int threads = std::max(1, options_.threads);
  std::string buf;
  bool eof = false;
  while (!eof) {
    size_t at = buf.size();
    size_t want = kItemBytes * threads;
    buf.resize(at + want);
    HT_ASSIGN_OR_RETURN(size_t got, source->ReadFull(buf.data() + at, want));
    buf.resize(at + got);
    eof = got < want;
    hash_.Update(std::string_view(buf).substr(at));
    bytes_ += got;
    if (head_.size() < kHeadBytes)
      head_.append(std::string_view(buf).substr(at, kHeadBytes - head_.size()));

    std::vector<std::string_view> texts;
    std::string_view rest = buf;
    while (!rest.empty()) {
      if (!eof && rest.size() <= kItemBytes) break;
      size_t cut = SafeCut(rest, kItemBytes);
      texts.push_back(rest.substr(0, cut));
      rest.remove_prefix(cut);
    }
    std::vector<LocalItem> items(texts.size());
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (size_t i = t; i < texts.size(); i += threads) Tokenize(texts[i], &items[i]);
      });
    for (size_t i = 0; i < texts.size(); i += threads) Tokenize(texts[i], &items[i]);
    for (auto& th : pool) th.join();

    for (LocalItem& item : items) {
      std::vector<uint32_t> to_global(item.strings.size());
      for (size_t l = 0; l < item.strings.size(); ++l) {
        auto [it, inserted] =
            index_.try_emplace(std::string(item.strings[l]), static_cast<uint32_t>(strings_.size()));
        if (inserted) {
          strings_.push_back(&it->first);
          info_.push_back(Classify(item.strings[l]));
        }
        to_global[l] = it->second;
        info_[it->second].count += item.counts[l];
      }
      for (uint32_t& id : item.seq) id = to_global[id];
      Append(std::move(item.seq));
    }
    buf.erase(0, buf.size() - rest.size());
  }
  return OkStatus();
}

}  // namespace hypertok
