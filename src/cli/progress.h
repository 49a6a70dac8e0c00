// The progress line of long runs: bytes done, MB/s and, when the total is
// known, percent and ETA, redrawn in place on stderr at most 4 times a
// second. Shown only when stderr is a terminal and neither --no-progress nor
// --quiet was given, so pipes, files and CI logs never see it. The line is
// erased when the Progress is destroyed, before any result or error line.
#ifndef HYPERTOK_CLI_PROGRESS_H_
#define HYPERTOK_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace hypertok::cli {

// Set once by main from --no-progress / --quiet.
void SetProgressAllowed(bool allowed);

class Progress {
 public:
  // `what` names the work ("encode"); `total` is the bytes expected, 0 if
  // unknown (e.g. standard input).
  Progress(std::string what, uint64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Bytes done so far in the whole run.
  void Update(uint64_t done);
  bool enabled() const { return enabled_; }

 private:
  std::string what_;
  uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// Sum of the sizes of the inputs that are regular files; 0 if any is not
// (standard input, a pipe), since then no total is known.
uint64_t TotalInputBytes(const std::vector<std::string>& paths);

}  // namespace hypertok::cli

#endif  // HYPERTOK_CLI_PROGRESS_H_
