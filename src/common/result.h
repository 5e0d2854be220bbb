// Errors as values: a Result<T> holds either a T or an Error that says what
// failed, in words fit for the user, and which exit code it maps to.
#pragma once

#include <cerrno>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/diagnostic.h"
#include "common/exit_status.h"

namespace daemonctl {

struct Error {
  Error() = default;
  Error(ExitStatus s, std::string text, int errno_value = 0) : status(s), message(std::move(text)), err(errno_value) {}

  ExitStatus status = ExitStatus::failure;
  std::string message;  ///< lower-case, no trailing period: "cannot open 'x': No such file or directory"
  int err = 0;          ///< the errno behind it, 0 if none
  std::vector<Diagnostic> diagnostics;  ///< an invalid file: each problem (message holds them too, one per line)
  /// Lines shown under the message, each on its own (a failed start: what
  /// the service printed last); not part of `message`.
  std::vector<std::string> details;
};

/// An Error for a failed system call: "<what>: <strerror(err)>". EACCES and
/// EPERM map to ExitStatus::privilege, everything else to ExitStatus::failure.
Error sys_error(std::string what, int err = errno);

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  T&& operator*() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

/// Result of an operation with no value: empty on success.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace daemonctl
