// Supervised morpheme splitting: a structured averaged perceptron over the
// characters of a word (Collins 2002), labels B-TYPE / I-TYPE for the seven
// morph types, first-order transitions, Viterbi decoding with the constraint
// that I-T follows B-T or I-T.
//
// Features at character i (code points, case-folded, the word padded with
// '^' and '$'): the characters at i−3…i+3, every n-gram of 2–5 characters
// inside the window i−4…i+4 that touches i, the whole remainder of the word
// from i and the whole prefix before i when they are short, and distances to
// the word's edges. Each feature is hashed to one of 2^hash_bits rows
// of per-label weights; the averaged weights are stored as int16 with one
// scale. Why this model: it is the strong classical CPU approach for this
// task (CRF-like accuracy, far faster to train), small to store and fast to
// apply (one pass of table look-ups per character).
#include "morph/morpheme_splitter.h"

#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstring>
#include <random>

#include "common/bytes.h"
#include "common/hash.h"
#include "hypertok/io.h"
#include "morph/morph_internal.h"
#include "morph/word_view.h"

namespace hypertok {

namespace {

constexpr int kLabels = 2 * kNumMorphTypes;
constexpr int kStart = kLabels;  // row of start transitions
constexpr std::string_view kMagic("\x89HTM\r\n\x1a\n", 8);
constexpr uint16_t kMajor = 1, kMinor = 0;

int Label(MorphType t, bool inside) { return 2 * static_cast<int>(t) + (inside ? 1 : 0); }
MorphType LabelType(int l) { return static_cast<MorphType>(l / 2); }
bool LabelInside(int l) { return l & 1; }

// Hashes a feature (template id plus a run of code points) to a row. A
// multiply-xorshift mix rather than a general-purpose hash: this runs ~30
// times per character, and the bits must be the same on every platform.
uint32_t FeatureRow(uint32_t tmpl, const char32_t* s, size_t n, uint32_t mask) {
  uint64_t h = 0x9E3779B97F4A7C15ull * (tmpl + 1);
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<uint64_t>(s[i]);
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  h ^= n;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 29;
  return static_cast<uint32_t>(h) & mask;
}

// Feature rows of every character of a folded word.
void Features(const std::u32string& word, uint32_t mask, std::vector<uint32_t>* rows,
              std::vector<uint32_t>* starts) {
  constexpr int kPad = 5;
  std::u32string s(kPad, U'^');
  s += word;
  s.append(kPad, U'$');
  const int n = static_cast<int>(word.size());
  rows->clear();
  starts->clear();
  for (int i = 0; i < n; ++i) {
    starts->push_back(static_cast<uint32_t>(rows->size()));
    const int c = i + kPad;  // index of character i in s
    uint32_t t = 0;
    rows->push_back(FeatureRow(t++, nullptr, 0, mask));  // bias
    for (int k = -3; k <= 3; ++k) rows->push_back(FeatureRow(t++, &s[c + k], 1, mask));
    for (int len = 2; len <= 5; ++len)
      for (int a = -len + 1; a <= 0; ++a) {
        if (a < -4 || a + len - 1 > 4) {
          ++t;
          continue;
        }
        rows->push_back(FeatureRow(t++, &s[c + a], len, mask));
      }
    // Left context ending before i, right context starting at i.
    for (int len = 1; len <= 4; ++len) rows->push_back(FeatureRow(t++, &s[c - len], len, mask));
    int rest = n - i;
    if (rest <= 8) rows->push_back(FeatureRow(t, &s[c], rest, mask));
    ++t;
    if (i <= 8 && i > 0) rows->push_back(FeatureRow(t, &s[kPad], i, mask));
    ++t;
    char32_t pos[2] = {static_cast<char32_t>(std::min(i, 7)), static_cast<char32_t>(std::min(rest - 1, 7))};
    rows->push_back(FeatureRow(t++, pos, 2, mask));
    rows->push_back(FeatureRow(t++, &pos[1], 1, mask));
  }
  starts->push_back(static_cast<uint32_t>(rows->size()));
}

// Best label sequence for n characters given emission scores em[i*kLabels+l]
// and transitions trans[(prev)*kLabels+l] (row kStart for the first
// character). I-T may only follow B-T or I-T. Ties go to the lower label.
void Viterbi(const float* em, size_t n, const float* trans, std::vector<float>* score_buf,
             std::vector<int>* back_buf, std::vector<int>* labels) {
  score_buf->resize(n * kLabels);
  back_buf->resize(n * kLabels);
  float* score = score_buf->data();
  int* back = back_buf->data();
  for (int l = 0; l < kLabels; ++l) {
    score[l] = LabelInside(l) ? -std::numeric_limits<float>::infinity()
                              : trans[kStart * kLabels + l] + em[l];
    back[l] = kStart;
  }
  for (size_t i = 1; i < n; ++i) {
    const float* prev = score + (i - 1) * kLabels;
    float* cur = score + i * kLabels;
    for (int l = 0; l < kLabels; ++l) {
      float best;
      int arg;
      if (LabelInside(l)) {
        const int b = l - 1;  // B-T of the same type
        float sb = prev[b] + trans[b * kLabels + l], si = prev[l] + trans[l * kLabels + l];
        best = sb >= si ? sb : si;
        arg = sb >= si ? b : l;
      } else {
        best = prev[0] + trans[l];
        arg = 0;
        for (int p = 1; p < kLabels; ++p) {
          float sp = prev[p] + trans[p * kLabels + l];
          if (sp > best) {
            best = sp;
            arg = p;
          }
        }
      }
      cur[l] = best + em[i * kLabels + l];
      back[i * kLabels + l] = arg;
    }
  }
  int l = 0;
  for (int k = 1; k < kLabels; ++k)
    if (score[(n - 1) * kLabels + k] > score[(n - 1) * kLabels + l]) l = k;
  labels->resize(n);
  for (size_t i = n; i-- > 0;) {
    (*labels)[i] = l;
    l = back[i * kLabels + l];
  }
}

}  // namespace

std::string_view MorphTypeName(MorphType type) {
  static constexpr std::string_view kNames[] = {"PREF", "ROOT", "SUFF", "END",
                                                "POSTFIX", "LINK", "HYPH"};
  return kNames[static_cast<int>(type)];
}

StatusOr<MorphType> ParseMorphType(std::string_view name) {
  for (int t = 0; t < kNumMorphTypes; ++t)
    if (MorphTypeName(static_cast<MorphType>(t)) == name) return static_cast<MorphType>(t);
  return InvalidArgumentError("unknown morph type '" + std::string(name) + "'");
}

std::vector<uint32_t> MorphCuts(const std::vector<Morph>& morphs) {
  std::vector<uint32_t> cuts;
  for (size_t i = 0; i + 1 < morphs.size(); ++i) cuts.push_back(morphs[i].end);
  return cuts;
}

StatusOr<std::vector<GoldWord>> ParseGold(std::string_view text, const std::string& name) {
  std::vector<GoldWord> out;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    size_t tab = line.find('\t');
    HT_CHECK_OR_RETURN(tab != std::string_view::npos && tab > 0, DataLoss)
        << name << ": expected word<TAB>segmentation (line " << line_no << ")";
    GoldWord g;
    g.word = std::string(line.substr(0, tab));
    std::string_view field = line.substr(tab + 1);
    size_t tab2 = field.find('\t');  // SIGMORPHON has a third column
    if (tab2 != std::string_view::npos) field = field.substr(0, tab2);
    const char sep = field.find('/') != std::string_view::npos ? '/' : ' ';
    std::string joined;
    while (!field.empty()) {
      size_t p = field.find(sep);
      std::string_view part = field.substr(0, p);
      field.remove_prefix(p == std::string_view::npos ? field.size() : p + 1);
      if (part.empty()) continue;
      MorphType type = MorphType::kRoot;
      size_t colon = part.rfind(':');
      if (colon != std::string_view::npos && colon > 0) {
        auto t = ParseMorphType(part.substr(colon + 1));
        if (t.ok()) {
          type = *t;
          part = part.substr(0, colon);
        }
      }
      if (part.starts_with("@@")) part.remove_prefix(2);  // SIGMORPHON continuation mark
      if (part.empty()) continue;
      if (part.size() > 1 && part[0] == '+') {
        part.remove_prefix(1);
        type = MorphType::kEnding;
      }
      joined += part;
      g.morphs.emplace_back(std::string(part), type);
    }
    // Canonical segmentations (morphs that do not spell the word) cannot
    // teach surface boundaries.
    if (g.morphs.empty() || WordView::Of(joined).folded != WordView::Of(g.word).folded) continue;
    out.push_back(std::move(g));
  }
  return out;
}

