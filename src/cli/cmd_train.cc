// hypertok train: learn a codebook from raw text.
#include <spdlog/spdlog.h>

#include "cli/cli_util.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "common/memory.h"
#include "hypertok/trainer.h"
#include "morph/morpheme_splitter.h"

namespace hypertok::cli {

namespace {

struct TrainFlags {
  std::vector<std::string> inputs;
  std::vector<std::string> from_counts;
  std::string output;
  size_t vocab_size = 32000;
  std::string scene = "paragraph";
  int threads = 1;
  uint64_t seed = 0;
  int max_bond_words = 3;
  std::string morph;
  bool morph_align = false;
  std::string morph_lexicon;
  size_t morph_lexicon_size = TrainOptions().morph_lexicon_size;
  size_t sample_tokens = TrainOptions().max_sample_tokens;
  std::string max_memory;
  std::vector<std::string> specials;
  std::string eod = TrainOptions().eod;
  bool force = false;
};

Status RunTrain(const TrainFlags& f) {
  HT_ASSIGN_OR_RETURN(SceneMode scene, ParseSceneMode(f.scene));
  HT_CHECK_OR_RETURN(f.vocab_size >= 256 && f.vocab_size <= Codebook::kMaxVocabSize,
                     InvalidArgument)
      << "--vocab-size must be between 256 and " << Codebook::kMaxVocabSize;
  // Open the output first: refusing to overwrite should not cost a training run.
  uint64_t max_memory = 0;
  if (!f.max_memory.empty()) {
    HT_ASSIGN_OR_RETURN(max_memory, ParseByteSize(f.max_memory));
  }
  HT_ASSIGN_OR_RETURN(auto out, Output::Open({f.output, false, f.force, true}));
  std::shared_ptr<const MorphemeSplitter> morph;
  if (!f.morph.empty() && f.morph != "none") {
    HT_ASSIGN_OR_RETURN(MorphemeSplitter m, MorphemeSplitter::Load(f.morph));
    morph = std::make_shared<const MorphemeSplitter>(std::move(m));
  }
  HT_CHECK_OR_RETURN(!f.morph_align || f.morph != "none", InvalidArgument)
      << "--morph-align needs a morph model (--morph FILE, or none given to learn one)";
  HT_CHECK_OR_RETURN(f.morph_lexicon.empty() || f.morph_align, InvalidArgument)
      << "--morph-lexicon applies with --morph-align";
  // Lexicon words: the first tab-separated field of each line (a word list,
  // or a segmentation file such as morph train --gold reads).
  std::vector<std::string> lexicon;
  if (!f.morph_lexicon.empty()) {
    HT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(f.morph_lexicon));
    for (std::string_view rest = text; !rest.empty();) {
      const size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      line = line.substr(0, line.find('\t'));
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty()) lexicon.emplace_back(line);
    }
  }
  // Text inputs; standard input only when there are neither inputs nor counts.
  const std::vector<std::string> inputs =
      f.from_counts.empty() ? InputsOrStdin(f.inputs) : f.inputs;
  TrainOptions check;
  check.specials = f.specials;
  check.eod = f.eod == "none" ? "" : f.eod;
  HT_RETURN_IF_ERROR(ReservedSpecialTokens(check).status());
  uint64_t done_before = 0;
  auto progress = std::make_shared<Progress>("count", TotalInputBytes(inputs));
  Trainer trainer({.vocab_size = f.vocab_size,
                   .scene = scene,
                   .threads = ResolveThreads(f.threads),
                   .seed = f.seed,
                   .max_bond_words = f.max_bond_words,
                   .max_sample_tokens = f.sample_tokens,
                   .max_memory = max_memory,
                   .morph = morph,
                   .learn_morph = f.morph.empty(),
                   .morph_align = f.morph_align,
                   .morph_lexicon = std::move(lexicon),
                   .morph_lexicon_size = f.morph_lexicon_size,
                   .specials = check.specials,
                   .eod = check.eod,
                   .progress = [&](uint64_t done) { progress->Update(done_before + done); }});
  for (const std::string& path : f.from_counts) {
    HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(path));
    HT_RETURN_IF_ERROR(trainer.AddCounts(&src));
    spdlog::info("merged {}", src.name());
  }
  for (const std::string& path : inputs) {
    HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(path));
    HT_RETURN_IF_ERROR(trainer.AddSource(&src));
    done_before += src.bytes_read();
    spdlog::info("counted {}", src.name());
  }
  progress.reset();  // the line goes before the (long, silent) build
  HT_ASSIGN_OR_RETURN(Codebook cb, trainer.Build());
  const TrainStats& st = trainer.stats();
  if (cb.size() < f.vocab_size)
    spdlog::warn(
        "only {} distinct candidates in {} bytes of input: the codebook has {} of "
        "the {} entries asked for",
        st.candidates, st.bytes, cb.size(), f.vocab_size);
  spdlog::info(
      "{} bytes, {} distinct pre-tokens, {} in the sample, morph model {}, {} ending "
      "markers, {} lexicon morphs, {} bonds mined, {} candidates, {} rounds: {} tokens "
      "on the sample",
      st.bytes, st.distinct_pretokens, st.sample_pretokens, st.morph, st.endings, st.lexicon_morphs,
      st.bonds_mined, st.candidates, st.rounds, st.sample_tokens);
  HT_RETURN_IF_ERROR(out->sink()->Write(cb.Serialize()));
  HT_RETURN_IF_ERROR(out->Commit());
  spdlog::info("wrote {}: {} entries", f.output, cb.size());
  return OkStatus();
}

}  // namespace

