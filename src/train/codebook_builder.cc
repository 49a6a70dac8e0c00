#include "train/codebook_builder.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <unordered_map>

#include "codec/pretokenizer.h"
#include "codec/symbol_trie.h"

namespace hypertok {

namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;

struct Cand {
  std::string_view text;
  PieceOrigin origin = PieceOrigin::kSubword;
  uint32_t bond = kNone;  // index into bonds, for bond candidates
  bool active = true;
  bool keep = false;  // never pruned
  uint64_t usage = 0;
  uint64_t loss = 0;  // tokens the sample would gain without it
};

// Runs f(begin, end) on `threads` contiguous slices of [0, n).
template <typename F>
void ParallelFor(size_t n, int threads, F f) {
  if (threads <= 1 || n < 1024) {
    f(size_t{0}, n);
    return;
  }
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t)
    pool.emplace_back([&, t] { f(n * t / threads, n * (t + 1) / threads); });
  f(0, n / threads);
  for (auto& th : pool) th.join();
}

class Builder {
 public:
  Builder(const Corpus& corpus, const std::vector<Bond>& bonds, const BuilderOptions& opt)
      : corpus_(corpus), bonds_(bonds), opt_(opt) {}

  StatusOr<std::vector<Piece>> Run(BuilderReport* report);

 private:
  void Seed(BuilderReport* report);
  void BuildTries();
  // Fewest tokens for `s` with active non-bond candidates (never `exclude`)
  // and byte tokens; appends the candidates used (kNone for bytes) to *used.
  uint32_t Segment(std::string_view s, uint32_t exclude, std::vector<uint32_t>* used,
                   std::vector<uint32_t>* scratch) const;
  // Fewest tokens for the pre-token run `parts` using word costs and active
  // bonds other than `exclude`.
  uint32_t SegmentParts(const std::vector<uint32_t>& parts, uint32_t exclude) const;
  uint32_t BondChild(uint32_t node, uint32_t pretoken) const {
    auto it = bond_edges_.find(uint64_t{node} << 32 | pretoken);
    return it == bond_edges_.end() ? 0 : it->second;
  }
  uint64_t Evaluate();
  void Prune(size_t target);

  const Corpus& corpus_;
  const std::vector<Bond>& bonds_;
  BuilderOptions opt_;
  std::vector<Cand> cands_;
  SymbolTrie trie_;
  std::unordered_map<uint64_t, uint32_t> bond_edges_;  // (node << 32 | pretoken) → node
  std::vector<uint32_t> bond_node_cand_{kNone};        // node → candidate; node 0 = root
  std::vector<uint8_t> starts_bond_;                   // pre-token id → may start a bond
  std::vector<uint32_t> words_;                        // pre-tokens present in the sample
  std::vector<uint32_t> word_cost_;
  std::vector<std::vector<uint32_t>> word_seg_;
};

