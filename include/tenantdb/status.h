// Errors as values. Every error has a stable number, a name and a retryable flag, all from
// the one table in error_codes.h. Status and Result<T> are [[nodiscard]]; no exception
// crosses a tenantdb API.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace tenantdb {

enum class ErrorCode : int {
#define TENANTDB_ERROR(enumerator, number, name, retryable, description) enumerator = number,
#include "tenantdb/error_codes.h"
#undef TENANTDB_ERROR
};

// Facts about an error code from the table. Unknown numbers report "unknown_error".
std::string_view ErrorName(ErrorCode code);
std::string_view ErrorDescription(ErrorCode code);
bool IsRetryable(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kSuccess; }
  ErrorCode code() const { return code_; }
  int number() const { return static_cast<int>(code_); }
  std::string_view name() const { return ErrorName(code_); }
  bool retryable() const { return IsRetryable(code_); }
  // Detail beyond the code's description, e.g. "key of 10001 bytes (limit 10000)".
  const std::string& message() const { return message_; }

  // Returns the same error with `context` prefixed to the message: "context: message".
  Status WithContext(std::string_view context) const;

  // Marks a status as deliberately not acted on (the callee already recorded the outcome).
  void IgnoreError() const {}

  // "name (number): message", or "ok".
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) { return a.code_ == b.code_; }

 private:
  ErrorCode code_ = ErrorCode::kSuccess;
  std::string message_;
};

// Makes an error Status; message may be empty (the description is then used by ToString).
inline Status Error(ErrorCode code, std::string message = {}) {
  return Status(code, std::move(message));
}

// A value or an error. Access to the value of an error Result is a programming error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "Result built from an OK status holds no value");
    if (status_.ok()) status_ = Status(ErrorCode::kInternalError, "Result from OK status");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace tenantdb

#define TDB_CONCAT_INNER_(a, b) a##b
#define TDB_CONCAT_(a, b) TDB_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function if it is an error.
#define TDB_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::tenantdb::Status tdb_status_ = (expr);   \
    if (!tdb_status_.ok()) return tdb_status_; \
  } while (0)

// Evaluates `expr` (a Result<T>); on error returns its Status, else moves the value into lhs.
#define TDB_ASSIGN_OR_RETURN(lhs, expr) \
  TDB_ASSIGN_OR_RETURN_IMPL_(TDB_CONCAT_(tdb_result_, __LINE__), lhs, expr)
#define TDB_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