StatusOr<std::vector<GoldWord>> ReadGoldFile(const std::string& path) {
  HT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return ParseGold(text, path);
}

std::vector<Morph> MorphemeSplitter::Impl::SplitSupervised(std::string_view word) const {
  WordView v = WordView::Of(word);
  const size_t n = v.size();
  std::vector<Morph> out;
  if (n == 0) return out;
  thread_local std::vector<uint32_t> rows, starts;
  thread_local std::vector<float> em, score;
  thread_local std::vector<int> back, labels;
  Features(v.folded, (1u << hash_bits) - 1, &rows, &starts);
  em.assign(n * kLabels, 0);
  for (size_t i = 0; i < n; ++i) {
    int32_t sum[kLabels] = {};
    for (uint32_t k = starts[i]; k < starts[i + 1]; ++k) {
      const int16_t* w = &weights[size_t{rows[k]} * kLabels];
      for (int l = 0; l < kLabels; ++l) sum[l] += w[l];
    }
    for (int l = 0; l < kLabels; ++l) em[i * kLabels + l] = sum[l] * scale;
  }
  Viterbi(em.data(), n, trans.data(), &score, &back, &labels);
  for (size_t i = 0; i < n; ++i) {
    if (i == 0 || !LabelInside(labels[i]))
      out.push_back({v.offsets[i], v.offsets[i + 1], LabelType(labels[i])});
    else
      out.back().end = v.offsets[i + 1];
  }
  return out;
}

