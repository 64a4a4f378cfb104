#include "services/appraisals/appraisal_policy.h"

#include "services/common/privacy/unit_scope.h"

namespace kaoping::appraisals {
namespace {

// Holds `role` and `rule` admits it.
bool Acts(const Rule& rule, const Principal& principal, Role role) {
  return rule.roles.contains(role) && principal.HasRole(role);
}

}  // namespace

bool IsOwnAppraisal(const Principal& principal, const AppraisalFacts& appraisal) {
  return !principal.cadre.empty() && principal.cadre == appraisal.cadre;
}

Reach ReachOf(const Rule& rule, const Principal& principal, const AppraisalFacts& appraisal) {
  if (principal.IsSystem()) {
    const bool scoped = !rule.system_scope.empty() && principal.HasScope(rule.system_scope);
    return scoped && appraisal.concluded ? Reach::kWhole : Reach::kNone;
  }
  // Nobody acts on their own appraisal in another capacity (回避): a party
  // secretary who is its cadre neither reads its draft whole nor writes or
  // signs its opinion.
  if (IsOwnAppraisal(principal, appraisal)) {
    return Acts(rule, principal, Role::kCadre) ? Reach::kOwn : Reach::kNone;
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
  return Reach::kNone;
}

}  // namespace kaoping::appraisals
