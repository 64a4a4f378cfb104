#include "services/common/auth/principal.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/region.h"

namespace kaoping {

bool IsKnownRole(absl::string_view role) {
  for (absl::string_view known : {roles::kRegionAdmin, roles::kAssessmentTeam,
                                  roles::kPartySecretary, roles::kDisciplineSecretary,
                                  roles::kRater, roles::kCadre, roles::kAuditor, roles::kSystem}) {
    if (role == known) {
      return true;
    }
  }
  return false;
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
