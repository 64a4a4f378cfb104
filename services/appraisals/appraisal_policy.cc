#include "services/appraisals/appraisal_policy.h"

#include "services/common/privacy/unit_scope.h"

namespace kaoping::appraisals {
namespace {

// Holds `role` and `rule` admits it.
bool Acts(const Rule& rule, const Principal& principal, Role role) {
  return rule.roles.contains(role) && principal.HasRole(role);
}

}  // namespace

Reach ReachOf(const Rule& rule, const Principal& principal, const AppraisalFacts& appraisal) {
  if (principal.IsSystem()) {
    const bool scoped = !rule.system_scope.empty() && principal.HasScope(rule.system_scope);
    return scoped && appraisal.concluded ? Reach::kWhole : Reach::kNone;
  }
  for (Role staff : {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor}) {
    if (Acts(rule, principal, staff)) {
      return Reach::kWhole;
    }
  }
  const bool unit_covered = privacy::UnitScope::Of(principal.unit).Covers(appraisal.unit);
  for (Role secretary : {Role::kPartySecretary, Role::kDisciplineSecretary}) {
    if (Acts(rule, principal, secretary) && unit_covered) {
      return Reach::kWhole;
    }
  }
  if (Acts(rule, principal, Role::kCadre) && !principal.cadre.empty() &&
      principal.cadre == appraisal.cadre) {
    return Reach::kOwn;
  }
  return Reach::kNone;
}

}  // namespace kaoping::appraisals
