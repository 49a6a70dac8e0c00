// hypertok stats: bytes, characters, words and tokens for the inputs, with
// the per-stage waterfall (src/train/waterfall.h).
#include <fmt/core.h>

#include "cli/cli_util.h"
#include "common/hash.h"
#include "hypertok/pipeline.h"
#include "train/waterfall.h"

namespace hypertok::cli {

namespace {

struct StatsFlags {
  std::string model;
  std::vector<std::string> inputs;
  std::string scene;
  int threads = 1;
  bool json = false;
};

double Ratio(uint64_t a, uint64_t b) { return b ? double(a) / double(b) : 0.0; }

void Accumulate(const TextCounts& c, TextCounts* total) {
  total->bytes += c.bytes;
  total->chars += c.chars;
  total->words += c.words;
  total->scenes += c.scenes;
  if (total->stages.empty()) total->stages = c.stages;
  else
    for (size_t s = 0; s < c.stages.size(); ++s) total->stages[s].tokens += c.stages[s].tokens;
}

std::string JsonCounts(const TextCounts& c) {
  uint64_t tokens = c.stages.back().tokens;
  std::string stages;
  for (const StageCount& s : c.stages)
    stages += fmt::format(
        R"({}{{"stage":"{}","tokens":{},"bytes_per_token":{:.4f},"tokens_per_word":{:.4f}}})",
        stages.empty() ? "" : ",", s.name, s.tokens, Ratio(c.bytes, s.tokens),
        Ratio(s.tokens, c.words));
  return fmt::format(
      R"("bytes":{},"chars":{},"words":{},"tokens":{},"scenes":{},"bytes_per_token":{:.4f},)"
      R"("tokens_per_word":{:.4f},"stages":[{}])",
      c.bytes, c.chars, c.words, tokens, c.scenes, Ratio(c.bytes, tokens),
      Ratio(tokens, c.words), stages);
}

void PrintTable(const std::string& name, const TextCounts& c) {
  fmt::print("{}: {} bytes, {} characters, {} words, {} scenes\n", name, c.bytes, c.chars,
             c.words, c.scenes);
  fmt::print("  {:<14} {:>12} {:>12} {:>12} {:>9}\n", "stage", "tokens", "bytes/token",
             "tokens/word", "change");
  uint64_t prev = 0;
  for (const StageCount& s : c.stages) {
    std::string change = prev ? fmt::format("{:+.1f}%", 100.0 * (double(s.tokens) / prev - 1))
                              : std::string("");
    fmt::print("  {:<14} {:>12} {:>12.3f} {:>12.3f} {:>9}\n", s.name, s.tokens,
               Ratio(c.bytes, s.tokens), Ratio(s.tokens, c.words), change);
    prev = s.tokens;
  }
}

Status RunStats(const StatsFlags& f) {
  HT_ASSIGN_OR_RETURN(EncodingModel m, LoadEncodingModel(f.model));
  HT_ASSIGN_OR_RETURN(SceneMode scene, SceneOrDefault(f.scene, m.codebook));
  HT_ASSIGN_OR_RETURN(auto waterfall, Waterfall::Create(m.codebook));
  TextCounts total;
  std::vector<std::pair<std::string, TextCounts>> per_input;
  for (const std::string& path : InputsOrStdin(f.inputs)) {
    HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(path));
    HT_RETURN_IF_ERROR(
        EncodeSource(m.encoder, &src, {.scene = scene, .threads = ResolveThreads(f.threads), .progress = {}}, waterfall.get()));
    TextCounts c = waterfall->Take();
    Accumulate(c, &total);
    per_input.emplace_back(src.name(), std::move(c));
  }
  if (f.json) {
    std::string inputs;
    for (const auto& [name, c] : per_input)
      inputs += fmt::format(R"({}{{"input":"{}",{}}})", inputs.empty() ? "" : ",",
                            JsonEscape(name), JsonCounts(c));
    fmt::print(R"({{{},"vocab_size":{},"codebook_id":"{}","inputs":[{}]}})"
               "\n",
               JsonCounts(total), m.codebook.size(), Hex64(m.codebook.id()), inputs);
    return OkStatus();
  }
  for (const auto& [name, c] : per_input) PrintTable(name, c);
  if (per_input.size() > 1) PrintTable("total", total);
  return OkStatus();
}

}  // namespace

Command AddStatsCommand(CLI::App& app) {
  auto f = std::make_shared<StatsFlags>();
  CLI::App* sub = app.add_subcommand(
      "stats", "Bytes, words and tokens for the inputs, stage by stage (the waterfall)");
  sub->add_option("-m,--model", f->model, "Codebook file")->required();
  sub->add_option("inputs", f->inputs, "Text files ('-' or none: standard input)");
  AddSceneOption(sub, &f->scene);
  AddThreadsOption(sub, &f->threads);
  sub->add_flag("--json", f->json, "Print one JSON object");
  return {sub, [f] { return RunStats(*f); }};
}

}  // namespace hypertok::cli
