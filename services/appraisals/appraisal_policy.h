#pragma once

#include "absl/strings/string_view.h"
#include "services/common/auth/policy.h"
#include "services/common/auth/principal.h"

// Who may call the appraisals service (README.md, "Who may do what"): the
// rules its RPC table names, and what the domain decides from a stored
// appraisal. Appraisals are records about a person: only a grant of the
// county itself reaches them (RegionRelation::kOwn; city and province
// grants get NOT_FOUND). Reads refused are NOT_FOUND.
namespace kaoping::appraisals {

// Results reads concluded appraisals with it (the AppraisalConcluded consumer).
inline constexpr absl::string_view kArchiveWriteScope = "archive:write";

// CreateAppraisal, DeleteAppraisal.
inline constexpr Rule kCreators{.roles = {Role::kRegionAdmin, Role::kAssessmentTeam},
                                .system_scope = {},
                                .region = RegionRelation::kOwn,
                                .own_unit_roles = {},
                                .refuse_as_not_found = false};

// GetAppraisal, ListAppraisals, VerifyAppraisalSignatures: staff of the
// county whole; PARTY_SECRETARY and DISCIPLINE_SECRETARY for the units their
// claim covers, CADRE their own (ReachOf); SYSTEM `archive:write` concluded ones.
inline constexpr Rule kReaders{
    .roles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor, Role::kPartySecretary,
              Role::kDisciplineSecretary, Role::kCadre},
    .system_scope = kArchiveWriteScope,
    .region = RegionRelation::kOwn,
    .own_unit_roles = {},
    .refuse_as_not_found = true};

// RefreshAppraisalSummary, WriteConclusion, ConcludeAppraisal.
inline constexpr Rule kTeam{.roles = {Role::kAssessmentTeam},
                            .system_scope = {},
                            .region = RegionRelation::kOwn,
                            .own_unit_roles = {},
                            .refuse_as_not_found = false};

// WriteSelfCheck: the cadre, or the team transcribing a paper self-check.
inline constexpr Rule kSelfCheckWriters{.roles = {Role::kCadre, Role::kAssessmentTeam},
                                        .system_scope = {},
                                        .region = RegionRelation::kOwn,
                                        .own_unit_roles = {},
                                        .refuse_as_not_found = false};

// The cadre alone: tells the cadre writing their own self-check from the
// team transcribing it (not a row of the table).
inline constexpr Rule kOwnCadre{.roles = {Role::kCadre},
                                .system_scope = {},
                                .region = RegionRelation::kOwn,
                                .own_unit_roles = {},
                                .refuse_as_not_found = false};

// WritePartyOpinion and WriteIntegrityAppraisal, for the units their claim covers.
inline constexpr Rule kPartySecretaries{.roles = {Role::kPartySecretary},
                                        .system_scope = {},
                                        .region = RegionRelation::kOwn,
                                        .own_unit_roles = {},
                                        .refuse_as_not_found = false};
inline constexpr Rule kDisciplineSecretaries{.roles = {Role::kDisciplineSecretary},
                                             .system_scope = {},
                                             .region = RegionRelation::kOwn,
                                             .own_unit_roles = {},
                                             .refuse_as_not_found = false};

// GetSigningPayload: who signs (their units) and who checks.
inline constexpr Rule kPayloadReaders{.roles = {Role::kPartySecretary, Role::kDisciplineSecretary,
                                                Role::kAssessmentTeam, Role::kAuditor},
                                      .system_scope = {},
                                      .region = RegionRelation::kOwn,
                                      .own_unit_roles = {},
                                      .refuse_as_not_found = true};

// SignAppraisal, for the units their claim covers, with a key of their own.
inline constexpr Rule kSigners{.roles = {Role::kPartySecretary, Role::kDisciplineSecretary},
                               .system_scope = {},
                               .region = RegionRelation::kOwn,
                               .own_unit_roles = {},
                               .refuse_as_not_found = false};

// CreateSignerKey, RevokeSignerKey.
inline constexpr Rule kKeyAdmins{.roles = {Role::kRegionAdmin},
                                 .system_scope = {},
                                 .region = RegionRelation::kOwn,
                                 .own_unit_roles = {},
                                 .refuse_as_not_found = false};

// GetSignerKey, ListSignerKeys: public keys are no secret to the county.
inline constexpr Rule kKeyReaders{.roles = kEveryPersonRole,
                                  .system_scope = kArchiveWriteScope,
                                  .region = RegionRelation::kOwn,
                                  .own_unit_roles = {},
                                  .refuse_as_not_found = true};

// The roles a rule admits that the domain narrows to appraisals of the
// units their `unit` claim covers: the unit is the cadre's, stored with the
// appraisal rather than in its name, so the runtime cannot check it.
inline constexpr RoleSet kUnitScopedRoles = {Role::kPartySecretary, Role::kDisciplineSecretary};

// What of a stored appraisal decides who may act on it.
struct AppraisalFacts {
  absl::string_view unit;   // regions/{r}/units/{u} of the cadre
  absl::string_view cadre;  // regions/{r}/cadres/{c}
  bool concluded = false;
};

// How far a caller reaches an appraisal through the roles `rule` admits.
enum class Reach {
  kNone,   // not at all: NOT_FOUND, as for an appraisal that does not exist
  kWhole,  // every field (there are no rater identities in an appraisal)
  kOwn,    // the cadre's own: the self-check and identifying fields until CONCLUDED
};

// The caller's `cadre` claim is the appraisal's cadre.
bool IsOwnAppraisal(const Principal& principal, const AppraisalFacts& appraisal);

// The cadre's own appraisal is reached only as its CADRE (kOwn), whatever
// other roles the caller holds (回避). Otherwise
// ASSESSMENT_TEAM, REGION_ADMIN and AUDITOR reach every appraisal of the
// county; PARTY_SECRETARY and DISCIPLINE_SECRETARY those whose unit their
// `unit` claim covers (privacy::UnitScope: empty covers none, "*" every
// unit); CADRE the one whose cadre is their `cadre` claim (a name
// regions/{r}/cadres/{c}); SYSTEM with the rule's scope CONCLUDED ones.
Reach ReachOf(const Rule& rule, const Principal& principal, const AppraisalFacts& appraisal);

}  // namespace kaoping::appraisals
