#include "cli/output.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace hypertok::cli {

namespace {

// Temporary paths the signal handler removes. Fixed storage so the handler
// only touches async-signal-safe state.
constexpr int kSlots = 8;
constexpr size_t kPathMax = 4096;
char g_temp_paths[kSlots][kPathMax];
std::atomic<bool> g_slot_used[kSlots];

int ClaimSlot(const std::string& path) {
  if (path.size() >= kPathMax) return -1;
  for (int i = 0; i < kSlots; ++i) {
    bool expected = false;
    if (g_slot_used[i].compare_exchange_strong(expected, true)) {
      std::memcpy(g_temp_paths[i], path.c_str(), path.size() + 1);
      return i;
    }
  }
  return -1;
}

void ReleaseSlot(int slot) {
  if (slot >= 0) g_slot_used[slot].store(false);
}

void OnSignal(int sig) {
  for (int i = 0; i < kSlots; ++i)
    if (g_slot_used[i].load()) unlink(g_temp_paths[i]);
  signal(sig, SIG_DFL);
  raise(sig);
}

}  // namespace

void InstallSignalHandlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

StatusOr<std::unique_ptr<Output>> Output::Open(const OutputSpec& spec) {
  std::unique_ptr<Output> out(new Output());
  if (spec.to_stdout || spec.path.empty() || spec.path == "-") {
    if (spec.binary && !spec.force && isatty(STDOUT_FILENO)) {
      return InvalidArgumentError(
          "<stdout>: refusing to write binary output to a terminal (use -o FILE, "
          "a pipe, or -f)");
    }
    out->name_ = "<stdout>";
    out->sink_ = std::make_unique<FdSink>(STDOUT_FILENO, out->name_);
    return out;
  }
  out->name_ = spec.path;
  out->target_ = spec.path;
  struct stat st;
  if (stat(spec.path.c_str(), &st) == 0) {
    if (!spec.force)
      return AlreadyExistsError(spec.path + ": already exists (use -f to overwrite)");
    if (S_ISDIR(st.st_mode)) return InvalidArgumentError(spec.path + ": is a directory");
  }
  // Devices and pipes (e.g. /dev/null, /dev/full) are written in place.
  if (stat(spec.path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    out->fd_ = open(spec.path.c_str(), O_WRONLY | O_CLOEXEC);
    if (out->fd_ < 0)
      return IoError(spec.path + ": cannot open: " + strerror(errno));
    out->target_.clear();
    out->sink_ = std::make_unique<FdSink>(out->fd_, out->name_);
    return out;
  }
  const mode_t mode = 0644 & ~[] { mode_t m = umask(0); umask(m); return m; }();
  // Preferably an unnamed file in the target's directory (O_TMPFILE): if the
  // process dies, even by SIGKILL, nothing is left behind. Commit names it.
  const size_t slash = spec.path.find_last_of('/');
  const std::string dir =
      slash == std::string::npos ? std::string(".") : spec.path.substr(0, slash + 1);
  out->fd_ = open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
  if (out->fd_ >= 0) {
    out->unnamed_ = true;
    out->sink_ = std::make_unique<FdSink>(out->fd_, out->name_);
    return out;
  }
  // File systems without O_TMPFILE: a named temporary file, removed on
  // error and on SIGINT/SIGTERM/SIGHUP.
  std::string tmpl = spec.path + ".tmp.XXXXXX";
  out->fd_ = mkostemp(tmpl.data(), O_CLOEXEC);
  if (out->fd_ < 0)
    return IoError(spec.path + ": cannot create a temporary file beside it: " +
                   strerror(errno));
  out->temp_ = tmpl;
  out->slot_ = ClaimSlot(out->temp_);
  fchmod(out->fd_, mode);
  out->sink_ = std::make_unique<FdSink>(out->fd_, out->name_);
  return out;
}

Status Output::Commit() {
  HT_RETURN_IF_ERROR(sink_->Flush());
  if (unnamed_) {
    // Give the unnamed file a temporary name (linkat cannot replace the
    // target), then rename it over the target atomically.
    if (fsync(fd_) != 0 && errno != EINVAL)
      return IoError(name_ + ": sync failed: " + strerror(errno));
    for (int attempt = 0;; ++attempt) {
      temp_ = target_ + ".tmp." + std::to_string(getpid()) + "." + std::to_string(attempt);
      slot_ = ClaimSlot(temp_);
      const std::string fd_path = "/proc/self/fd/" + std::to_string(fd_);
      if (linkat(AT_FDCWD, fd_path.c_str(), AT_FDCWD, temp_.c_str(), AT_SYMLINK_FOLLOW) == 0)
        break;
      const int err = errno;
      ReleaseSlot(slot_);
      slot_ = -1;
      temp_.clear();
      if (err != EEXIST || attempt >= 100)
        return IoError(name_ + ": cannot link the finished file into place: " + strerror(err));
    }
    unnamed_ = false;
  }
  if (!temp_.empty()) {
    if (fsync(fd_) != 0 && errno != EINVAL)
      return IoError(name_ + ": sync failed: " + strerror(errno));
    if (close(fd_) != 0) {
      fd_ = -1;
      return IoError(name_ + ": close failed: " + strerror(errno));
    }
    fd_ = -1;
    if (rename(temp_.c_str(), target_.c_str()) != 0)
      return IoError(name_ + ": cannot rename the temporary file into place: " +
                     strerror(errno));
    ReleaseSlot(slot_);
    slot_ = -1;
    temp_.clear();
  }
  committed_ = true;
  return OkStatus();
}

Output::~Output() {
  if (fd_ >= 0) close(fd_);
  if (!temp_.empty()) unlink(temp_.c_str());
  ReleaseSlot(slot_);
}

}  // namespace hypertok::cli