void Builder::Seed(BuilderReport* report) {
  // Substring counts over distinct pre-tokens, weighted by sample counts.
  std::unordered_map<std::string_view, uint64_t> sub, chars;
  std::vector<uint32_t> pos, cuts;
  std::vector<uint8_t> allowed;
  for (uint32_t id = 0; id < corpus_.size(); ++id) {
    const uint64_t c = corpus_.info(id).sample_count;
    if (c == 0) continue;
    words_.push_back(id);
    std::string_view w = corpus_.str(id);
    pos.clear();
    for (size_t i = 0; i < w.size(); i += CharLength(w, i)) pos.push_back(static_cast<uint32_t>(i));
    pos.push_back(static_cast<uint32_t>(w.size()));
    const size_t k = pos.size() - 1;
    for (size_t a = 0; a < k; ++a)
      if (pos[a + 1] - pos[a] >= 2) chars[w.substr(pos[a], pos[a + 1] - pos[a])] += c;
    // Where subwords may start and end: anywhere, or only at morph cuts
    // (plus the word's own edges, before and after a leading space).
    allowed.assign(w.size() + 1, opt_.cuts ? 0 : 1);
    if (opt_.cuts && corpus_.info(id).is_word) {
      size_t lead = (w[0] == ' ') ? 1 : 0;
      allowed[0] = allowed[lead] = allowed[w.size()] = 1;
      cuts.clear();
      opt_.cuts(w.substr(lead), &cuts);
      for (uint32_t cut : cuts)
        if (cut > 0 && lead + cut < w.size()) allowed[lead + cut] = 1;
    } else if (opt_.cuts) {
      std::fill(allowed.begin(), allowed.end(), 1);
    }
    for (size_t a = 0; a < k; ++a) {
      if (!allowed[pos[a]]) continue;
      for (size_t b = a + 2; b <= k && b - a <= opt_.max_subword_chars; ++b) {
        size_t bytes = pos[b] - pos[a];
        if (bytes > opt_.max_subword_bytes) break;
        if (allowed[pos[b]]) sub[w.substr(pos[a], bytes)] += c;
      }
    }
    if ((k > opt_.max_subword_chars || w.size() > opt_.max_subword_bytes) && k >= 2 &&
        w.size() <= Codebook::kMaxPieceBytes)
      sub[w] += c;
  }

  // Characters: all of them; the most frequent are never pruned, so unseen
  // words still cost one token per character rather than per byte.
  std::vector<std::pair<std::string_view, uint64_t>> ch(chars.begin(), chars.end());
  std::sort(ch.begin(), ch.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  const size_t keep_chars = opt_.pieces / 4;
  for (size_t i = 0; i < ch.size(); ++i) {
    Cand c;
    c.text = ch[i].first;
    c.origin = PieceOrigin::kChar;
    c.keep = i < keep_chars && ch[i].second >= 2;
    cands_.push_back(c);
  }
  report->char_candidates = ch.size();

  // Subwords and whole pre-tokens: the best by count × (characters − 1).
  std::vector<std::pair<std::string_view, uint64_t>> ranked;
  ranked.reserve(sub.size());
  for (const auto& [s, c] : sub) {
    if (c < 2) continue;
    ranked.emplace_back(s, c * (CountChars(s) - 1));
  }
  sub.clear();
  const size_t want_sub = static_cast<size_t>(opt_.subword_seed_factor * opt_.pieces);
  auto by_score = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  if (ranked.size() > want_sub) {
    std::nth_element(ranked.begin(), ranked.begin() + want_sub, ranked.end(), by_score);
    ranked.resize(want_sub);
  }
  std::sort(ranked.begin(), ranked.end(), by_score);
  std::unordered_map<std::string, uint32_t> whole;  // pre-token text → id (for origins)
  for (const auto& [s, score] : ranked) {
    Cand c;
    c.text = s;
    cands_.push_back(c);
  }
  {
    // Origin: a candidate equal to a whole pre-token of the sample is one.
    std::unordered_map<std::string_view, uint32_t> index;
    for (uint32_t id : words_) index.emplace(corpus_.str(id), id);
    for (size_t i = ch.size(); i < cands_.size(); ++i)
      cands_[i].origin = index.count(cands_[i].text)
                             ? PieceOrigin::kPretoken
                             : (opt_.cuts ? PieceOrigin::kMorph : PieceOrigin::kSubword);
  }
  report->subword_candidates = ranked.size();

  // Ending markers: candidates of their own origin (added if not seeded).
  {
    std::unordered_map<std::string_view, size_t> at;
    for (size_t i = ch.size(); i < cands_.size(); ++i) at.emplace(cands_[i].text, i);
    std::unordered_map<std::string_view, size_t> chars_at;
    for (size_t i = 0; i < ch.size(); ++i) chars_at.emplace(cands_[i].text, i);
    for (const std::string& e : opt_.endings) {
      if (e.size() < 2 || chars_at.count(e)) continue;
      auto it = at.find(e);
      if (it != at.end()) {
        cands_[it->second].origin = PieceOrigin::kEnding;
      } else {
        Cand c;
        c.text = e;
        c.origin = PieceOrigin::kEnding;
        cands_.push_back(c);
      }
    }
  }

  // Kept entries (a morph lexicon): chosen whatever they save; an entry that
  // is already a candidate keeps that candidate instead.
  {
    std::unordered_map<std::string_view, size_t> at;
    for (size_t i = 0; i < cands_.size(); ++i) at.emplace(cands_[i].text, i);
    for (const std::string& m : opt_.keep) {
      if (m.size() < 2 || m.size() > Codebook::kMaxPieceBytes) continue;
      auto [it, added] = at.emplace(m, cands_.size());
      if (!added) {
        cands_[it->second].keep = true;
        continue;
      }
      Cand c;
      c.text = m;
      c.origin = PieceOrigin::kMorph;
      c.keep = true;
      cands_.push_back(c);
    }
  }

  // Bonds: the most valuable by count × (pre-tokens − 1), as mined.
  const size_t want_bonds = static_cast<size_t>(opt_.bond_seed_factor * opt_.pieces);
  size_t nb = 0;
  for (size_t b = 0; b < bonds_.size() && nb < want_bonds; ++b) {
    if (bonds_[b].text.size() > Codebook::kMaxPieceBytes) continue;
    Cand c;
    c.text = bonds_[b].text;
    c.origin = PieceOrigin::kBond;
    c.bond = static_cast<uint32_t>(b);
    cands_.push_back(c);
    ++nb;
  }
  report->bond_candidates = nb;
}

void Builder::BuildTries() {
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < cands_.size(); ++i)
    if (cands_[i].bond == kNone) order.push_back(i);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return cands_[a].text < cands_[b].text; });
  // The same text can come from two sources only by accident; keep the first.
  std::vector<std::string_view> keys;
  std::vector<uint32_t> values;
  for (uint32_t i : order) {
    if (!keys.empty() && keys.back() == cands_[i].text) {
      cands_[i].active = false;
      continue;
    }
    keys.push_back(cands_[i].text);
    values.push_back(i);
  }
  trie_ = SymbolTrie::Build(keys, values);

  starts_bond_.assign(corpus_.size(), 0);
  for (uint32_t i = 0; i < cands_.size(); ++i) {
    if (cands_[i].bond == kNone) continue;
    const Bond& b = bonds_[cands_[i].bond];
    uint32_t node = 0;
    for (uint32_t part : b.parts) {
      auto [it, inserted] = bond_edges_.try_emplace(uint64_t{node} << 32 | part,
                                                    static_cast<uint32_t>(bond_node_cand_.size()));
      if (inserted) bond_node_cand_.push_back(kNone);
      node = it->second;
    }
    bond_node_cand_[node] = i;
    starts_bond_[b.parts[0]] = 1;
  }
}

