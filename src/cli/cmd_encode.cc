// hypertok encode: text → token stream (.hts), ids text, pieces JSONL or a
// trainer format (cli/token_formats.h).
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <future>

#include "cli/allocator.h"
#include "cli/cli_util.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/token_formats.h"
#include "hypertok/pipeline.h"

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
  bool remove_inputs = false;
  bool allow_special = false;
};

// --rm: decodes the committed output, checks it against the inputs, and only
// then deletes them.
Status VerifyAndRemoveInputs(const EncodeFlags& f, const Codebook& codebook,
                             const std::vector<std::string>& inputs) {
  Status s = VerifyDecodesTo(codebook, f.format, f.output, inputs).status();
  if (!s.ok()) return s.WithPrefix(f.output + ": --rm: inputs kept");
  for (const std::string& path : inputs) {
    HT_CHECK_OR_RETURN(std::remove(path.c_str()) == 0, IoError)
        << path << ": --rm: cannot remove: " << std::strerror(errno);
  }
  spdlog::info("verified {} and removed {} input(s)", f.output, inputs.size());
  return OkStatus();
}

Status RunEncode(const EncodeFlags& f) {
  // -T N is the caller's thread and N - 1 workers (EncodeSources), whose
  // arenas are readied while the model loads.
  const int threads = ThreadCount(f.threads);
  std::future<void> arenas = PrepareArenasForWorkers(threads - 1);
  HT_ASSIGN_OR_RETURN(EncodingModel loaded, LoadEncodingModel(f.model, threads));
  const EncodingModel& m = KeepUntilExit(std::move(loaded));
  HT_ASSIGN_OR_RETURN(SceneMode scene, SceneOrDefault(f.scene, m.codebook));
  HT_CHECK_OR_RETURN(!f.zstd || f.format == "hts", InvalidArgument)
      << "--zstd applies to --format hts only";
  const std::vector<std::string> inputs = InputsOrStdin(f.inputs);
  if (f.remove_inputs) {
    HT_CHECK_OR_RETURN(!f.to_stdout && !f.output.empty() && f.output != "-", InvalidArgument)
        << "--rm needs an output file (-o FILE): the output is verified before inputs go";
    HT_CHECK_OR_RETURN(f.format != "pieces", InvalidArgument)
        << "--rm does not work with --format pieces (pieces cannot be decoded back)";
    HT_CHECK_OR_RETURN(!f.allow_special, InvalidArgument)
        << "--rm does not work with --allow-special (an end-of-document token's spelling "
           "in the text may not decode back)";
    for (const std::string& path : inputs)
      HT_CHECK_OR_RETURN(path != "-", InvalidArgument) << "--rm cannot remove standard input";
  }
  HT_ASSIGN_OR_RETURN(EncodeTarget target,
                      OpenEncodeTarget(m.codebook, {.format = f.format,
                                                    .output = f.output,
                                                    .to_stdout = f.to_stdout,
                                                    .force = f.force,
                                                    .stream = {f.zstd, f.zstd_level}}));
  TokenSink* sink = target.sink.get();
  Progress progress("encode", TotalInputBytes(inputs));
  EncodeCounts counts;
  EncodeOptions opts{.scene = scene,
                     .threads = threads,
                     .allow_special = f.allow_special,
                     .progress = [&](uint64_t done) { progress.Update(done); }};
  arenas.wait();
  // All inputs in one call, so that batches of small files are encoded side
  // by side (each file is still one document).
  HT_RETURN_IF_ERROR(EncodeSources(m.encoder, OpenEach(inputs), opts, sink, &counts));
  HT_RETURN_IF_ERROR(sink->Finish());
  for (auto& out : target.outputs) HT_RETURN_IF_ERROR(out->Commit());
  spdlog::info("{} bytes → {} tokens in {} scenes ({:.3f} bytes/token)", counts.bytes,
               counts.tokens, counts.scenes,
               counts.tokens ? double(counts.bytes) / counts.tokens : 0.0);
  if (f.remove_inputs) HT_RETURN_IF_ERROR(VerifyAndRemoveInputs(f, m.codebook, inputs));
  return OkStatus();
}

}  // namespace

Command AddEncodeCommand(CLI::App& app) {
  auto f = std::make_shared<EncodeFlags>();
  CLI::App* sub = app.add_subcommand("encode", "Encode text into hypertokens");
  sub->add_option("-m,--model", f->model, "Codebook file")->required();
  sub->add_option("inputs", f->inputs, "Text files ('-' or none: standard input)");
  AddOutputOptions(sub, &f->output, &f->to_stdout);
  sub->add_option("--format", f->format,
                  "hts (binary stream), ids, pieces (JSON Lines), bin, npy, llmc, megatron "
                  "(-o PREFIX: PREFIX.bin + PREFIX.idx), pua (docs/FORMAT.md)")
      ->check(CLI::IsMember(EncodeFormats()))
      ->capture_default_str();
  sub->add_flag("--allow-special", f->allow_special,
                "Turn special tokens' spellings in the text into their ids (default: encode "
                "them as ordinary text)");
  AddSceneOption(sub, &f->scene);
  AddThreadsOption(sub, &f->threads);
  sub->add_flag("--zstd", f->zstd, "Compress the stream's blocks with zstd");
  sub->add_option("--zstd-level", f->zstd_level, "zstd level for --zstd")
      ->check(CLI::Range(1, 19))
      ->capture_default_str();
  sub->add_flag("-f,--force", f->force,
                "Overwrite an existing output; allow binary output to a terminal");
  sub->add_flag("--rm", f->remove_inputs,
                "Delete the inputs once the output is complete and decodes back to them");
  return {sub, [f] { return RunEncode(*f); }};
}

}  // namespace hypertok::cli
