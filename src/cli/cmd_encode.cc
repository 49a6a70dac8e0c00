// hypertok encode: text → token stream (.hts), ids text or pieces JSONL.
#include <spdlog/spdlog.h>

#include "cli/cli_util.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "hypertok/pipeline.h"
#include "hypertok/stream.h"
#include "hypertok/text_formats.h"

namespace hypertok::cli {

namespace {

struct EncodeFlags {
  std::string model;
  std::vector<std::string> inputs;
  std::string output;
  bool to_stdout = false;
  std::string format = "hts";
  std::string scene;
  int threads = 1;
  bool zstd = false;
  int zstd_level = 3;
  bool force = false;
};

Status RunEncode(const EncodeFlags& f) {
  HT_ASSIGN_OR_RETURN(EncodingModel m, LoadEncodingModel(f.model));
  HT_ASSIGN_OR_RETURN(SceneMode scene, SceneOrDefault(f.scene, m.codebook));
  HT_CHECK_OR_RETURN(!f.zstd || f.format == "hts", InvalidArgument)
      << "--zstd applies to --format hts only";
  const bool binary = f.format == "hts";
  HT_ASSIGN_OR_RETURN(auto out, Output::Open({f.output, f.to_stdout, f.force, binary}));
  Decoder decoder(m.codebook);
  std::unique_ptr<TokenSink> sink;
  if (f.format == "hts") {
    sink = std::make_unique<StreamWriter>(out->sink(), m.codebook.id(), m.codebook.size(),
                                          StreamOptions{f.zstd, f.zstd_level});
  } else if (f.format == "ids") {
    sink = std::make_unique<IdsTextWriter>(out->sink());
  } else {
    sink = std::make_unique<PiecesJsonWriter>(out->sink(), &decoder);
  }
  const std::vector<std::string> inputs = InputsOrStdin(f.inputs);
  Progress progress("encode", TotalInputBytes(inputs));
  EncodeCounts counts;
  EncodeOptions opts{.scene = scene,
                     .threads = ResolveThreads(f.threads),
                     .progress = [&](uint64_t done) { progress.Update(counts.bytes + done); }};
  for (const std::string& path : inputs) {
    HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(path));
    HT_RETURN_IF_ERROR(EncodeSource(m.encoder, &src, opts, sink.get(), &counts));
  }
  HT_RETURN_IF_ERROR(sink->Finish());
  HT_RETURN_IF_ERROR(out->Commit());
  spdlog::info("{} bytes → {} tokens in {} scenes ({:.3f} bytes/token)", counts.bytes,
               counts.tokens, counts.scenes,
               counts.tokens ? double(counts.bytes) / counts.tokens : 0.0);
  return OkStatus();
}

}  // namespace

Command AddEncodeCommand(CLI::App& app) {
  auto f = std::make_shared<EncodeFlags>();
  CLI::App* sub = app.add_subcommand("encode", "Encode text into hypertokens");
  sub->add_option("-m,--model", f->model, "Codebook file")->required();
  sub->add_option("inputs", f->inputs, "Text files ('-' or none: standard input)");
  AddOutputOptions(sub, &f->output, &f->to_stdout);
  sub->add_option("--format", f->format, "hts (binary stream), ids, pieces")
      ->check(CLI::IsMember({"hts", "ids", "pieces"}))
      ->capture_default_str();
  AddSceneOption(sub, &f->scene);
  AddThreadsOption(sub, &f->threads);
  sub->add_flag("--zstd", f->zstd, "Compress the stream's blocks with zstd");
  sub->add_option("--zstd-level", f->zstd_level, "zstd level for --zstd")
      ->check(CLI::Range(1, 19))
      ->capture_default_str();
  sub->add_flag("-f,--force", f->force,
                "Overwrite an existing output; allow binary output to a terminal");
  return {sub, [f] { return RunEncode(*f); }};
}

}  // namespace hypertok::cli
