// hypertok morph train / hypertok split: learn a morpheme splitter and apply it.
#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <unordered_map>

#include "cli/cli_util.h"
#include "cli/output.h"
#include "codec/pretokenizer.h"
#include "hypertok/codebook.h"
#include "morph/morpheme_splitter.h"
#include "train/corpus.h"

namespace hypertok::cli {

namespace {

struct MorphTrainFlags {
  std::string gold;
  std::vector<std::string> corpus;
  std::string output;
  std::string lang;
  int threads = 1;
  int epochs = 10;
  std::string word_counts;
  float entropy_rise = UnsupervisedOptions().entropy_rise;
  bool force = false;
};

StatusOr<std::vector<std::pair<std::string, uint64_t>>> CountWords(
    const std::vector<std::string>& inputs, int threads) {
  Corpus corpus({.threads = threads, .max_sample_tokens = 0, .max_memory = 0, .progress = {}});
  for (const std::string& path : InputsOrStdin(inputs)) {
    HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(path));
    HT_RETURN_IF_ERROR(corpus.AddSource(&src));
  }
  return corpus.WordCounts();
}

Status RunMorphTrain(const MorphTrainFlags& f) {
  HT_CHECK_OR_RETURN(f.gold.empty() != f.corpus.empty(), InvalidArgument)
      << "give either --gold FILE or CORPUS files, not both";
  HT_ASSIGN_OR_RETURN(auto out, Output::Open({f.output, false, f.force, true}));
  std::unique_ptr<MorphemeSplitter> model;
  if (!f.gold.empty()) {
    HT_ASSIGN_OR_RETURN(auto gold, ReadGoldFile(f.gold));
    spdlog::info("{}: {} words", f.gold, gold.size());
    HT_ASSIGN_OR_RETURN(MorphemeSplitter m,
                        MorphemeSplitter::TrainSupervised(gold, {.epochs = f.epochs}));
    model = std::make_unique<MorphemeSplitter>(std::move(m));
  } else {
    HT_ASSIGN_OR_RETURN(auto words, CountWords(f.corpus, ResolveThreads(f.threads)));
    spdlog::info("{} distinct words", words.size());
    if (!f.word_counts.empty()) {
      // The exact counts trained on, as "count word" lines (Morfessor's
      // --traindata-list format), so baselines can train on the same data.
      HT_ASSIGN_OR_RETURN(auto list, Output::Open({f.word_counts, false, f.force, false}));
      std::string text;
      for (const auto& [w, c] : words) text += fmt::format("{} {}\n", c, w);
      HT_RETURN_IF_ERROR(list->sink()->Write(text));
      HT_RETURN_IF_ERROR(list->Commit());
    }
    HT_ASSIGN_OR_RETURN(MorphemeSplitter m, MorphemeSplitter::TrainUnsupervised(
                                                words, {.entropy_rise = f.entropy_rise}));
    model = std::make_unique<MorphemeSplitter>(std::move(m));
  }
  model->set_lang(f.lang);
  HT_RETURN_IF_ERROR(out->sink()->Write(model->Serialize()));
  return out->Commit();
}

struct SplitFlags {
  std::string model;
  std::string input = "-";
  std::string output;
  bool tsv = false;
  bool force = false;
};

// Text mode marks: '|' between morphs, '|+' before an ending; a literal '|'
// or '\' in the input is escaped with '\'. docs/CLI.md shows how to undo it.
void AppendEscaped(std::string_view s, std::string* out) {
  for (char c : s) {
    if (c == '|' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
}

void AppendMarkedWord(std::string_view word, const std::vector<Morph>& morphs, std::string* out) {
  for (size_t i = 0; i < morphs.size(); ++i) {
    if (i > 0) *out += morphs[i].type == MorphType::kEnding ? "|+" : "|";
    AppendEscaped(word.substr(morphs[i].begin, morphs[i].end - morphs[i].begin), out);
  }
}

// The --tsv form: "m1 m2 +ending postfix".
void AppendTsvMorphs(std::string_view word, const std::vector<Morph>& morphs, std::string* out) {
  for (size_t i = 0; i < morphs.size(); ++i) {
    if (i > 0) *out += ' ';
    if (morphs[i].type == MorphType::kEnding) *out += '+';
    out->append(word.substr(morphs[i].begin, morphs[i].end - morphs[i].begin));
  }
}

// A .morph file, or a codebook that embeds one (section MRPH).
StatusOr<MorphemeSplitter> LoadMorphModel(const std::string& path) {
  HT_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path, Codebook::kMaxFileBytes));
  if (DetectFileKind(bytes) != FileKind::kCodebook) {
    auto m = MorphemeSplitter::Parse(bytes);
    if (!m.ok()) return m.status().WithPrefix(path);
    return m;
  }
  auto cb = Codebook::Parse(bytes);
  if (!cb.ok()) return cb.status().WithPrefix(path);
  const std::string_view* section = cb->extra_section("MRPH");
  HT_CHECK_OR_RETURN(section != nullptr, InvalidArgument)
      << path << ": this codebook embeds no morph model (trained with --morph none)";
  auto m = MorphemeSplitter::Parse(*section);
  if (!m.ok()) return m.status().WithPrefix(path + ": section MRPH");
  return m;
}

Status RunSplit(const SplitFlags& f) {
  HT_ASSIGN_OR_RETURN(MorphemeSplitter model, LoadMorphModel(f.model));
  HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(f.input));
  HT_ASSIGN_OR_RETURN(auto out, Output::Open({f.output, false, f.force, false}));
  std::unordered_map<std::string, std::vector<Morph>> cache;
  auto split = [&](std::string_view w) -> const std::vector<Morph>& {
    auto it = cache.find(std::string(w));
    if (it != cache.end()) return it->second;
    if (cache.size() > (1u << 20)) cache.clear();
    return cache.emplace(std::string(w), model.Split(w)).first->second;
  };
  std::string buf, text;
  char chunk[1 << 16];
  bool eof = false;
  while (!eof) {
    HT_ASSIGN_OR_RETURN(size_t got, src.ReadFull(chunk, sizeof chunk));
    buf.append(chunk, got);
    eof = got < sizeof chunk;
    // Work on complete lines; the rest waits for more input.
    size_t end = eof ? buf.size() : buf.rfind('\n');
    if (end == std::string::npos) continue;
    if (!eof) ++end;
    std::string_view lines(buf.data(), end);
    text.clear();
    if (f.tsv) {
      while (!lines.empty()) {
        size_t nl = lines.find('\n');
        std::string_view line = lines.substr(0, nl);
        lines.remove_prefix(nl == std::string_view::npos ? lines.size() : nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        std::string_view word = line.substr(0, line.find('\t'));
        text.append(word);
        text += '\t';
        // One word per line rarely repeats: no cache.
        AppendTsvMorphs(word, model.Split(word), &text);
        text += '\n';
      }
    } else {
      Pretokenize(lines, [&](std::string_view u) {
        if (ClassifyUnit(u) != UnitClass::kWord) {
          AppendEscaped(u, &text);
          return;
        }
        if (u[0] == ' ') {
          text += ' ';
          u.remove_prefix(1);
        }
        AppendMarkedWord(u, split(u), &text);
      });
    }
    HT_RETURN_IF_ERROR(out->sink()->Write(text));
    buf.erase(0, end);
  }
  return out->Commit();
}

}  // namespace

