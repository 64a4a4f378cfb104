#include "services/common/auth/principal.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/region.h"

namespace kaoping {

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kRegionAdmin:
      return roles::kRegionAdmin;
    case Role::kAssessmentTeam:
      return roles::kAssessmentTeam;
    case Role::kPartySecretary:
      return roles::kPartySecretary;
    case Role::kDisciplineSecretary:
      return roles::kDisciplineSecretary;
    case Role::kRater:
      return roles::kRater;
    case Role::kCadre:
      return roles::kCadre;
    case Role::kAuditor:
      return roles::kAuditor;
    case Role::kSystem:
      return roles::kSystem;
  }
  return "";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (Role role : kAllRoles) {
    if (RoleName(role) == name) {
      return role;
    }
  }
  return std::nullopt;
}

bool IsKnownRole(absl::string_view role) { return ParseRole(role).has_value(); }

bool Principal::HasRole(absl::string_view role) const {
  std::optional<Role> parsed = ParseRole(role);
  return parsed.has_value() && roles.contains(*parsed);
}

bool Principal::CoversRegion(absl::string_view region_code) const {
  for (const auto& prefix : region_prefixes) {
    if (absl::StartsWith(region_code, prefix)) {
      return true;
    }
  }
  return false;
}

bool Principal::IsWithinRegion(absl::string_view region_code) const {
  const std::string region_prefix = RegionPrefix(region_code);
  for (const auto& prefix : region_prefixes) {
    if (absl::StartsWith(prefix, region_prefix)) {
      return true;
    }
  }
  return false;
}

absl::Status RequireRegion(const Principal& principal, absl::string_view region_code,
                           absl::string_view what) {
  if (principal.CoversRegion(region_code)) {
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat(what, " not found"));
}

}  // namespace kaoping
