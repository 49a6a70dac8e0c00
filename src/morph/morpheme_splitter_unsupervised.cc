// Unsupervised morpheme splitting from word counts.
//
// A unigram morph model over word *types* (each distinct word counts once:
// morphology is about how many words share a morph, not how often one word
// recurs), learned by hard EM with a minimum-description-length price:
//   cost(m) = −log2 p(m) + lexicon_bits(m) / uses(m)
// where lexicon_bits(m) = 5 bits per character spells m once in the
// lexicon, shared by all its uses. A morph used by one word pays its whole
// spelling there, so a word is split wherever its parts are reused by other
// words — the Morfessor principle, but optimised by re-segmenting every type
// with Viterbi each round instead of greedy recursive splitting, and seeded
// with every substring shared by several types so stems and affixes are found
// together rather than by peeling.
//
// Types: a morph that ends most of the words it occurs in, and alternates
// with other such morphs after the same stems, is an ending (END); a morph
// that starts most of its words is a prefix; the rest are roots or suffixes by
// length. These are corpus statistics, no hand-written rules, so any language
// works.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "morph/morph_internal.h"
#include "morph/word_view.h"

namespace hypertok {

namespace {
constexpr size_t kMaxMorphChars = 10;
constexpr double kCharBits = 5.0;
constexpr uint64_t kMinSeedTypes = 3;
}  // namespace

struct UnsupervisedTrainer {
  struct Stats {
    double uses = 0, finals = 0, initials = 0;
  };

