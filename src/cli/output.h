// Where a command's output goes, with zstd's guarantees: a file is written to
// a temporary name in the target directory and renamed only by Commit(); on
// any error, on SIGINT/SIGTERM, or if Commit() is never reached, the
// temporary file is removed and an existing target is left untouched.
#ifndef HYPERTOK_CLI_OUTPUT_H_
#define HYPERTOK_CLI_OUTPUT_H_

#include <memory>
#include <string>

#include "hypertok/io.h"
#include "hypertok/status.h"

namespace hypertok::cli {

struct OutputSpec {
  std::string path;          // "" or "-" = standard output
  bool to_stdout = false;    // -c
  bool force = false;        // -f: overwrite, and allow binary on a terminal
  bool binary = true;        // refuse a terminal unless forced
};

class Output {
 public:
  static StatusOr<std::unique_ptr<Output>> Open(const OutputSpec& spec);
  ~Output();

  ByteSink* sink() { return sink_.get(); }
  const std::string& name() const { return name_; }
  // Flushes, and for a file syncs and renames it into place.
  Status Commit();

 private:
  Output() = default;
  std::string name_;
  std::string target_;
  std::string temp_;
  int fd_ = -1;
  int slot_ = -1;
  std::unique_ptr<FdSink> sink_;
  bool committed_ = false;
};

// Installs SIGINT/SIGTERM handlers that remove open temporary outputs, and
// ignores SIGPIPE so a closed pipe is a write error (EPIPE) we can handle.
void InstallSignalHandlers();

}  // namespace hypertok::cli

#endif  // HYPERTOK_CLI_OUTPUT_H_
