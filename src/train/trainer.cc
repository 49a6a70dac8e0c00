#include "hypertok/trainer.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "common/hash.h"
#include "common/memory.h"
#include "common/utf8.h"
#include "hypertok/encoder.h"
#include "hypertok/version.h"
#include "morph/ending_markers.h"
#include "morph/morpheme_splitter.h"
#include "train/codebook_builder.h"
#include "train/corpus.h"
#include "train/hyperbond_miner.h"

namespace hypertok {

using namespace std::string_view_literals;

namespace {
constexpr size_t kSelfTestSamples = 4;
// Cost, in tokens, of a boundary inside a word off the morph boundaries in a
// morph-aligned codebook: 2 places more boundaries on morphs than 1 (the
// boundary precision on held-out dictionary words rises by 3 points) for
// 0.9 % more tokens on running text (docs/TRAINING.md, "Morph alignment").
constexpr uint32_t kMorphAlignPenalty = 2;
constexpr size_t kSelfTestSampleBytes = 256;

}  // namespace

struct Trainer::State {
  explicit State(const TrainOptions& o)
      : corpus({.threads = o.threads,
                .max_sample_tokens = o.max_sample_tokens,
                .max_memory = o.max_memory,
                .progress = o.progress}) {}
  Corpus corpus;
};

StatusOr<std::vector<std::string>> ReservedSpecialTokens(const TrainOptions& o) {
  std::vector<std::string> out;
  if (!o.eod.empty() && std::find(o.specials.begin(), o.specials.end(), o.eod) == o.specials.end())
    out.push_back(o.eod);
  out.insert(out.end(), o.specials.begin(), o.specials.end());
  std::set<std::string_view> seen;
  for (const std::string& s : out) {
    HT_CHECK_OR_RETURN(!s.empty() && s.size() <= Codebook::kMaxPieceBytes, InvalidArgument)
        << "special token '" << s << "' must have 1 to " << Codebook::kMaxPieceBytes << " bytes";
    HT_CHECK_OR_RETURN(IsValidUtf8(s), InvalidArgument)
        << "special token '" << s << "' is not valid UTF-8";
    for (char c : s) {
      const auto b = static_cast<uint8_t>(c);
      HT_CHECK_OR_RETURN(b > 0x20 && b != 0x7F, InvalidArgument)
          << "special token '" << s << "' contains whitespace or a control character";
    }
    HT_CHECK_OR_RETURN(seen.insert(s).second, InvalidArgument)
        << "special token '" << s << "' is given twice";
  }
  return out;
}
Trainer::Trainer(TrainOptions options)
    : options_(options), state_(std::make_unique<State>(options)) {}
Trainer::~Trainer() = default;

Status Trainer::AddSource(ByteSource* source) { return state_->corpus.AddSource(source); }

Status Trainer::AddCounts(ByteSource* source) { return state_->corpus.AddCounts(source); }

Status Trainer::SaveCounts(ByteSink* sink) { return state_->corpus.Save(sink); }

StatusOr<Codebook> Trainer::Build() {
  HT_CHECK_OR_RETURN(options_.vocab_size >= 256, InvalidArgument)
      << "--vocab-size " << options_.vocab_size << " is below the 256 byte tokens";
  HT_CHECK_OR_RETURN(options_.vocab_size <= Codebook::kMaxVocabSize, InvalidArgument)
      << "--vocab-size " << options_.vocab_size << " exceeds the limit of "
      << Codebook::kMaxVocabSize;
  HT_CHECK_OR_RETURN(options_.max_bond_words >= 0 && options_.max_bond_words <= 8, InvalidArgument)
      << "--max-bond-words must be between 0 and 8";
  HT_ASSIGN_OR_RETURN(std::vector<std::string> specials, ReservedSpecialTokens(options_));
  HT_CHECK_OR_RETURN(options_.vocab_size >= 256 + specials.size(), InvalidArgument)
      << "--vocab-size " << options_.vocab_size << " leaves no room for " << specials.size()
      << " special token(s) after the 256 byte tokens";
  state_->corpus.Canonicalize();
  const Corpus& corpus = state_->corpus;
  stats_.bytes = corpus.bytes();
  stats_.distinct_pretokens = corpus.size();
  stats_.sample_pretokens = corpus.sample().size();

  std::vector<Bond> bonds;
  HT_RETURN_IF_ERROR(CheckMemory(options_.max_memory, "counting"));
  if (options_.max_bond_words >= 2)
    bonds = MineBonds(corpus, {.max_words = options_.max_bond_words});
  HT_RETURN_IF_ERROR(CheckMemory(options_.max_memory, "mining hyperbonds"));
  stats_.bonds_mined = bonds.size();

  BuilderOptions bo;
  bo.pieces = options_.vocab_size - 256 - specials.size();
  bo.threads = options_.threads;
  if (options_.morph_align) {
    // The kept lexicon leaves fewer entries to choose: seed more candidates
    // and prune more gently, so those are chosen with more care (on ru-dev at
    // 32k: 0.3 % fewer test tokens; docs/TRAINING.md, "Morph alignment").
    bo.subword_seed_factor = 10;
    bo.shrink = 0.9;
  }
  // Morph boundaries and ending markers.
  std::shared_ptr<const MorphemeSplitter> morph = options_.morph;
  stats_.morph = morph ? "given" : "none";
  const auto words = corpus.WordCounts();
  if (!morph && options_.learn_morph) {
    if (!words.empty()) {
      HT_ASSIGN_OR_RETURN(MorphemeSplitter m, MorphemeSplitter::TrainUnsupervised(words, {}));
      morph = std::make_shared<const MorphemeSplitter>(std::move(m));
      stats_.morph = "learned";
    }
    HT_RETURN_IF_ERROR(CheckMemory(options_.max_memory, "learning the morph model"));
  }
  if (morph) {
    // Subword candidates respect morph boundaries — unless encoding is
    // morph-aligned, where the lexicon and the encoder's penalty place the
    // boundaries and free candidates compress better.
    if (!options_.morph_align)
      bo.cuts = [morph](std::string_view word, std::vector<uint32_t>* cuts) {
        *cuts = MorphCuts(morph->Split(word));
      };
    for (const EndingMarker& e : ExtractEndings(*morph, words)) bo.endings.push_back(e.text);
    stats_.endings = bo.endings.size();
  }
  if (options_.morph_align) {
    HT_CHECK_OR_RETURN(morph != nullptr, InvalidArgument)
        << "morph-aligned encoding needs a morph model (give one, or let one be learned)";
    // The lexicon: morphs of the lexicon words by the number of words they
    // occur in (ties by bytes, so the choice is deterministic).
    std::unordered_map<std::string, uint64_t> counts;
    for (const std::string& word : options_.morph_lexicon) {
      const std::vector<Morph> ms = morph->Split(word);
      for (size_t k = 0; k < ms.size(); ++k) {
        std::string m = word.substr(ms[k].begin, ms[k].end - ms[k].begin);
        ++counts[k == 0 ? " " + m : m];
      }
    }
    std::vector<std::pair<std::string, uint64_t>> ranked(counts.begin(), counts.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    const size_t n = std::min({ranked.size(), options_.morph_lexicon_size, bo.pieces / 2});
    for (size_t i = 0; i < n; ++i) bo.keep.push_back(std::move(ranked[i].first));
    stats_.lexicon_morphs = bo.keep.size();
  }
  BuilderReport report;
  std::vector<Piece> pieces = Codebook::BytePieces();
  for (const std::string& sp : specials)
    pieces.push_back({sp, PieceKind::kSpecial, PieceOrigin::kSpecial});
  bo.checkpoint = [this] { return CheckMemory(options_.max_memory, "choosing pieces"); };
  HT_ASSIGN_OR_RETURN(std::vector<Piece> chosen, BuildPieces(corpus, bonds, bo, &report));
  for (Piece& p : chosen) pieces.push_back(std::move(p));
  stats_.candidates = report.char_candidates + report.subword_candidates + report.bond_candidates;
  stats_.rounds = report.rounds;
  stats_.sample_tokens = report.sample_tokens;

  std::map<std::string, std::string> meta = {
      {"tool", "hypertok " HYPERTOK_VERSION},
      {"trainer", "min-token-prune-v1"},
      {"vocab_size", std::to_string(options_.vocab_size)},
      {"max_bond_words", std::to_string(options_.max_bond_words)},
      {"seed", std::to_string(options_.seed)},
      {"input_bytes", std::to_string(corpus.bytes())},
      {"input_xxh3", Hex64(corpus.input_hash())},
      {"sample_level", std::to_string(corpus.sample_level())},
      {"morph", stats_.morph},
  };
  if (options_.morph_align) meta["morph_lexicon"] = std::to_string(stats_.lexicon_morphs);
  if (!options_.eod.empty()) meta[std::string(Codebook::kEodKey)] = options_.eod;
  HT_ASSIGN_OR_RETURN(Codebook cb, Codebook::Create(std::move(pieces), options_.scene, meta));
  if (options_.morph_align) cb.set_morph_align_penalty(kMorphAlignPenalty);
  // The morph model travels with the codebook (optional section MRPH).
  if (morph) HT_RETURN_IF_ERROR(cb.AddExtraSection("MRPH", morph->Serialize()));

  // Self-tests: the first scenes of an input (the first in canonical order,
  // so the choice does not depend on input order) plus fixed adversarial
  // probes, with the ids this build gives them.
  std::vector<std::string> inputs;
  std::string_view rest;
  if (!corpus.sources().empty()) rest = corpus.sources()[0].head;
  while (inputs.size() < kSelfTestSamples && !rest.empty()) {
    size_t end = FindSceneEnd(rest, options_.scene, true);
    inputs.emplace_back(rest.substr(0, std::min(end, kSelfTestSampleBytes)));
    rest.remove_prefix(end);
  }
  inputs.emplace_back("\xEF\xBB\xBFHello,\r\nworld!\r\n\r\n\x00\xFF\xC0"sv);
  inputs.emplace_back("Мороз и солнце; день чудесный!\n\n中文 Ünïcödé 123");
  HT_ASSIGN_OR_RETURN(Encoder enc, MakeEncoder(cb, /*check=*/false));
  std::vector<SelfTest> tests;
  for (const std::string& in : inputs) tests.push_back({in, enc.Encode(in)});
  cb.set_self_tests(std::move(tests));
  // The encoder's tables travel with the codebook too, so that loading it
  // need not build them again (Encoder::kIndexSection).
  HT_RETURN_IF_ERROR(cb.AddExtraSection(std::string(Encoder::kIndexSection), enc.SerializeIndex()));
  return cb;
}

namespace {

// Morph boundaries from a codebook's own morph model.
class SplitterCutter final : public MorphCutter {
 public:
  explicit SplitterCutter(MorphemeSplitter m) : m_(std::move(m)) {}
  void Cuts(std::string_view word, std::vector<uint32_t>* cuts) const override {
    *cuts = MorphCuts(m_.Split(word));
  }

 private:
  MorphemeSplitter m_;
};

}  // namespace

StatusOr<Encoder> MakeEncoder(const Codebook& codebook, bool check, int threads) {
  std::shared_ptr<const MorphCutter> cutter;
  if (codebook.morph_aligned()) {
    const std::string_view* model = codebook.extra_section("MRPH");
    HT_CHECK_OR_RETURN(model != nullptr, DataLoss)
        << "morph-aligned codebook without its morph model (section MRPH)";
    auto m = MorphemeSplitter::Parse(*model);
    if (!m.ok()) return m.status().WithPrefix("section MRPH");
    cutter = std::make_shared<SplitterCutter>(std::move(m).value());
  }
  return check ? Encoder::Create(codebook, std::move(cutter), threads)
               : Encoder::CreateUnchecked(codebook, std::move(cutter), threads);
}

}  // namespace hypertok
