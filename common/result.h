// Result<T>: a value or an Error, without exceptions (the chip's firmware
// model never throws across the command boundary).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include "common/status.h"

namespace setls {

struct Error {
  Status status = Status::Internal;
  // Extra context whose meaning depends on the status: an X509_V_ERR code for
  // ChainInvalid or TrustAnchorRejected, the chain depth (0 = leaf) for a
  // WeakParameter or CertificateVersion found in a chain, a TLS alert number
  // for TlsPeerAlert, errno for IoError.
  uint32_t detail = 0;

  friend bool operator==(const Error&, const Error&) = default;
};

// "refused: … (ManufacturingOnly). Next: …" — one line for logs and the CLI.
// ChainInvalid and TrustAnchorRejected also name their X509_V_ERR code in words.
std::string describe(const Error& e);

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error e) : v_(e) {}                 // NOLINT(google-explicit-constructor)
  Result(Status s) : v_(Error{s, 0}) {}      // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return ok() ? Status::Ok : error().status; }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error e) : err_(e) {}             // NOLINT(google-explicit-constructor)
  Result(Status s) : err_(Error{s, 0}) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return err_.status == Status::Ok; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return err_; }
  Status status() const { return err_.status; }

 private:
  Error err_{Status::Ok, 0};
};

using Outcome = Result<void>;

}  // namespace setls

// Propagate an error from an expression yielding a Result. The variable
// name is unique per use so that nested uses (inside lambdas) do not shadow.
#define SETLS_TRY_CAT2(a, b) a##b
#define SETLS_TRY_CAT(a, b) SETLS_TRY_CAT2(a, b)
#define SETLS_TRY(expr) SETLS_TRY_IMPL(expr, SETLS_TRY_CAT(setls_try_result_, __COUNTER__))
#define SETLS_TRY_IMPL(expr, var)          \
  do {                                     \
    auto&& var = (expr);                   \
    if (!var.ok()) return var.error();     \
  } while (0)

// Declares or assigns `lhs` from an expression yielding a Result, or
// propagates its error: SETLS_TRY_ASSIGN(auto key, EcKey::generate(c));
// Several statements: never use it as the body of an unbraced if.
#ifndef SETLS_TRY_ASSIGN
#define SETLS_TRY_ASSIGN(lhs, expr) SETLS_TRY_ASSIGN_IMPL(lhs, expr, SETLS_TRY_CAT(setls_try_value_, __COUNTER__))
#define SETLS_TRY_ASSIGN_IMPL(lhs, expr, var) \
  auto var = (expr);                          \
  if (!var.ok()) return var.error();          \
  lhs = std::move(var).value()
#endif
