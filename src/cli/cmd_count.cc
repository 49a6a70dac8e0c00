// hypertok count / merge: training statistics for shards, so training can be
// split across machines (docs/TRAINING.md, "Training on shards").
#include <spdlog/spdlog.h>

#include "cli/cli_util.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "common/memory.h"
#include "hypertok/trainer.h"

namespace hypertok::cli {

namespace {

struct CountFlags {
  std::vector<std::string> inputs;
  std::string output;
  int threads = 1;
  size_t sample_tokens = TrainOptions().max_sample_tokens;
  std::string max_memory;
  bool force = false;
};

// count reads text; merge reads counts files. Both write one counts file.
Status RunCount(const CountFlags& f, bool merge) {
  uint64_t max_memory = 0;
  if (!f.max_memory.empty()) {
    HT_ASSIGN_OR_RETURN(max_memory, ParseByteSize(f.max_memory));
  }
  HT_ASSIGN_OR_RETURN(auto out, Output::Open({f.output, false, f.force, true}));
  const std::vector<std::string> inputs = merge ? f.inputs : InputsOrStdin(f.inputs);
  Progress progress("count", merge ? 0 : TotalInputBytes(inputs));
  uint64_t done_before = 0;
  TrainOptions options;
  options.threads = ResolveThreads(f.threads);
  options.max_sample_tokens = f.sample_tokens;
  options.max_memory = max_memory;
  options.progress = [&](uint64_t done) { progress.Update(done_before + done); };
  Trainer trainer(options);
  for (const std::string& path : inputs) {
    HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(path));
    HT_RETURN_IF_ERROR(merge ? trainer.AddCounts(&src) : trainer.AddSource(&src));
    done_before += src.bytes_read();
    spdlog::info("{} {}", merge ? "merged" : "counted", src.name());
  }
  HT_RETURN_IF_ERROR(trainer.SaveCounts(out->sink()));
  HT_RETURN_IF_ERROR(out->Commit());
  spdlog::info("wrote {}", f.output);
  return OkStatus();
}

}  // namespace

Command AddCountCommand(CLI::App& app) {
  auto f = std::make_shared<CountFlags>();
  CLI::App* sub = app.add_subcommand(
      "count", "Count the training statistics of text into a counts file (one shard)");
  sub->add_option("inputs", f->inputs, "Text files ('-' or none: standard input)");
  sub->add_option("-o,--output", f->output, "Counts file to write")->required();
  AddThreadsOption(sub, &f->threads);
  AddSampleTokensOption(sub, &f->sample_tokens);
  AddMaxMemoryOption(sub, &f->max_memory);
  sub->add_flag("-f,--force", f->force, "Overwrite an existing output file");
  return {sub, [f] { return RunCount(*f, false); }};
}

Command AddMergeCommand(CLI::App& app) {
  auto f = std::make_shared<CountFlags>();
  CLI::App* sub = app.add_subcommand(
      "merge", "Combine counts files into one (any order gives the same bytes)");
  sub->add_option("inputs", f->inputs, "Counts files")->required();
  sub->add_option("-o,--output", f->output, "Counts file to write")->required();
  AddSampleTokensOption(sub, &f->sample_tokens);
  AddMaxMemoryOption(sub, &f->max_memory);
  sub->add_flag("-f,--force", f->force, "Overwrite an existing output file");
  return {sub, [f] { return RunCount(*f, true); }};
}

}  // namespace hypertok::cli
