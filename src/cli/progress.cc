#include "cli/progress.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace hypertok::cli {

namespace {
bool g_allowed = true;
}  // namespace

void SetProgressAllowed(bool allowed) { g_allowed = allowed; }

Progress::Progress(std::string what, uint64_t total)
    : what_(std::move(what)),
      total_(total),
      enabled_(g_allowed && isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
  if (drawn_) std::fputs("\r\033[K", stderr);
}

void Progress::Update(uint64_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double mb = done / 1e6, rate = secs > 0 ? mb / secs : 0;
  char line[160];
  if (total_ > 0 && done <= total_) {
    const double eta = rate > 0 ? (total_ - done) / 1e6 / rate : 0;
    std::snprintf(line, sizeof line, "\r\033[K%s: %.1f / %.1f MB (%.0f%%), %.1f MB/s, ETA %d:%02d",
                  what_.c_str(), mb, total_ / 1e6, 100.0 * done / total_, rate,
                  static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
  } else {
    std::snprintf(line, sizeof line, "\r\033[K%s: %.1f MB, %.1f MB/s", what_.c_str(), mb, rate);
  }
  std::fputs(line, stderr);
  std::fflush(stderr);
  drawn_ = true;
}

uint64_t TotalInputBytes(const std::vector<std::string>& paths) {
  uint64_t total = 0;
  for (const std::string& p : paths) {
    struct stat st;
    if (p == "-" || stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    total += static_cast<uint64_t>(st.st_size);
  }
  return total;
}

}  // namespace hypertok::cli