MorphemeSplitter::MorphemeSplitter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MorphemeSplitter::MorphemeSplitter(MorphemeSplitter&&) noexcept = default;
MorphemeSplitter& MorphemeSplitter::operator=(MorphemeSplitter&&) noexcept = default;
MorphemeSplitter::~MorphemeSplitter() = default;

bool MorphemeSplitter::supervised() const { return impl_->kind == kKindSupervised; }
const std::string& MorphemeSplitter::lang() const { return impl_->lang; }
void MorphemeSplitter::set_lang(std::string lang) { impl_->lang = std::move(lang); }

std::vector<Morph> MorphemeSplitter::Split(std::string_view word) const {
  if (impl_->kind == kKindSupervised) return impl_->SplitSupervised(word);
  return impl_->lexicon.Split(word);
}

StatusOr<MorphemeSplitter> MorphemeSplitter::TrainSupervised(const std::vector<GoldWord>& gold,
                                                             const SupervisedOptions& opt) {
  HT_CHECK_OR_RETURN(!gold.empty(), InvalidArgument) << "the gold file has no usable words";
  HT_CHECK_OR_RETURN(opt.hash_bits >= 10 && opt.hash_bits <= 24, InvalidArgument)
      << "hash_bits must be in 10..24";
  const uint32_t mask = (1u << opt.hash_bits) - 1;
  const size_t rows_total = size_t{1} << opt.hash_bits;
  // Examples: feature rows and gold labels per character.
  struct Example {
    std::vector<uint32_t> rows, starts;
    std::vector<int> labels;
  };
  std::vector<Example> ex;
  ex.reserve(gold.size());
  for (const GoldWord& g : gold) {
    Example e;
    WordView v = WordView::Of(g.word);
    for (const auto& [morph, type] : g.morphs) {
      size_t chars = WordView::Of(morph).size();
      for (size_t k = 0; k < chars; ++k) e.labels.push_back(Label(type, k > 0));
    }
    if (e.labels.size() != v.size()) continue;
    Features(v.folded, mask, &e.rows, &e.starts);
    ex.push_back(std::move(e));
  }
  // Averaged perceptron: w are current weights, u accumulate c·Δ, and the
  // average after c steps is w − u / c.
  std::vector<float> w(rows_total * kLabels, 0), u(rows_total * kLabels, 0);
  std::vector<float> tw((kLabels + 1) * kLabels, 0), tu((kLabels + 1) * kLabels, 0);
  double c = 1;
  std::mt19937_64 rng(opt.seed);
  std::vector<size_t> order(ex.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<float> em, score;
  std::vector<int> back, pred;
  for (int epoch = 0; epoch < opt.epochs; ++epoch) {
    // Fisher–Yates with the generator's raw output: the same order everywhere.
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    for (size_t idx : order) {
      const Example& e = ex[idx];
      const size_t n = e.labels.size();
      em.assign(n * kLabels, 0);
      for (size_t i = 0; i < n; ++i)
        for (uint32_t k = e.starts[i]; k < e.starts[i + 1]; ++k) {
          const float* row = &w[size_t{e.rows[k]} * kLabels];
          for (int l = 0; l < kLabels; ++l) em[i * kLabels + l] += row[l];
        }
      Viterbi(em.data(), n, tw.data(), &score, &back, &pred);
      if (pred != e.labels) {
        auto bump = [&](std::vector<float>& wt, std::vector<float>& ut, size_t at, float d) {
          wt[at] += d;
          ut[at] += static_cast<float>(c) * d;
        };
        for (size_t i = 0; i < n; ++i) {
          int gp = i ? e.labels[i - 1] : kStart, pp = i ? pred[i - 1] : kStart;
          if (e.labels[i] != pred[i] || gp != pp) {
            bump(tw, tu, gp * kLabels + e.labels[i], 1);
            bump(tw, tu, pp * kLabels + pred[i], -1);
          }
          if (e.labels[i] == pred[i]) continue;
          for (uint32_t k = e.starts[i]; k < e.starts[i + 1]; ++k) {
            bump(w, u, size_t{e.rows[k]} * kLabels + e.labels[i], 1);
            bump(w, u, size_t{e.rows[k]} * kLabels + pred[i], -1);
          }
        }
      }
      c += 1;
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->kind = kKindSupervised;
  impl->hash_bits = opt.hash_bits;
  float max_abs = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    w[i] -= u[i] / static_cast<float>(c);
    max_abs = std::max(max_abs, std::fabs(w[i]));
  }
  impl->scale = max_abs > 0 ? max_abs / 32767.0f : 1.0f;
  impl->weights.resize(w.size());
  for (size_t i = 0; i < w.size(); ++i)
    impl->weights[i] = static_cast<int16_t>(std::lround(w[i] / impl->scale));
  impl->trans.resize(tw.size());
  for (size_t i = 0; i < tw.size(); ++i) impl->trans[i] = tw[i] - tu[i] / static_cast<float>(c);
  return MorphemeSplitter(std::move(impl));
}

std::string MorphemeSplitter::Serialize() const {
  std::string raw;
  ByteWriter w(&raw);
  w.LengthPrefixed(impl_->lang);
  if (impl_->kind == kKindSupervised) {
    w.U8(static_cast<uint8_t>(impl_->hash_bits));
    uint32_t bits;
    std::memcpy(&bits, &impl_->scale, 4);
    w.U32(bits);
    for (float t : impl_->trans) {
      std::memcpy(&bits, &t, 4);
      w.U32(bits);
    }
    for (int16_t x : impl_->weights) w.U16(static_cast<uint16_t>(x));
  } else {
    impl_->lexicon.Serialize(&w);
  }
  std::string packed(ZSTD_compressBound(raw.size()), '\0');
  size_t n = ZSTD_compress(packed.data(), packed.size(), raw.data(), raw.size(), 9);
  packed.resize(ZSTD_isError(n) ? 0 : n);
  std::string out;
  ByteWriter o(&out);
  o.Bytes(kMagic);
  o.U16(kMajor);
  o.U16(kMinor);
  o.U8(impl_->kind);
  o.U64(raw.size());
  o.U64(packed.size());
  o.Bytes(packed);
  o.U64(Hash64(out));
  return out;
}

StatusOr<MorphemeSplitter> MorphemeSplitter::Parse(std::string_view bytes) {
  HT_CHECK_OR_RETURN(bytes.substr(0, 8) == kMagic, DataLoss) << "not a hypertok morph model (bad magic)";
  HT_CHECK_OR_RETURN(bytes.size() >= 8 + 5 + 16 + 8, DataLoss) << "morph model truncated";
  HT_CHECK_OR_RETURN(ChecksumMatches(LoadLE(bytes.data() + bytes.size() - 8, 8),
                                     Hash64(bytes.substr(0, bytes.size() - 8))),
                     DataLoss)
      << "morph model checksum mismatch: the file is corrupt";
  ByteReader r(bytes.substr(8, bytes.size() - 16));
  uint16_t major, minor;
  uint8_t kind;
  uint64_t raw_size, packed_size;
  (void)(r.U16(&major) && r.U16(&minor) && r.U8(&kind) && r.U64(&raw_size) && r.U64(&packed_size));
  HT_CHECK_OR_RETURN(major == kMajor, Unimplemented)
      << "morph model format " << major << "." << minor << " is not readable by this hypertok";
  HT_CHECK_OR_RETURN(kind == kKindSupervised || kind == kKindUnsupervised, DataLoss)
      << "morph model: unknown kind " << int{kind};
  HT_CHECK_OR_RETURN(raw_size <= (size_t{1} << 30) && packed_size == r.remaining(), DataLoss)
      << "morph model: bad payload sizes";
  std::string raw(raw_size, '\0');
  size_t n = ZSTD_decompress(raw.data(), raw.size(), bytes.data() + 8 + r.position(), packed_size);
  HT_CHECK_OR_RETURN(!ZSTD_isError(n) && n == raw_size, DataLoss) << "morph model: payload does not decompress";
  ByteReader p(raw);
  auto impl = std::make_unique<Impl>();
  impl->kind = kind;
  std::string_view lang;
  HT_CHECK_OR_RETURN(p.LengthPrefixed(256, &lang), DataLoss) << "morph model: bad language tag";
  impl->lang = std::string(lang);
  if (kind == kKindSupervised) {
    uint8_t hb;
    uint32_t bits;
    HT_CHECK_OR_RETURN(p.U8(&hb) && hb >= 10 && hb <= 24 && p.U32(&bits), DataLoss)
        << "morph model: bad header";
    impl->hash_bits = hb;
    std::memcpy(&impl->scale, &bits, 4);
    impl->trans.resize((kLabels + 1) * kLabels);
    for (float& t : impl->trans) {
      HT_CHECK_OR_RETURN(p.U32(&bits), DataLoss) << "morph model: truncated transitions";
      std::memcpy(&t, &bits, 4);
    }
    const size_t count = (size_t{1} << hb) * kLabels;
    HT_CHECK_OR_RETURN(p.remaining() == count * 2, DataLoss) << "morph model: weight table size";
    impl->weights.resize(count);
    for (int16_t& x : impl->weights) {
      uint16_t v = 0;
      p.U16(&v);
      x = static_cast<int16_t>(v);
    }
  } else {
    HT_RETURN_IF_ERROR(impl->lexicon.Parse(&p));
  }
  return MorphemeSplitter(std::move(impl));
}

StatusOr<MorphemeSplitter> MorphemeSplitter::Load(const std::string& path) {
  HT_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path));
  auto m = Parse(bytes);
  if (!m.ok()) return m.status().WithPrefix(path);
  return m;
}

}  // namespace hypertok
