#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kaoping {

// A resource name checked against its pattern (AIP-122), e.g.
// "regions/{region}/campaigns/{campaign}/forms/{form}": literal segments
// must match, `{region}` must be the first variable and a GB/T 2260 code,
// every other variable a resource id (IsValidResourceId).
struct PatternMatch {
  std::string region_code;
  // regions/{r}/units/{u} when the pattern has a `units/{…}` part, else "".
  std::string unit;
};

// INVALID_ARGUMENT naming `field` and the expected pattern when `name`
// does not match it.
absl::StatusOr<PatternMatch> MatchResourcePattern(absl::string_view field, absl::string_view name,
                                                  absl::string_view pattern);

// True if the pattern itself is well formed: starts with "regions/{…}",
// alternates literals and variables or ends in a literal singleton.
bool IsValidResourcePattern(absl::string_view pattern);

}  // namespace kaoping