Command AddMorphCommand(CLI::App& app) {
  auto f = std::make_shared<MorphTrainFlags>();
  CLI::App* morph = app.add_subcommand("morph", "Morpheme splitter models");
  morph->require_subcommand(1);
  CLI::App* sub = morph->add_subcommand(
      "train", "Learn a morpheme splitter from a gold file (supervised) or raw text");
  auto* gold = sub->add_option("--gold", f->gold,
                               "Gold segmentations: word<TAB>morph:TYPE/... or word<TAB>m1 m2 ...");
  sub->add_option("corpus", f->corpus, "Raw text files for unsupervised training")->excludes(gold);
  sub->add_option("-o,--output", f->output, "Morph model to write (.morph)")->required();
  sub->add_option("--lang", f->lang,
                  "Language tag stored in the model (shown by inspect; no rules depend on it)");
  sub->add_option("--epochs", f->epochs, "Perceptron passes over the gold words")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  sub->add_option("--word-counts", f->word_counts,
                  "Also write the word counts trained on (\"count word\" lines)");
  sub->add_option("--entropy-rise", f->entropy_rise,
                  "Unsupervised: cut where branching entropy rises by more bits than this")
      ->capture_default_str();
  AddThreadsOption(sub, &f->threads);
  sub->add_flag("-f,--force", f->force, "Overwrite an existing output file");
  return {sub, [f] { return RunMorphTrain(*f); }};
}

Command AddSplitCommand(CLI::App& app) {
  auto f = std::make_shared<SplitFlags>();
  CLI::App* sub = app.add_subcommand("split", "Split words into morphs with a morph model");
  sub->add_option("-m,--model", f->model, "Morph model (.morph), or a codebook embedding one")
      ->required();
  sub->add_option("input", f->input, "Input ('-' or none: standard input)");
  sub->add_flag("--tsv", f->tsv,
                "One word per line in, word<TAB>m1 m2 +ending out (morph_eval.py format)");
  sub->add_option("-o,--output", f->output, "Output file (default: standard output)");
  sub->add_flag("-f,--force", f->force, "Overwrite an existing output file");
  return {sub, [f] { return RunSplit(*f); }};
}

}  // namespace hypertok::cli
