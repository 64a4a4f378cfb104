#include "services/common/api/body_names.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/api/resource_name.h"
#include "services/common/region.h"

namespace kaoping {
namespace {

bool IsVariable(absl::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

absl::Status NotOfForm(absl::string_view field, absl::string_view name, absl::string_view pattern) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", QuoteInput(name), " is not a name of the form ", pattern));
}

absl::StatusOr<NameParts> Match(absl::string_view field, absl::string_view name,
                                absl::string_view pattern) {
  const std::vector<absl::string_view> want = absl::StrSplit(pattern, '/');
  const std::vector<absl::string_view> got = absl::StrSplit(name, '/');
  if (want.size() != got.size()) {
    return NotOfForm(field, name, pattern);
  }
  NameParts parts;
  for (size_t i = 0; i < want.size(); ++i) {
    if (!IsVariable(want[i])) {
      if (want[i] != got[i]) {
        return NotOfForm(field, name, pattern);
      }
      continue;
    }
    const std::string variable(want[i].substr(1, want[i].size() - 2));
    const bool valid = variable == "region" ? IsValidRegionCode(got[i]) : IsValidResourceId(got[i]);
    if (!valid) {
      return NotOfForm(field, name, pattern);
    }
    parts[variable] = std::string(got[i]);
  }
  return parts;
}

absl::Status OutOfScope(absl::string_view field, absl::string_view name, absl::string_view where) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", QuoteInput(name), " is not in ", where));
}

}  // namespace

absl::StatusOr<NameParts> CheckBodyName(absl::string_view field, absl::string_view name,
                                        absl::string_view pattern, const PathScope& scope) {
  absl::StatusOr<NameParts> parts = Match(field, name, pattern);
  if (!parts.ok()) {
    return parts.status();
  }
  if (auto it = parts->find("region"); it == parts->end() || it->second != scope.region_code) {
    return OutOfScope(field, name, absl::StrCat("region ", scope.region_code));
  }
  if (auto it = parts->find("campaign");
      it != parts->end() && !scope.campaign.empty() && it->second != scope.campaign) {
    return OutOfScope(field, name,
                      absl::StrCat("regions/", scope.region_code, "/campaigns/", scope.campaign));
  }
  if (auto it = parts->find("cadre");
      it != parts->end() && !scope.cadre.empty() && it->second != scope.cadre) {
    return OutOfScope(field, name,
                      absl::StrCat("regions/", scope.region_code, "/cadres/", scope.cadre));
  }
  return parts;
}

absl::Status CheckOptionalBodyName(absl::string_view field, absl::string_view name,
                                   absl::string_view pattern, const PathScope& scope) {
  if (name.empty()) {
    return absl::OkStatus();
  }
  return CheckBodyName(field, name, pattern, scope).status();
}

absl::Status CheckBodyNames(absl::string_view field,
                            const google::protobuf::RepeatedPtrField<std::string>& names,
                            absl::string_view pattern, const PathScope& scope) {
  for (int i = 0; i < names.size(); ++i) {
    if (auto st = CheckBodyName(absl::StrCat(field, "[", i, "]"), names[i], pattern, scope);
        !st.ok()) {
      return st.status();
    }
  }
  return absl::OkStatus();
}

}  // namespace kaoping
