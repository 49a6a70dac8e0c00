#include "cli/cli_util.h"

#include <thread>

#include "cli/allocator.h"
#include "hypertok/text_formats.h"
#include "hypertok/trainer.h"

namespace hypertok::cli {

std::vector<std::string> InputsOrStdin(const std::vector<std::string>& inputs) {
  if (inputs.empty()) return {"-"};
  return inputs;
}

void AddOutputOptions(CLI::App* app, std::string* output, bool* to_stdout) {
  auto* o = app->add_option("-o,--output", *output, "Output file (default: standard output)");
  app->add_flag("-c,--stdout", *to_stdout, "Write to standard output")->excludes(o);
}

void AddSceneOption(CLI::App* app, std::string* scene) {
  app->add_option("--scene", *scene, "paragraph, line or document (default: the codebook's)")
      ->check(CLI::IsMember({"paragraph", "line", "document"}));
}

CLI::Option* AddSampleTokensOption(CLI::App* app, size_t* tokens) {
  return app
      ->add_option("--sample-tokens", *tokens,
                   "Pre-tokens kept in the training sample (bounds training memory; counts "
                   "files must agree on it)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 32))
      ->capture_default_str();
}

CLI::Option* AddMaxMemoryOption(CLI::App* app, std::string* size) {
  return app->add_option("--max-memory", *size,
                         "Stop with an error if training memory passes SIZE (e.g. 2G, 512M)");
}

CLI::Option* AddThreadsOption(CLI::App* app, int* threads) {
  return app
      ->add_option("-T,--threads", *threads,
                   "Worker threads (0 = all cores); results do not depend on it")
      ->check(CLI::Range(0, 1024));
}

int ThreadCount(int threads) {
  if (threads > 0) return threads;
  const unsigned n = std::thread::hardware_concurrency();
  return n ? static_cast<int>(n) : 1;
}

int ResolveThreads(int threads) {
  threads = ThreadCount(threads);
  PrepareArenasForWorkers(threads).wait();  // (workers besides the main thread)
  return threads;
}

int ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  if (status.code() == StatusCode::kInvalidArgument) return kExitUsage;
  return kExitError;
}

StatusOr<EncodingModel> LoadEncodingModel(const std::string& path, int threads) {
  HT_ASSIGN_OR_RETURN(Codebook cb, Codebook::Load(path));
  auto enc = MakeEncoder(cb, /*check=*/true, threads);
  if (!enc.ok()) return enc.status().WithPrefix(path);
  return EncodingModel{std::move(cb), std::move(enc).value()};
}

NextSource OpenEach(std::vector<std::string> paths) {
  return [paths = std::move(paths),
          next = size_t{0}]() mutable -> StatusOr<std::unique_ptr<ByteSource>> {
    if (next == paths.size()) return std::unique_ptr<ByteSource>();
    HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(paths[next++]));
    return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(std::move(src)));
  };
}

InputSequence::InputSequence(std::vector<std::string> paths) : paths_(std::move(paths)) {}

NextSource InputSequence::Opener() {
  // Each source adds what it reads to its input's count.
  class Counted : public ByteSource {
   public:
    Counted(std::unique_ptr<ByteSource> src, std::shared_ptr<Input> input)
        : src_(std::move(src)), input_(std::move(input)) {}
    StatusOr<size_t> Read(char* buf, size_t n) override {
      HT_ASSIGN_OR_RETURN(size_t got, src_->Read(buf, n));
      input_->bytes += got;
      return got;
    }
    const std::string& name() const override { return src_->name(); }

   private:
    std::unique_ptr<ByteSource> src_;
    std::shared_ptr<Input> input_;
  };
  return [this, open = OpenEach(std::move(paths_))]() -> StatusOr<std::unique_ptr<ByteSource>> {
    HT_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> src, open());
    if (src == nullptr) return src;  // no more inputs
    auto input = std::make_shared<Input>(Input{src->name()});
    pending_.push_back(input);
    return std::unique_ptr<ByteSource>(std::make_unique<Counted>(std::move(src), input));
  };
}

const std::string& InputSequence::current() const {
  // (Inputs before the current one that are still pending are empty: every
  // non-empty one before it has ended.)
  for (const auto& input : pending_)
    if (input->bytes > 0) return input->name;
  static const std::string kNone;
  return kNone;
}

void InputSequence::EndDocument(const Ended& done) {
  while (!pending_.empty()) {
    const std::shared_ptr<Input> input = std::move(pending_.front());
    pending_.pop_front();
    done(input->name, input->bytes == 0);
    if (input->bytes > 0) return;
  }
}

void InputSequence::Finish(const Ended& done) {
  for (const auto& input : pending_) done(input->name, input->bytes == 0);
  pending_.clear();
}

StatusOr<SceneMode> SceneOrDefault(const std::string& flag, const Codebook& cb) {
  if (flag.empty()) return cb.scene_mode();
  return ParseSceneMode(flag);
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  AppendJsonPieceText(s, &out);
  return out;
}

}  // namespace hypertok::cli
