// Shared pieces of the `hypertok` command: verbosity, the one-line error
// report and exit codes, input lists, and the subcommand registry.
#ifndef HYPERTOK_CLI_CLI_UTIL_H_
#define HYPERTOK_CLI_CLI_UTIL_H_

#include <CLI/CLI.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hypertok/codebook.h"
#include "hypertok/encoder.h"
#include "hypertok/pipeline.h"
#include "hypertok/status.h"

namespace hypertok::cli {

// Exit codes (docs/CLI.md).
constexpr int kExitOk = 0;
constexpr int kExitError = 1;  // data or runtime error
constexpr int kExitUsage = 2;  // bad command line

// A subcommand's body, run after parsing. Options live in state captured by
// the closure.
using Runner = std::function<Status()>;

struct Command {
  CLI::App* app;
  Runner run;
};

// Each file cmd_<verb>.cc defines one of these.
Command AddTrainCommand(CLI::App& app);
Command AddEncodeCommand(CLI::App& app);
Command AddDecodeCommand(CLI::App& app);
Command AddVerifyCommand(CLI::App& app);
Command AddStatsCommand(CLI::App& app);
Command AddInspectCommand(CLI::App& app);
Command AddBondsCommand(CLI::App& app);
Command AddMorphCommand(CLI::App& app);
Command AddSplitCommand(CLI::App& app);
Command AddCountCommand(CLI::App& app);
Command AddMergeCommand(CLI::App& app);
Command AddExportCommand(CLI::App& app);
Command AddBuildCommand(CLI::App& app);

// "-" and an empty list both mean standard input.
std::vector<std::string> InputsOrStdin(const std::vector<std::string>& inputs);

// Adds -o/--output FILE and -c/--stdout (mutually exclusive).
void AddOutputOptions(CLI::App* app, std::string* output, bool* to_stdout);
// Adds --scene paragraph|line|document; empty means the codebook's default.
void AddSceneOption(CLI::App* app, std::string* scene);

// Adds --sample-tokens N: the training sample's budget in pre-tokens
// (corpus.h). count, merge and train must agree on it.
CLI::Option* AddSampleTokensOption(CLI::App* app, size_t* tokens);

// Adds --max-memory SIZE (e.g. 2G): the training memory limit; "" = none.
CLI::Option* AddMaxMemoryOption(CLI::App* app, std::string* size);

// Adds the shared -T/--threads option; 0 means all cores.
CLI::Option* AddThreadsOption(CLI::App* app, int* threads);
// The thread count a -T value means.
int ThreadCount(int threads);
// The same, and readies the allocator for that many worker threads besides
// the main one (PrepareArenasForWorkers, allocator.h), as the commands that
// run N workers and their main thread do.
int ResolveThreads(int threads);

// Exit code for a failed status: 2 for usage errors, 1 otherwise.
int ExitCodeFor(const Status& status);

// Loads a codebook and builds its encoder, running the self-tests (with
// `threads` as Encoder::Create takes them); errors name the file.
struct EncodingModel {
  Codebook codebook;
  Encoder encoder;
};
StatusOr<EncodingModel> LoadEncodingModel(const std::string& path, int threads = 1);

// The files at `paths` ("-": standard input), opened one at a time as
// EncodeSources asks for them; one that cannot be opened stops the encode.
NextSource OpenEach(std::vector<std::string> paths);

// The inputs of a command that reports on each one (stats, verify), encoded
// in one EncodeSources call, so that many small files are encoded side by
// side as `encode` does, and which tells a sink whose pieces it is handed.
// That follows from the driver's order: inputs are read and their pieces
// delivered in turn, every non-empty input's last piece has document_end,
// and an empty input gives no pieces at all.
//
//   InputSequence inputs(paths);
//   EncodeSources(encoder, inputs.Opener(), options, &sink);  // sink calls
//   inputs.Finish(done);  // the sink calls current() and EndDocument(done)
class InputSequence {
 public:
  explicit InputSequence(std::vector<std::string> paths);
  // For EncodeSources: the inputs opened as OpenEach opens them, counting
  // the bytes read from each. Refers to this object; call it once.
  NextSource Opener();
  // The name of the input whose pieces are being delivered ("" if none).
  const std::string& current() const;
  // Told of each input as it ends, in order: its name, and whether it was
  // empty (then none of the pieces delivered so far are its own).
  using Ended = std::function<void(const std::string& name, bool empty)>;
  // For a piece with document_end: calls done for each empty input before
  // the current one, then for the current one, which has ended.
  void EndDocument(const Ended& done);
  // After the encode: calls done for each input not yet ended (all empty,
  // if the encode succeeded).
  void Finish(const Ended& done);

 private:
  struct Input {
    std::string name;
    uint64_t bytes = 0;  // read so far
  };
  std::vector<std::string> paths_;
  std::deque<std::shared_ptr<Input>> pending_;  // opened and not yet ended
};

// Moves `value` to storage that is never freed and returns it there, for
// what a command uses until the process ends: the exit reclaims it at no
// cost, where destroying an English 32k codebook and its encoder (32k
// strings to free, the encoder's tables to unmap) took ~1.3 ms — as long as
// encoding 100 kB. The storage stays reachable, so leak checkers do not
// report it.
template <typename T>
T& KeepUntilExit(T value) {
  static auto* const kept = new std::deque<T>;
  return kept->emplace_back(std::move(value));
}

// Parses --scene if given, else the codebook's default.
StatusOr<SceneMode> SceneOrDefault(const std::string& flag, const Codebook& cb);

// Escapes a string for a JSON string literal (without quotes).
std::string JsonEscape(std::string_view s);

}  // namespace hypertok::cli

#endif  // HYPERTOK_CLI_CLI_UTIL_H_