Command AddTrainCommand(CLI::App& app) {
  auto f = std::make_shared<TrainFlags>();
  CLI::App* sub = app.add_subcommand("train", "Learn a codebook from raw text");
  sub->add_option("inputs", f->inputs, "Text files ('-' or none: standard input)");
  sub->add_option("-o,--output", f->output, "Codebook file to write")->required();
  sub->add_option("--from-counts", f->from_counts,
                  "Counts files (hypertok count / merge) to train from, with or instead of "
                  "text inputs (repeat the option for several)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->expected(1)
      ->allow_extra_args(false);
  sub->add_option("--vocab-size", f->vocab_size,
                  "Entries in the codebook, the 256 byte tokens included")
      ->capture_default_str();
  sub->add_option("--scene", f->scene, "Default scene for encode: paragraph, line, document")
      ->check(CLI::IsMember({"paragraph", "line", "document"}))
      ->capture_default_str();
  AddThreadsOption(sub, &f->threads);
  AddSampleTokensOption(sub, &f->sample_tokens);
  AddMaxMemoryOption(sub, &f->max_memory);
  sub->add_option("--seed", f->seed, "Seed for random choices (recorded in the codebook)");
  sub->add_option("--max-bond-words", f->max_bond_words,
                  "Longest hyperbond in words (0 or 1: no hyperbonds)")
      ->check(CLI::Range(0, 8))
      ->capture_default_str();
  sub->add_option("--morph", f->morph,
                  "Morph model (.morph) whose boundaries subwords respect; 'none' to cut "
                  "anywhere (default: learn one from the input, unsupervised)");
  sub->add_flag("--morph-align", f->morph_align,
                "Encode morph-aligned: inside a word, a token boundary off the morph model's "
                "boundaries costs as much as a token (docs/TRAINING.md)");
  sub->add_option("--morph-lexicon", f->morph_lexicon,
                  "With --morph-align: words (first tab-separated field per line) whose morphs "
                  "the vocabulary keeps, most frequent first");
  sub->add_option("--morph-lexicon-size", f->morph_lexicon_size,
                  "With --morph-lexicon: morphs kept (at most half the learned pieces)")
      ->capture_default_str();
  sub->add_option("--special", f->specials,
                  "Special tokens to reserve at ids 256, 257, ... (after the --eod token "
                  "unless it is among them); never split, never produced from text unless "
                  "encode --allow-special")
      ->expected(1, -1);
  sub->add_option("--eod", f->eod,
                  "End-of-document special token that trainer formats (encode --format "
                  "bin|npy|megatron|llmc) write between scenes or documents; 'none' for none")
      ->capture_default_str();
  sub->add_flag("-f,--force", f->force, "Overwrite an existing output file");
  return {sub, [f] { return RunTrain(*f); }};
}

}  // namespace hypertok::cli
