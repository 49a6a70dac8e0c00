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

// Decodes every piece as it arrives and compares it with the original text.
class RoundTripCheck : public TokenSink {
 public:
  explicit RoundTripCheck(const Decoder* decoder) : decoder_(decoder) {}
  Status Add(std::span<const uint32_t> ids, std::string_view original, bool, bool) override {
    decoded_.clear();
    HT_RETURN_IF_ERROR(decoder_->Decode(ids, &decoded_));
    if (decoded_ != original) {
      size_t i = 0;
      while (i < decoded_.size() && i < original.size() && decoded_[i] == original[i]) ++i;
      return DataLossError(fmt::format("round trip differs at byte {}", offset_ + i));
    }
    offset_ += original.size();
    tokens_ += ids.size();
    return OkStatus();
  }
  Status Finish() override { return OkStatus(); }
  uint64_t bytes() const { return offset_; }
  uint64_t tokens() const { return tokens_; }

 private:
  const Decoder* decoder_;
  std::string decoded_;
  uint64_t offset_ = 0, tokens_ = 0;
};

Status RunVerify(const VerifyFlags& f) {
  HT_ASSIGN_OR_RETURN(EncodingModel m, LoadEncodingModel(f.model));
  HT_ASSIGN_OR_RETURN(SceneMode scene, SceneOrDefault(f.scene, m.codebook));
  Decoder decoder(m.codebook);
  for (const std::string& path : f.inputs) {
    HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(path));
    RoundTripCheck check(&decoder);
    Status s = EncodeSource(m.encoder, &src, {.scene = scene, .threads = ResolveThreads(f.threads), .progress = {}}, &check);
    if (!s.ok()) return s.code() == StatusCode::kDataLoss ? s.WithPrefix(src.name()) : s;
    spdlog::info("ok {}: {} bytes, {} tokens", src.name(), check.bytes(), check.tokens());
  }
  fmt::print("verified {} input(s): all round-trip byte-exact\n", f.inputs.size());
  return OkStatus();
}

}  // namespace

Command AddVerifyCommand(CLI::App& app) {
  auto f = std::make_shared<VerifyFlags>();
  CLI::App* sub = app.add_subcommand(
      "verify", "Check that every input encodes and decodes back byte-exact");
  sub->add_option("-m,--model", f->model, "Codebook file")->required();
  sub->add_option("inputs", f->inputs, "Files to check ('-': standard input)")->required();
  AddSceneOption(sub, &f->scene);
  AddThreadsOption(sub, &f->threads);
  return {sub, [f] { return RunVerify(*f); }};
}

}  // namespace hypertok::cli
