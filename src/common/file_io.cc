#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "common/read_rest.h"
#include "hypertok/io.h"

namespace hypertok {

namespace {
std::string ErrnoText(int err) { return std::strerror(err); }
constexpr size_t kSinkBuffer = size_t{1} << 20;
}  // namespace

StatusOr<size_t> ByteSource::ReadFull(char* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    HT_ASSIGN_OR_RETURN(size_t r, Read(buf + got, n - got));
    if (r == 0) break;
    got += r;
  }
  return got;
}

StatusOr<size_t> StringSource::Read(char* buf, size_t n) {
  size_t r = std::min(n, data_.size() - pos_);
  std::memcpy(buf, data_.data() + pos_, r);
  pos_ += r;
  return r;
}

StatusOr<FileSource> FileSource::Open(const std::string& path) {
  if (path == "-") return FileSource(STDIN_FILENO, false, "<stdin>");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string what = "cannot open: " + ErrnoText(err);
    if (err == ENOENT) return NotFoundError(path + ": " + what);
    return IoError(path + ": " + what);
  }
  return FileSource(fd, true, path);
}

FileSource::FileSource(FileSource&& other) noexcept
    : fd_(other.fd_),
      owned_(other.owned_),
      name_(std::move(other.name_)),
      bytes_read_(other.bytes_read_) {
  other.owned_ = false;
}

FileSource::~FileSource() {
  if (owned_) ::close(fd_);
}

StatusOr<size_t> FileSource::Read(char* buf, size_t n) {
  for (;;) {
    ssize_t r = ::read(fd_, buf, n);
    if (r >= 0) {
      bytes_read_ += static_cast<uint64_t>(r);
      return static_cast<size_t>(r);
    }
    if (errno == EINTR) continue;
    return IoError(name_ + ": read failed: " + ErrnoText(errno));
  }
}

Status FdSink::Write(std::string_view data) {
  if (buffer_.size() + data.size() < kSinkBuffer) {
    buffer_.append(data);
    return OkStatus();
  }
  HT_RETURN_IF_ERROR(Flush());
  if (data.size() >= kSinkBuffer) return WriteRaw(data);
  buffer_.append(data);
  return OkStatus();
}

Status ByteSink::WriteAt(uint64_t, std::string_view) {
  return UnimplementedError("this output cannot be written out of order");
}

Status StringSink::WriteAt(uint64_t offset, std::string_view data) {
  if (offset > out_->size() || data.size() > out_->size() - offset)
    return InternalError("StringSink::WriteAt past the end");
  out_->replace(offset, data.size(), data);
  return OkStatus();
}

bool FdSink::seekable() const {
  struct stat st;
  return ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
}

Status FdSink::WriteAt(uint64_t offset, std::string_view data) {
  HT_RETURN_IF_ERROR(Flush());
  while (!data.empty()) {
    ssize_t w = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      return IoError(name_ + ": write failed: " + ErrnoText(errno));
    }
    data.remove_prefix(static_cast<size_t>(w));
    offset += static_cast<uint64_t>(w);
  }
  return OkStatus();
}

Status FdSink::Flush() {
  Status s = WriteRaw(buffer_);
  buffer_.clear();
  return s;
}

Status FdSink::WriteRaw(std::string_view data) {
  while (!data.empty()) {
    ssize_t w = ::write(fd_, data.data(), data.size());
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) return BrokenPipeError(name_ + ": reader closed the pipe");
      return IoError(name_ + ": write failed: " + ErrnoText(errno));
    }
    data.remove_prefix(static_cast<size_t>(w));
  }
  return OkStatus();
}

StatusOr<std::string> ReadFileToString(const std::string& path, size_t max_bytes) {
  HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(path));
  // Read straight into the string: no copies, and no memory touched twice
  // beyond the zero fill.
  std::string out;
  size_t got = 0;
  HT_RETURN_IF_ERROR(ReadRest(src, max_bytes, &got, [&](size_t n) {
    out.resize(n);
    return out.data();
  }));
  out.resize(got);
  return out;
}

uint64_t FileSource::size_hint() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return 0;
  // The bytes still to come from the current position.
  const off_t pos = ::lseek(fd_, 0, SEEK_CUR);
  if (pos < 0 || pos >= st.st_size) return 0;
  return static_cast<uint64_t>(st.st_size - pos);
}

}  // namespace hypertok