  static std::vector<std::u32string> ViterbiSplit(
      const std::u32string& w, const std::unordered_map<std::u32string, double>& cost,
      double unknown, size_t max_len) {
    const size_t n = w.size();
    std::vector<double> best(n + 1, 1e300);
    std::vector<size_t> from(n + 1, 0);
    best[0] = 0;
    for (size_t j = 1; j <= n; ++j) {
      for (size_t i = j > max_len ? j - max_len : 0; i < j; ++i) {
        auto it = cost.find(w.substr(i, j - i));
        double c = it != cost.end() ? it->second : (j - i == 1 ? unknown : 1e300);
        if (best[i] + c < best[j] || (best[i] + c == best[j] && i < from[j])) {
          best[j] = best[i] + c;
          from[j] = i;
        }
      }
    }
    std::vector<std::u32string> out;
    for (size_t j = n; j > 0; j = from[j]) out.push_back(w.substr(from[j], j - from[j]));
    std::reverse(out.begin(), out.end());
    return out;
  }
};

UnsupervisedModel UnsupervisedModel::Train(
    const std::vector<std::pair<std::string, uint64_t>>& word_counts,
    const UnsupervisedOptions& options) {
  // Distinct folded word types made of letters only.
  std::map<std::u32string, uint64_t> types;
  for (const auto& [word, count] : word_counts) {
    if (count < options.min_count) continue;
    WordView v = WordView::Of(word);
    if (v.size() == 0 || v.size() > 40) continue;
    types[v.folded] += count;
  }
  std::vector<std::u32string> words;
  for (const auto& [w, c] : types) words.push_back(w);

  // Seed: substrings shared by several types.
  std::unordered_map<std::u32string, uint64_t> seed;
  for (const auto& w : words) {
    std::unordered_map<std::u32string, bool> seen;
    for (size_t i = 0; i < w.size(); ++i)
      for (size_t len = 1; len <= kMaxMorphChars && i + len <= w.size(); ++len)
        seen.emplace(w.substr(i, len), true);
    for (const auto& [s, unused] : seen) ++seed[s];
  }
  std::unordered_map<std::u32string, double> count;
  for (const auto& [s, c] : seed)
    if (c >= kMinSeedTypes || s.size() == 1) count[s] = static_cast<double>(c);
  for (const auto& w : words) count.emplace(w, 1.0);  // every word can stand alone

  std::unordered_map<std::u32string, double> cost;
  std::vector<std::vector<std::u32string>> seg(words.size());
  double unknown = 30;
  for (int iter = 0; iter < options.iterations; ++iter) {
    double total = 0;
    for (const auto& [m, c] : count) total += c;
    cost.clear();
    for (const auto& [m, c] : count) {
      if (c <= 0) continue;
      cost[m] = -std::log2(c / total) + kCharBits * static_cast<double>(m.size()) / c;
    }
    unknown = std::log2(total) + kCharBits + 4;
    std::unordered_map<std::u32string, double> next;
    for (size_t k = 0; k < words.size(); ++k) {
      seg[k] = UnsupervisedTrainer::ViterbiSplit(words[k], cost, unknown, kMaxMorphChars + 30);
      for (const auto& m : seg[k]) next[m] += 1;
    }
    count.swap(next);
  }

  // Types of morphs from where they stand in the words that use them.
  std::unordered_map<std::u32string, UnsupervisedTrainer::Stats> stats;
  for (const auto& s : seg) {
    for (size_t i = 0; i < s.size(); ++i) {
      auto& st = stats[s[i]];
      st.uses += 1;
      st.finals += (i + 1 == s.size() && s.size() > 1);
      st.initials += (i == 0 && s.size() > 1);
    }
  }
  UnsupervisedModel model;
  double total = 0;
  for (const auto& [m, c] : count) total += c;
  for (const auto& [m, c] : count) {
    Entry e;
    e.cost = static_cast<float>(-std::log2(c / total) + kCharBits * m.size() / c);
    const auto& st = stats[m];
    if (st.uses >= 3 && st.finals / st.uses > 0.6 && m.size() <= 4) e.type = MorphType::kEnding;
    else if (st.uses >= 3 && st.initials / st.uses > 0.6 && m.size() <= 5) e.type = MorphType::kPrefix;
    else if (m.size() <= 3 && st.uses >= 3) e.type = MorphType::kSuffix;
    else e.type = MorphType::kRoot;
    model.lexicon_[m] = e;
    model.max_len_ = std::max(model.max_len_, m.size());
  }
  model.unknown_char_cost_ = static_cast<float>(unknown);
  return model;
}

std::vector<Morph> UnsupervisedModel::Split(std::string_view word) const {
  WordView v = WordView::Of(word);
  const size_t n = v.size();
  std::vector<Morph> out;
  if (n == 0) return out;
  std::vector<double> best(n + 1, 1e300);
  std::vector<size_t> from(n + 1, 0);
  best[0] = 0;
  for (size_t j = 1; j <= n; ++j) {
    for (size_t i = j > max_len_ ? j - max_len_ : 0; i < j; ++i) {
      auto it = lexicon_.find(v.folded.substr(i, j - i));
      double c = it != lexicon_.end() ? it->second.cost
                                      : (j - i == 1 ? unknown_char_cost_ : 1e300);
      if (best[i] + c < best[j]) {
        best[j] = best[i] + c;
        from[j] = i;
      }
    }
  }
  std::vector<size_t> cuts;
  for (size_t j = n; j > 0; j = from[j]) cuts.push_back(j);
  std::reverse(cuts.begin(), cuts.end());
  size_t start = 0;
  for (size_t end : cuts) {
    auto it = lexicon_.find(v.folded.substr(start, end - start));
    MorphType t = it != lexicon_.end() ? it->second.type : MorphType::kRoot;
    // Only the last morph of a word can be its ending, the first its prefix.
    if (t == MorphType::kEnding && end != n) t = MorphType::kSuffix;
    if (t == MorphType::kPrefix && start != 0) t = MorphType::kRoot;
    out.push_back({v.offsets[start], v.offsets[end], t});
    start = end;
  }
  if (out.size() == 1) out[0].type = MorphType::kRoot;
  return out;
}

void UnsupervisedModel::Serialize(ByteWriter* w) const {
  // Sorted, so the bytes do not depend on hash-table order.
  std::vector<std::pair<std::string, Entry>> sorted;
  for (const auto& [m, e] : lexicon_) sorted.emplace_back(ToUtf8(m), e);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  uint32_t bits;
  std::memcpy(&bits, &unknown_char_cost_, 4);
  w->U32(bits);
  w->Varint(sorted.size());
  for (const auto& [m, e] : sorted) {
    w->LengthPrefixed(m);
    std::memcpy(&bits, &e.cost, 4);
    w->U32(bits);
    w->U8(static_cast<uint8_t>(e.type));
  }
}

Status UnsupervisedModel::Parse(ByteReader* r) {
  uint32_t bits;
  uint64_t n;
  HT_CHECK_OR_RETURN(r->U32(&bits) && r->Varint(&n) && n <= r->remaining(), DataLoss)
      << "morph model: bad lexicon header";
  std::memcpy(&unknown_char_cost_, &bits, 4);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view m;
    uint8_t type;
    HT_CHECK_OR_RETURN(r->LengthPrefixed(256, &m) && r->U32(&bits) && r->U8(&type) &&
                           type < kNumMorphTypes,
                       DataLoss)
        << "morph model: lexicon entry " << i << " is malformed";
    Entry e;
    std::memcpy(&e.cost, &bits, 4);
    e.type = static_cast<MorphType>(type);
    std::u32string key = WordView::Of(m).folded;
    max_len_ = std::max(max_len_, key.size());
    lexicon_[std::move(key)] = e;
  }
  HT_CHECK_OR_RETURN(r->empty(), DataLoss) << "morph model: trailing bytes";
  return OkStatus();
}

}  // namespace hypertok

namespace hypertok {

StatusOr<MorphemeSplitter> MorphemeSplitter::TrainUnsupervised(
    const std::vector<std::pair<std::string, uint64_t>>& word_counts,
    const UnsupervisedOptions& options) {
  HT_CHECK_OR_RETURN(!word_counts.empty(), InvalidArgument) << "no words to learn from";
  auto impl = std::make_unique<Impl>();
  impl->kind = kKindUnsupervised;
  impl->lexicon = UnsupervisedModel::Train(word_counts, options);
  return MorphemeSplitter(std::move(impl));
}

}  // namespace hypertok
