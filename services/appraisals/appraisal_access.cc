#include "services/appraisals/appraisal_access.h"

#include "services/common/privacy/unit_scope.h"

namespace kaoping::appraisals {

const privacy::ReadableFields& CadreDraftFields() {
  static const auto* fields = new privacy::ReadableFields({
      "name",
      "state",
      "subject",
      "etag",
      "create_time",
      "update_time",
      "self_check_record",
      "content.appraisal",
      "content.subject",
      "content.campaign",
      "content.campaign_kind",
      "content.campaign_display_name",
      "content.cadre",
      "content.cadre_display_name",
      "content.unit",
      "content.unit_display_name",
      "content.post_title",
      "content.post_tier",
      "content.sector",
      "content.self_check",
  });
  return *fields;
}

void ShowAs(Reach reach, v1::Appraisal& appraisal) {
  if (reach == Reach::kOwn && appraisal.state() != v1::Appraisal::CONCLUDED) {
    privacy::TrimToReadable(CadreDraftFields(), appraisal);
  }
}

const std::vector<privacy::FilterBinding>& ListFilters() {
  static const auto* filters = new std::vector<privacy::FilterBinding>{
      {"campaign", "content.campaign"}, {"cadre", "content.cadre"},
      {"unit", "content.unit"},         {"state", "state"},
      {"grade", "content.grade"},
  };
  return *filters;
}

privacy::ReadableFields ListReadable(const Principal& caller, v1::Appraisal::State state) {
  // Whoever holds a `cadre` claim may meet their own draft, whatever else
  // they may read: it shows them no grade, so no filter may use it.
  const bool may_meet_own_draft = !caller.cadre.empty() && state != v1::Appraisal::CONCLUDED;
  return may_meet_own_draft ? CadreDraftFields() : privacy::ReadableFields::All();
}

ListAccess ListAccessOf(const Principal& caller) {
  ListAccess access;
  if (caller.IsSystem()) {
    access.concluded = caller.HasScope(kReaders.system_scope);
    return access;
  }
  for (Role staff : {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor}) {
    access.everything = access.everything || caller.HasRole(staff);
  }
  if (caller.HasRole(Role::kPartySecretary) || caller.HasRole(Role::kDisciplineSecretary)) {
    const privacy::UnitScope units = privacy::UnitScope::Of(caller.unit);
    access.every_unit = units.CoversEveryUnit();
    if (!units.CoversEveryUnit() && !units.CoversNothing()) {
      access.units.push_back(caller.unit);
    }
  }
  if (caller.HasRole(Role::kCadre)) {
    access.cadre = caller.cadre;
  }
  return access;
}

std::vector<std::string> AwaitingRolesOf(const Principal& caller) {
  std::vector<std::string> roles;
  for (Role role :
       {Role::kCadre, Role::kPartySecretary, Role::kDisciplineSecretary, Role::kAssessmentTeam}) {
    if (caller.HasRole(role)) {
      roles.emplace_back(RoleName(role));
    }
  }
  return roles;
}

const std::vector<std::string>& OmittedInBasicView() {
  static const auto* paths = new std::vector<std::string>{
      "content.summary",       "content.self_check",
      "content.party_opinion", "content.integrity_appraisal",
      "content.grade_reason",  "signed_content",
      "summary_snapshot",      "signatures",
      "discarded_signatures",
  };
  return *paths;
}

}  // namespace kaoping::appraisals
