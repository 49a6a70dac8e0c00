// hypertok stats: how many tokens the codebook gives for the inputs.
#include <fmt/core.h>

#include "cli/cli_util.h"
#include "common/hash.h"
#include "hypertok/pipeline.h"

namespace hypertok::cli {

namespace {

struct StatsFlags {
  std::string model;
  std::vector<std::string> inputs;
  std::string scene;
  int threads = 1;
  bool json = false;
};

class NullSink : public TokenSink {
 public:
  Status Add(std::span<const uint32_t>, std::string_view, bool, bool) override {
    return OkStatus();
  }
  Status Finish() override { return OkStatus(); }
};

double Ratio(uint64_t a, uint64_t b) { return b ? double(a) / double(b) : 0.0; }

std::string JsonCounts(const EncodeCounts& c) {
  return fmt::format(R"("bytes":{},"tokens":{},"scenes":{},"bytes_per_token":{:.4f})",
                     c.bytes, c.tokens, c.scenes, Ratio(c.bytes, c.tokens));
}

Status RunStats(const StatsFlags& f) {
  HT_ASSIGN_OR_RETURN(EncodingModel m, LoadEncodingModel(f.model));
  HT_ASSIGN_OR_RETURN(SceneMode scene, SceneOrDefault(f.scene, m.codebook));
  NullSink sink;
  EncodeCounts total;
  std::vector<std::pair<std::string, EncodeCounts>> per_input;
  for (const std::string& path : InputsOrStdin(f.inputs)) {
    HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(path));
    EncodeCounts c;
    HT_RETURN_IF_ERROR(
        EncodeSource(m.encoder, &src, {scene, ResolveThreads(f.threads)}, &sink, &c));
    per_input.emplace_back(src.name(), c);
    total.bytes += c.bytes;
    total.tokens += c.tokens;
    total.scenes += c.scenes;
  }
  if (f.json) {
    std::string inputs;
    for (const auto& [name, c] : per_input) {
      if (!inputs.empty()) inputs += ',';
      inputs += fmt::format(R"({{"input":"{}",{}}})", JsonEscape(name), JsonCounts(c));
    }
    fmt::print(R"({{{},"vocab_size":{},"codebook_id":"{}","inputs":[{}]}})"
               "\n",
               JsonCounts(total), m.codebook.size(), Hex64(m.codebook.id()), inputs);
    return OkStatus();
  }
  fmt::print("{:<40} {:>12} {:>12} {:>9} {:>12}\n", "input", "bytes", "tokens", "scenes",
             "bytes/token");
  auto row = [](const std::string& name, const EncodeCounts& c) {
    fmt::print("{:<40} {:>12} {:>12} {:>9} {:>12.3f}\n", name, c.bytes, c.tokens, c.scenes,
               Ratio(c.bytes, c.tokens));
  };
  for (const auto& [name, c] : per_input) row(name, c);
  if (per_input.size() > 1) row("total", total);
  return OkStatus();
}

}  // namespace

Command AddStatsCommand(CLI::App& app) {
  auto f = std::make_shared<StatsFlags>();
  CLI::App* sub = app.add_subcommand("stats", "Count bytes, tokens and scenes for the inputs");
  sub->add_option("-m,--model", f->model, "Codebook file")->required();
  sub->add_option("inputs", f->inputs, "Text files ('-' or none: standard input)");
  sub->add_option("--scene", f->scene, "paragraph, line or document (default: the codebook's)")
      ->check(CLI::IsMember({"paragraph", "line", "document"}));
  AddThreadsOption(sub, &f->threads);
  sub->add_flag("--json", f->json, "Print one JSON object");
  return {sub, [f] { return RunStats(*f); }};
}

}  // namespace hypertok::cli
