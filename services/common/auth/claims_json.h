#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kaoping {

// A member of a JWT header or payload, as far as verification needs it.
struct ClaimValue {
  enum class Kind { kString, kNumber, kStringArray, kOther };
  Kind kind = Kind::kOther;
  std::string string;                // kString
  double number = 0;                 // kNumber
  std::vector<std::string> strings;  // kStringArray (possibly empty)
};
using ClaimMap = absl::flat_hash_map<std::string, ClaimValue>;

// Parses a JSON object (RFC 8259) into its members. Strict: UTF-8 checked,
// escapes decoded (surrogate pairs included), numbers by the JSON grammar,
// nesting at most 16 deep, nothing after the object, and a member named
// twice is refused (two `sub` claims must not mean whichever a reader
// happens to keep). Nested objects and arrays of non-strings are checked
// and kept as kOther. Errors are INVALID_ARGUMENT saying where.
//
// Why not protobuf's JSON parser: it builds a google.protobuf.Struct for
// every call, which was the largest cost of authenticating a call.
absl::StatusOr<ClaimMap> ParseClaimsJson(absl::string_view json);

}  // namespace kaoping