uint32_t Builder::Segment(std::string_view s, uint32_t exclude, std::vector<uint32_t>* used,
                          std::vector<uint32_t>* scratch) const {
  const size_t n = s.size();
  scratch->assign(3 * (n + 1), 0);
  uint32_t* cost = scratch->data();
  uint32_t* choice = cost + n + 1;  // candidate, or kNone for a byte token
  uint32_t* len = choice + n + 1;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(s.data());
  const SymbolTrie::Walker trie = trie_.walker();
  for (size_t i = n; i-- > 0;) {
    uint32_t best = cost[i + 1] + 1, best_c = kNone, best_len = 1;
    size_t j = i + 1;
    for (uint32_t node = trie.Root(p[i]); node != 0; node = trie.Child(node, p[j++])) {
      if (trie.HasValue(node)) {
        const uint32_t c = trie.Value(node);
        if (c != exclude && cands_[c].active && cost[j] + 1 <= best) {
          best = cost[j] + 1;
          best_c = c;
          best_len = static_cast<uint32_t>(j - i);
        }
      }
      if (j == n) break;
    }
    cost[i] = best;
    choice[i] = best_c;
    len[i] = best_len;
  }
  if (used)
    for (size_t i = 0; i < n; i += len[i]) used->push_back(choice[i]);
  return cost[0];
}

uint32_t Builder::SegmentParts(const std::vector<uint32_t>& parts, uint32_t exclude) const {
  const size_t n = parts.size();
  std::vector<uint32_t> cost(n + 1);
  cost[n] = 0;
  for (size_t i = n; i-- > 0;) {
    uint32_t best = word_cost_[parts[i]] + cost[i + 1];
    uint32_t node = 0;
    for (size_t j = i; j < n; ++j) {
      node = BondChild(node, parts[j]);
      if (node == 0) break;
      uint32_t c = bond_node_cand_[node];
      if (c != kNone && c != exclude && cands_[c].active && 1 + cost[j + 1] < best)
        best = 1 + cost[j + 1];
    }
    cost[i] = best;
  }
  return cost[0];
}

