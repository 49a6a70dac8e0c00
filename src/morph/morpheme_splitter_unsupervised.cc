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
// Boundaries come from two signals, united: the lexicon's Viterbi cuts, and
// branching entropy (Harris's successor variety, made probabilistic): where
// the uncertainty about the next character rises — many ways to go on after
// a stem, many stems before an ending — a morph boundary is likely. The
// lexicon finds boundaries between reused units, the entropy finds the short
// suffixes and endings a unigram lexicon glues together (it prefers few
// morphs). On the Russian dictionary the union beats either alone.
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
  model.entropy_rise_ = options.entropy_rise;
  model.types_ = std::move(words);
  model.BuildTries();
  return model;
}

void UnsupervisedModel::CharTrie::Build(const std::vector<std::u32string>& words) {
  std::vector<uint32_t> pass(1, 0), ends(1, 0);
  for (const auto& w : words) {
    uint32_t node = 0;
    ++pass[0];
    for (char32_t c : w) {
      auto [it, inserted] =
          edges.try_emplace(uint64_t{node} << 32 | c, static_cast<uint32_t>(pass.size()));
      if (inserted) {
        pass.push_back(0);
        ends.push_back(0);
      }
      node = it->second;
      ++pass[node];
    }
    ++ends[node];
  }
  // H = log2 T − (1/T) Σ n log2 n over the continuations (children and end).
  std::vector<double> sum(pass.size(), 0);
  for (const auto& [key, child] : edges) {
    double n = pass[child];
    sum[key >> 32] += n * std::log2(n);
  }
  entropy.assign(pass.size(), 0);
  for (size_t v = 0; v < pass.size(); ++v) {
    double t = pass[v];
    if (ends[v]) sum[v] += ends[v] * std::log2(double(ends[v]));
    entropy[v] = t > 0 ? static_cast<float>(std::log2(t) - sum[v] / t) : 0.0f;
  }
}

void UnsupervisedModel::CharTrie::Walk(const char32_t* w, size_t n, int step,
                                       std::vector<float>* out) const {
  out->assign(n + 1, 0);
  uint32_t node = 0;
  bool alive = !entropy.empty();
  if (alive) (*out)[0] = entropy[0];
  for (size_t i = 0; i < n && alive; ++i) {
    auto it = edges.find(uint64_t{node} << 32 | w[step > 0 ? i : n - 1 - i]);
    if (it == edges.end()) break;
    node = it->second;
    (*out)[i + 1] = entropy[node];
  }
}

void UnsupervisedModel::BuildTries() {
  forward_.Build(types_);
  std::vector<std::u32string> reversed;
  reversed.reserve(types_.size());
  for (const auto& w : types_) reversed.emplace_back(w.rbegin(), w.rend());
  backward_.Build(reversed);
}

std::vector<Morph> UnsupervisedModel::Split(std::string_view word) const {
  WordView v = WordView::Of(word);
  const size_t n = v.size();
  std::vector<Morph> out;
  if (n == 0) return out;
  // Lexicon cuts (Viterbi over morph costs).
  std::vector<double> best(n + 1, 1e300);
  std::vector<size_t> from(n + 1, 0);
  best[0] = 0;
  const std::u32string_view folded = v.folded;
  for (size_t j = 1; j <= n; ++j) {
    for (size_t i = j > max_len_ ? j - max_len_ : 0; i < j; ++i) {
      auto it = lexicon_.find(folded.substr(i, j - i));
      double c = it != lexicon_.end() ? it->second.cost
                                      : (j - i == 1 ? unknown_char_cost_ : 1e300);
      if (best[i] + c < best[j]) {
        best[j] = best[i] + c;
        from[j] = i;
      }
    }
  }
  std::vector<bool> cut(n + 1, false);
  for (size_t j = n; j > 0; j = from[j]) cut[from[j]] = true;
  // Entropy cuts: hf[i] after the prefix of i characters, hb[i] before the
  // suffix from i (backward trie walked from the word's end).
  std::vector<float> hf, hb_rev;
  forward_.Walk(v.folded.data(), n, +1, &hf);
  backward_.Walk(v.folded.data(), n, -1, &hb_rev);  // hb_rev[k]: suffix of k chars
  for (size_t i = 1; i < n; ++i) {
    float rise_f = hf[i] - hf[i - 1];
    float rise_b = hb_rev[n - i] - hb_rev[n - i - 1];
    if (std::max(rise_f, rise_b) > entropy_rise_) cut[i] = true;
  }
  size_t start = 0;
  for (size_t end = 1; end <= n; ++end) {
    if (end < n && !cut[end]) continue;
    auto it = lexicon_.find(folded.substr(start, end - start));
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
  std::memcpy(&bits, &entropy_rise_, 4);
  w->U32(bits);
  w->Varint(sorted.size());
  for (const auto& [m, e] : sorted) {
    w->LengthPrefixed(m);
    std::memcpy(&bits, &e.cost, 4);
    w->U32(bits);
    w->U8(static_cast<uint8_t>(e.type));
  }
  w->Varint(types_.size());
  for (const auto& t : types_) w->LengthPrefixed(ToUtf8(t));
}

Status UnsupervisedModel::Parse(ByteReader* r) {
  uint32_t bits;
  uint64_t n;
  uint32_t rise;
  HT_CHECK_OR_RETURN(r->U32(&bits) && r->U32(&rise) && r->Varint(&n) && n <= r->remaining(),
                     DataLoss)
      << "morph model: bad lexicon header";
  std::memcpy(&unknown_char_cost_, &bits, 4);
  std::memcpy(&entropy_rise_, &rise, 4);
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
  HT_CHECK_OR_RETURN(r->Varint(&n) && n <= r->remaining(), DataLoss)
      << "morph model: bad word-type count";
  types_.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view t;
    HT_CHECK_OR_RETURN(r->LengthPrefixed(1024, &t), DataLoss)
        << "morph model: word type " << i << " is malformed";
    types_.push_back(WordView::Of(t).folded);
  }
  HT_CHECK_OR_RETURN(r->empty(), DataLoss) << "morph model: trailing bytes";
  BuildTries();
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
