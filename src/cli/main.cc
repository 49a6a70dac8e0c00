// The `hypertok` command: parses the command line with CLI11, runs one
// subcommand, and turns its Status into one error line and an exit code.
#include <malloc.h>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "cli/cli_util.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "hypertok/codebook.h"
#include "hypertok/stream.h"
#include "hypertok/version.h"

namespace {

void PrintError(const std::string& what) {
  std::fprintf(stderr, "hypertok: error: %s\n", what.c_str());
}

std::string VersionText() {
  return "hypertok " HYPERTOK_VERSION " (codebook format " +
         std::to_string(hypertok::Codebook::kFormatMajor) + "." +
         std::to_string(hypertok::Codebook::kFormatMinor) + ", stream format " +
         std::to_string(hypertok::StreamWriter::kFormatMajor) + "." +
         std::to_string(hypertok::StreamWriter::kFormatMinor) + ")";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace hypertok::cli;
  // Large buffers (read batches, token vectors) are freed and re-made per
  // batch; serving them from the heap instead of fresh mmaps reuses pages
  // rather than faulting in zeroed ones each time, which on virtual machines
  // costs more than the encoding itself.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  CLI::App app{
      "hypertok: lossless corpus hypercompression. Turns raw text into far fewer\n"
      "tokens plus a reversible codebook; decode gives the original bytes back.",
      "hypertok"};
  app.set_version_flag("-V,--version", VersionText());
  app.require_subcommand(1);
  app.fallthrough();
  int verbose = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbose, "More messages on stderr (-vv for debug)");
  app.add_flag("-q,--quiet", quiet, "Only errors on stderr");
  bool no_progress = false;
  app.add_flag("--no-progress", no_progress,
               "No progress line (it is shown only when stderr is a terminal)");

  std::vector<Command> commands = {
      AddTrainCommand(app),  AddEncodeCommand(app), AddDecodeCommand(app),
      AddVerifyCommand(app), AddStatsCommand(app),  AddInspectCommand(app),
      AddBondsCommand(app),  AddMorphCommand(app),  AddSplitCommand(app),
      AddCountCommand(app),  AddMergeCommand(app),  AddExportCommand(app),
      AddBuildCommand(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    PrintError(e.what() + std::string(" (see hypertok --help)"));
    return kExitUsage;
  }

  auto logger = spdlog::stderr_color_mt("hypertok");
  logger->set_pattern("hypertok: %l: %v");
  logger->set_level(quiet ? spdlog::level::err
                    : verbose >= 2 ? spdlog::level::debug
                    : verbose == 1 ? spdlog::level::info
                                   : spdlog::level::warn);
  spdlog::set_default_logger(logger);
  SetProgressAllowed(!no_progress && !quiet);
  InstallSignalHandlers();

  for (Command& c : commands) {
    if (!c.app->parsed()) continue;
    hypertok::Status s = c.run();
    if (s.ok()) return kExitOk;
    // A reader that went away (e.g. `| head`) is not worth a message.
    if (s.code() != hypertok::StatusCode::kBrokenPipe) PrintError(s.message());
    return ExitCodeFor(s);
  }
  return kExitUsage;
}
