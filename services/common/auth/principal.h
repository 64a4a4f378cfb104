#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kaoping {

// Roles of DESIGN.md §5, spelled as in the JWT `roles` claim.
namespace roles {
inline constexpr absl::string_view kRegionAdmin = "REGION_ADMIN";
inline constexpr absl::string_view kAssessmentTeam = "ASSESSMENT_TEAM";
inline constexpr absl::string_view kPartySecretary = "PARTY_SECRETARY";
inline constexpr absl::string_view kDisciplineSecretary = "DISCIPLINE_SECRETARY";
inline constexpr absl::string_view kRater = "RATER";
inline constexpr absl::string_view kCadre = "CADRE";
inline constexpr absl::string_view kAuditor = "AUDITOR";
inline constexpr absl::string_view kSystem = "SYSTEM";
}  // namespace roles

bool IsKnownRole(absl::string_view role);

// Who is calling, as a verified token says.
struct Principal {
  std::string subject;                       // `sub`
  absl::flat_hash_set<std::string> roles;    // `roles`
  std::vector<std::string> region_prefixes;  // `regions`, normalized by RegionPrefix
  std::string unit;                          // `unit`, optional
  std::string cadre;                         // `cadre`, optional
  absl::flat_hash_set<std::string> scopes;   // `scopes` (machine clients)
  std::string issuer;                        // `iss`
  absl::Time expiry = absl::InfinitePast();  // `exp`

  bool HasRole(absl::string_view role) const { return roles.contains(role); }
  bool HasScope(absl::string_view scope) const { return scopes.contains(scope); }
  // True if one of the principal's prefixes covers the region code.
  bool CoversRegion(absl::string_view region_code) const;
  // True if the principal's own scope is exactly the region or inside it:
  // e.g. a county principal (510114) for region 510114, not a city principal.
  bool IsWithinRegion(absl::string_view region_code) const;
};

// Region scoping (DESIGN.md §5): a caller outside a resource's region learns
// nothing, not even that it exists. `what` names the resource for the message.
absl::Status RequireRegion(const Principal& principal, absl::string_view region_code,
                           absl::string_view what);

}  // namespace kaoping
