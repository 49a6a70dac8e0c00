// hypertok verify: encode each input and decode it again in memory; exit 0
// only if every input comes back byte-exact.
#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include "cli/cli_util.h"
#include "hypertok/decoder.h"
#include "hypertok/pipeline.h"

namespace hypertok::cli {

namespace {

struct VerifyFlags {
  std::string model;
  std::vector<std::string> inputs;
  std::string scene;
  int threads = 1;
};

// Decodes every piece as it arrives and compares it with the original text;
// logs each input as it ends.
class RoundTripCheck : public TokenSink {
 public:
  RoundTripCheck(const Decoder* decoder, InputSequence* inputs)
      : decoder_(decoder), inputs_(inputs) {}
  Status Add(std::span<const uint32_t> ids, std::string_view original, bool,
             bool document_end) override {
    decoded_.clear();
    if (Status s = decoder_->Decode(ids, &decoded_); !s.ok())
      return s.WithPrefix(inputs_->current());
    if (decoded_ != original) {
      size_t i = 0;
      while (i < decoded_.size() && i < original.size() && decoded_[i] == original[i]) ++i;
      return DataLossError(
          fmt::format("{}: round trip differs at byte {}", inputs_->current(), offset_ + i));
    }
    offset_ += original.size();
    tokens_ += ids.size();
    if (document_end)
      inputs_->EndDocument([this](const std::string& name, bool empty) { Ended(name, empty); });
    return OkStatus();
  }
  Status Finish() override { return OkStatus(); }
  // Logs an input that ended; after the current one, starts the next.
  void Ended(const std::string& name, bool empty) {
    if (empty) {
      spdlog::info("ok {}: 0 bytes, 0 tokens", name);
      return;
    }
    spdlog::info("ok {}: {} bytes, {} tokens", name, offset_, tokens_);
    offset_ = tokens_ = 0;
  }

 private:
  const Decoder* decoder_;
  InputSequence* inputs_;
  std::string decoded_;
  uint64_t offset_ = 0, tokens_ = 0;  // of the current input
};

Status RunVerify(const VerifyFlags& f) {
  HT_ASSIGN_OR_RETURN(EncodingModel m, LoadEncodingModel(f.model));
  HT_ASSIGN_OR_RETURN(SceneMode scene, SceneOrDefault(f.scene, m.codebook));
  Decoder decoder(m.codebook);
  // All inputs in one encode (each its own document), so that many small
  // files keep every thread busy.
  InputSequence inputs(f.inputs);
  RoundTripCheck check(&decoder, &inputs);
  HT_RETURN_IF_ERROR(EncodeSources(
      m.encoder, inputs.Opener(),
      {.scene = scene, .threads = ResolveThreads(f.threads), .progress = {}}, &check));
  inputs.Finish([&](const std::string& name, bool empty) { check.Ended(name, empty); });
  fmt::print("verified {} input(s): all round-trip byte-exact\n", f.inputs.size());
  return OkStatus();
}

}  // namespace

Command AddVerifyCommand(CLI::App& app) {
  auto f = std::make_shared<VerifyFlags>();
  CLI::App* sub =
      app.add_subcommand("verify", "Check that every input encodes and decodes back byte-exact");
  sub->add_option("-m,--model", f->model, "Codebook file")->required();
  sub->add_option("inputs", f->inputs, "Files to check ('-': standard input)")->required();
  AddSceneOption(sub, &f->scene);
  AddThreadsOption(sub, &f->threads);
  return {sub, [f] { return RunVerify(*f); }};
}

}  // namespace hypertok::cli
