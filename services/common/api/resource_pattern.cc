#include "services/common/api/resource_pattern.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/api/resource_name.h"
#include "services/common/region.h"

namespace kaoping {
namespace {

bool IsVariable(absl::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

bool IsValidResourcePattern(absl::string_view pattern) {
  std::vector<absl::string_view> parts = absl::StrSplit(pattern, '/');
  if (parts.size() < 2 || parts[0] != "regions" || !IsVariable(parts[1])) {
    return false;
  }
  for (size_t i = 2; i < parts.size(); ++i) {
    if (parts[i].empty() || (IsVariable(parts[i]) && IsVariable(parts[i - 1]))) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<PatternMatch> MatchResourcePattern(absl::string_view field, absl::string_view name,
                                                  absl::string_view pattern) {
  std::vector<absl::string_view> want = absl::StrSplit(pattern, '/');
  std::vector<absl::string_view> got = absl::StrSplit(name, '/');
  bool ok = want.size() == got.size() && got.size() >= 2 && got[0] == "regions" &&
            IsValidRegionCode(got[1]);
  PatternMatch match;
  for (size_t i = 2; ok && i < want.size(); ++i) {
    ok = IsVariable(want[i]) ? IsValidResourceId(got[i]) : got[i] == want[i];
    if (ok && IsVariable(want[i]) && want[i - 1] == "units") {
      match.unit = absl::StrJoin(got.begin(), got.begin() + i + 1, "/");
    }
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": ", QuoteInput(name), " is not ", pattern,
        absl::StrContains(pattern, "{region}") ? " with a 6-digit GB/T 2260 code" : ""));
  }
  match.region_code = std::string(got[1]);
  return match;
}

}  // namespace kaoping