uint64_t Builder::Evaluate() {
  // 1. Every pre-token of the sample, segmented on its own.
  word_cost_.assign(corpus_.size(), 0);
  word_seg_.assign(corpus_.size(), {});
  ParallelFor(words_.size(), opt_.threads, [&](size_t from, size_t to) {
    std::vector<uint32_t> scratch;
    for (size_t k = from; k < to; ++k) {
      uint32_t id = words_[k];
      word_cost_[id] = Segment(corpus_.str(id), kNone, &word_seg_[id], &scratch);
    }
  });
  // 2. The sample as a sequence of pre-tokens, with bonds.
  const std::vector<uint32_t>& seq = corpus_.sample();
  const size_t n = seq.size();
  std::vector<uint32_t> cost(n + 1, 0), choice(n, kNone), len(n, 1);
  for (size_t i = n; i-- > 0;) {
    const uint32_t id = seq[i];
    if (id == kChunkBreak) {
      cost[i] = cost[i + 1];
      continue;
    }
    uint32_t best = word_cost_[id] + cost[i + 1], best_c = kNone, best_len = 1;
    if (starts_bond_[id]) {
      uint32_t node = 0;
      for (size_t j = i; j < n && seq[j] != kChunkBreak; ++j) {
        node = BondChild(node, seq[j]);
        if (node == 0) break;
        uint32_t c = bond_node_cand_[node];
        if (c != kNone && cands_[c].active && 1 + cost[j + 1] <= best) {
          best = 1 + cost[j + 1];
          best_c = c;
          best_len = static_cast<uint32_t>(j + 1 - i);
        }
      }
    }
    cost[i] = best;
    choice[i] = best_c;
    len[i] = best_len;
  }
  // 3. Uses of each candidate.
  for (Cand& c : cands_) c.usage = 0;
  std::vector<uint64_t> occ(corpus_.size(), 0);
  for (size_t i = 0; i < n;) {
    if (choice[i] != kNone) {
      ++cands_[choice[i]].usage;
      i += len[i];
    } else {
      if (seq[i] != kChunkBreak) ++occ[seq[i]];
      ++i;
    }
  }
  for (uint32_t id : words_)
    if (occ[id])
      for (uint32_t c : word_seg_[id])
        if (c != kNone) cands_[c].usage += occ[id];
  // 4. Loss if removed: uses × (its best spelling without it − 1).
  ParallelFor(cands_.size(), opt_.threads, [&](size_t from, size_t to) {
    std::vector<uint32_t> scratch;
    for (size_t i = from; i < to; ++i) {
      Cand& c = cands_[i];
      if (!c.active || c.usage == 0) {
        c.loss = 0;
        continue;
      }
      uint32_t alt = c.bond == kNone ? Segment(c.text, static_cast<uint32_t>(i), nullptr, &scratch)
                                     : SegmentParts(bonds_[c.bond].parts, static_cast<uint32_t>(i));
      c.loss = c.usage * (alt > 1 ? alt - 1 : 0);
    }
  });
  return cost[0];
}

void Builder::Prune(size_t target) {
  std::vector<uint32_t> removable;
  size_t active = 0;
  for (uint32_t i = 0; i < cands_.size(); ++i) {
    if (!cands_[i].active) continue;
    ++active;
    if (!cands_[i].keep) removable.push_back(i);
  }
  size_t next = std::max(target, static_cast<size_t>(std::floor(active * opt_.shrink)));
  size_t remove = std::min(active - next, removable.size());
  auto cheaper = [&](uint32_t a, uint32_t b) {
    const Cand &x = cands_[a], &y = cands_[b];
    if (x.loss != y.loss) return x.loss < y.loss;
    if (x.usage != y.usage) return x.usage < y.usage;
    return x.text > y.text;
  };
  std::nth_element(removable.begin(), removable.begin() + remove, removable.end(), cheaper);
  for (size_t k = 0; k < remove; ++k) cands_[removable[k]].active = false;
}

StatusOr<std::vector<Piece>> Builder::Run(BuilderReport* report) {
  Seed(report);
  BuildTries();
  uint64_t tokens = 0;
  for (;;) {
    tokens = Evaluate();
    ++report->rounds;
    size_t active = 0;
    for (const Cand& c : cands_) active += c.active;
    if (opt_.checkpoint) HT_RETURN_IF_ERROR(opt_.checkpoint());
    if (active <= opt_.pieces) break;
    Prune(opt_.pieces);
  }
  report->sample_tokens = tokens;
  std::vector<uint32_t> chosen;
  for (uint32_t i = 0; i < cands_.size(); ++i)
    if (cands_[i].active) chosen.push_back(i);
  std::sort(chosen.begin(), chosen.end(), [&](uint32_t a, uint32_t b) {
    const Cand &x = cands_[a], &y = cands_[b];
    return x.usage != y.usage ? x.usage > y.usage : x.text < y.text;
  });
  std::vector<Piece> pieces;
  for (uint32_t i : chosen) {
    pieces.push_back({std::string(cands_[i].text), PieceKind::kNormal, cands_[i].origin});
    ++report->chosen_by_origin[static_cast<int>(cands_[i].origin)];
  }
  return pieces;
}

}  // namespace

StatusOr<std::vector<Piece>> BuildPieces(const Corpus& corpus, const std::vector<Bond>& bonds,
                                         const BuilderOptions& options, BuilderReport* report) {
  BuilderReport local;
  Builder b(corpus, bonds, options);
  return b.Run(report ? report : &local);
}

}  // namespace hypertok
