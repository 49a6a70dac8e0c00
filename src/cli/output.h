// Where a command's output goes, with zstd's guarantees and one more: a file
// is written to an unnamed file in the target directory (O_TMPFILE; where
// the file system lacks it, a temporary name) and only Commit() gives it the
// target's name, atomically. On any error, on a signal — even SIGKILL for an
// unnamed file — or if Commit() is never reached, no output file appears and
// an existing target is left untouched.
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
  bool unnamed_ = false;  // fd_ is an O_TMPFILE file, not yet linked
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
