#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Abseil 20220623 ships no status macros; these are the project's, once.

#define KAOPING_STATUS_CONCAT_INNER(a, b) a##b
#define KAOPING_STATUS_CONCAT(a, b) KAOPING_STATUS_CONCAT_INNER(a, b)

// Returns the status of `expr` from the enclosing function unless it is OK.
#define RETURN_IF_ERROR(expr)                \
  do {                                       \
    ::absl::Status kaoping_status_ = (expr); \
    if (!kaoping_status_.ok()) {             \
      return kaoping_status_;                \
    }                                        \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, F());` declares x from F()'s value, or returns
// F()'s error from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  KAOPING_ASSIGN_OR_RETURN_IMPL(KAOPING_STATUS_CONCAT(kaoping_statusor_, __LINE__), lhs, rexpr)

#define KAOPING_ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  if (!statusor.ok()) {                                     \
    return std::move(statusor).status();                    \
  }                                                         \
  lhs = std::move(*statusor)
