// Status and StatusOr<T>: how every library function reports failure.
//
// The library never throws across its API and never prints; it returns a
// Status with one of a fixed set of codes and a message that says what went
// wrong and where ("section VOCB: piece 17 overruns the section"). The CLI
// turns a Status into one error line and an exit code.
//
//   HT_ASSIGN_OR_RETURN(Codebook cb, Codebook::Parse(bytes));
//   HT_CHECK_OR_RETURN(len <= remaining, DataLoss) << "piece overruns the file";
#ifndef HYPERTOK_STATUS_H_
#define HYPERTOK_STATUS_H_

#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace hypertok {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,     // a caller's option or argument is wrong
  kNotFound = 2,            // a file or entry does not exist
  kAlreadyExists = 3,       // refusing to overwrite
  kDataLoss = 4,            // input bytes are corrupt or truncated
  kFailedPrecondition = 5,  // e.g. a stream made with another codebook
  kResourceExhausted = 6,   // a documented limit was hit
  kUnimplemented = 7,       // a newer format feature this build cannot read
  kIoError = 8,             // the operating system refused a read or write
  kBrokenPipe = 9,          // the reader of our output went away
  kInternal = 10,           // a bug in hypertok
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "DATA_LOSS: message" — for logs and test failures.
  std::string ToString() const;

  // Returns a copy whose message is "prefix: message" (for adding context,
  // such as a file name, as an error travels up).
  Status WithPrefix(std::string_view prefix) const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status DataLossError(std::string message);
Status FailedPreconditionError(std::string message);
Status ResourceExhaustedError(std::string message);
Status UnimplementedError(std::string message);
Status IoError(std::string message);
Status BrokenPipeError(std::string message);
Status InternalError(std::string message);

// Holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(const Status& status) : v_(status) {  // NOLINT: implicit by design
    if (status.ok()) v_ = Status(StatusCode::kInternal, "OK status in StatusOr");
  }
  StatusOr(Status&& status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).ok()) v_ = Status(StatusCode::kInternal, "OK status in StatusOr");
  }
  StatusOr(const T& value) : v_(value) {}        // NOLINT
  StatusOr(T&& value) : v_(std::move(value)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? OkStatus() : std::get<Status>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<Status, T> v_;
};

namespace internal {
// Collects "<< message" parts after a failed HT_CHECK_OR_RETURN and converts
// to a Status (and so to any StatusOr) when returned.
class StatusBuilder {
 public:
  StatusBuilder(StatusCode code, const char* condition) : code_(code) { (void)condition; }
  template <typename V>
  StatusBuilder& operator<<(const V& v) {
    stream_ << v;
    return *this;
  }
  operator Status() const { return Status(code_, stream_.str()); }  // NOLINT
  template <typename T>
  operator StatusOr<T>() const {  // NOLINT
    return StatusOr<T>(Status(code_, stream_.str()));
  }

 private:
  StatusCode code_;
  std::ostringstream stream_;
};
}  // namespace internal

}  // namespace hypertok

#define HT_STATUS_CONCAT_INNER_(a, b) a##b
#define HT_STATUS_CONCAT_(a, b) HT_STATUS_CONCAT_INNER_(a, b)

#define HT_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::hypertok::Status ht_status_ = (expr);  \
    if (!ht_status_.ok()) return ht_status_; \
  } while (0)

#define HT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#define HT_ASSIGN_OR_RETURN(lhs, expr) \
  HT_ASSIGN_OR_RETURN_IMPL_(HT_STATUS_CONCAT_(ht_statusor_, __LINE__), lhs, expr)

// Returns a Status with code k<code> and the streamed message when `cond` is
// false. Usage: HT_CHECK_OR_RETURN(n <= left, DataLoss) << "count " << n;
#define HT_CHECK_OR_RETURN(cond, code) \
  if (cond) {                          \
  } else /* NOLINT */                  \
    return ::hypertok::internal::StatusBuilder(::hypertok::StatusCode::k##code, #cond)

#endif  // HYPERTOK_STATUS_H_
