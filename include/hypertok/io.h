// Byte sources and sinks: the only way library code touches files, pipes and
// memory, so every stage can stream (input never has to fit in memory) and
// every read or write error comes back as a Status naming the file.
#ifndef HYPERTOK_IO_H_
#define HYPERTOK_IO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hypertok/status.h"

namespace hypertok {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes into buf; returns 0 only at end of input.
  virtual StatusOr<size_t> Read(char* buf, size_t n) = 0;
  // The name used in error messages ("<stdin>" or the path).
  virtual const std::string& name() const = 0;

  // Reads until n bytes or end of input; returns how many were read.
  StatusOr<size_t> ReadFull(char* buf, size_t n);
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Writes all of data or fails. A reader that went away gives kBrokenPipe.
  virtual Status Write(std::string_view data) = 0;
  // Whether WriteAt works: formats whose header holds a count (npy, llmc)
  // write a placeholder first and fill it in at the end.
  virtual bool seekable() const { return false; }
  // Overwrites bytes already written, at `offset` from the start.
  virtual Status WriteAt(uint64_t offset, std::string_view data);
};

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string_view data, std::string name = "<memory>")
      : data_(data), name_(std::move(name)) {}
  StatusOr<size_t> Read(char* buf, size_t n) override;
  const std::string& name() const override { return name_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  std::string name_;
};

class StringSink : public ByteSink {
 public:
  explicit StringSink(std::string* out) : out_(out) {}
  Status Write(std::string_view data) override {
    out_->append(data);
    return OkStatus();
  }
  bool seekable() const override { return true; }
  Status WriteAt(uint64_t offset, std::string_view data) override;

 private:
  std::string* out_;
};

// Reads a file descriptor; owns (and closes) it when opened from a path.
class FileSource : public ByteSource {
 public:
  // "-" opens standard input.
  static StatusOr<FileSource> Open(const std::string& path);
  FileSource(FileSource&& other) noexcept;
  FileSource& operator=(FileSource&&) = delete;
  ~FileSource() override;

  StatusOr<size_t> Read(char* buf, size_t n) override;
  const std::string& name() const override { return name_; }
  // Bytes read so far.
  uint64_t bytes_read() const { return bytes_read_; }
  // For a regular file, the bytes left from the current position (what a
  // reader can size its buffer by; the file may still change); else 0.
  uint64_t size_hint() const;

 private:
  FileSource(int fd, bool owned, std::string name)
      : fd_(fd), owned_(owned), name_(std::move(name)) {}
  int fd_;
  bool owned_;
  std::string name_;
  uint64_t bytes_read_ = 0;
};

// Writes to a file descriptor it does not own, through a buffer.
class FdSink : public ByteSink {
 public:
  FdSink(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  ~FdSink() override = default;
  Status Write(std::string_view data) override;
  // True when the descriptor is a regular file (positioned writes work).
  bool seekable() const override;
  Status WriteAt(uint64_t offset, std::string_view data) override;
  // Writes out the buffer. Must be called (and checked) before the end.
  Status Flush();

 private:
  Status WriteRaw(std::string_view data);
  int fd_;
  std::string name_;
  std::string buffer_;
};

// Reads a whole file ("-" = stdin) into memory, refusing files larger than
// max_bytes with kResourceExhausted.
StatusOr<std::string> ReadFileToString(const std::string& path, size_t max_bytes = size_t{1} << 32);

}  // namespace hypertok

#endif  // HYPERTOK_IO_H_
