#pragma once

#include "absl/strings/string_view.h"
#include "services/common/auth/policy.h"
#include "services/common/auth/principal.h"

// Who may call the results service (protos/README.md, ResultsService; the
// header of results.proto): the rules its RPC table names, and the
// predicates for what depends on the record (a CADRE reads only their own;
// discipline inspection reads decided referrals only). Records about a
// person (archives, eligibility, vetoes, decisions, handlings) need a grant
// of the county itself (RegionRelation::kOwn): a city or province grant is
// NOT_FOUND there, as it is outside the region. Every read refused is
// NOT_FOUND.
namespace kaoping::results {

inline constexpr absl::string_view kRosterWriteScope = "roster:write";
inline constexpr absl::string_view kEligibilityReadScope = "eligibility:read";
inline constexpr absl::string_view kArchiveReadScope = "archive:read";
inline constexpr absl::string_view kArchiveWriteScope = "archive:write";
inline constexpr absl::string_view kLeadsReadScope = "leads:read";
inline constexpr absl::string_view kDashboardsReadScope = "dashboards:read";

// The organization department's people who read the roster.
inline constexpr RoleSet kRosterRoles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor,
                                         Role::kPartySecretary, Role::kDisciplineSecretary};

// GetUnit, ListUnits, ListCadres, BatchGetCadres: the roster is not secret
// within the organization departments, so a city or province reads its
// counties'; machine clients that push it or read results by it.
inline constexpr Rule kRosterReaders{
    .roles = kRosterRoles,
    .system_scope = kRosterWriteScope,
    .refuse_as_not_found = true,
    .also_system_scopes = {kEligibilityReadScope, kArchiveReadScope}};

// GetCadre: as the roster, and a CADRE their own record (CadreMayRead).
inline constexpr Rule kCadreReaders{
    .roles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor, Role::kPartySecretary,
              Role::kDisciplineSecretary, Role::kCadre},
    .system_scope = kRosterWriteScope,
    .refuse_as_not_found = true,
    .also_system_scopes = {kEligibilityReadScope, kArchiveReadScope}};

// UpdateUnit, UpdateCadre, CreateArchiveEntry, UpdatePolicy, CreateDecision,
// CreateHandling, DecideHandling, CarryOutHandling, DismissHandling: the
// county's own organization department.
inline constexpr Rule kCountyAdmins{.roles = {Role::kRegionAdmin}, .region = RegionRelation::kOwn};

// ImportRoster: the cadre management system, or the county's admin uploading a spreadsheet.
inline constexpr Rule kRosterImporters{.roles = {Role::kRegionAdmin},
                                       .system_scope = kRosterWriteScope,
                                       .region = RegionRelation::kOwn};

// ApplyAppraisal: the county's admin re-applying by hand, or a system.
inline constexpr Rule kAppraisalAppliers{.roles = {Role::kRegionAdmin},
                                         .system_scope = kArchiveWriteScope,
                                         .region = RegionRelation::kOwn};

// GetArchive, ListArchiveEntries, GetArchiveEntry (audited).
inline constexpr Rule kArchiveReaders{
    .roles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor, Role::kCadre},
    .system_scope = kArchiveReadScope,
    .region = RegionRelation::kOwn,
    .refuse_as_not_found = true};

// ExportArchive (audited).
inline constexpr Rule kArchiveExporters{.roles = {Role::kRegionAdmin, Role::kAuditor},
                                        .system_scope = kArchiveReadScope,
                                        .region = RegionRelation::kOwn,
                                        .refuse_as_not_found = true};

// GetEligibility.
inline constexpr Rule kEligibilityReaders{
    .roles = {Role::kRegionAdmin, Role::kAuditor, Role::kCadre},
    .system_scope = kEligibilityReadScope,
    .region = RegionRelation::kOwn,
    .refuse_as_not_found = true};

// BatchGetEligibility.
inline constexpr Rule kBatchEligibilityReaders{.roles = {Role::kRegionAdmin, Role::kAuditor},
                                               .system_scope = kEligibilityReadScope,
                                               .region = RegionRelation::kOwn,
                                               .refuse_as_not_found = true};

// GetPolicy: anyone of the region or an enclosing one; machine clients
// with any scope of what the policy governs.
inline constexpr Rule kPolicyReaders{
    .roles = kEveryPersonRole,
    .system_scope = kEligibilityReadScope,
    .refuse_as_not_found = true,
    .also_system_scopes = {kArchiveReadScope, kDashboardsReadScope, kRosterWriteScope}};

// ListVetoes, GetVeto: discipline inspection reads vetoes too.
inline constexpr Rule kVetoReaders{
    .roles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor, Role::kCadre},
    .system_scope = kLeadsReadScope,
    .region = RegionRelation::kOwn,
    .refuse_as_not_found = true,
    .also_system_scopes = {kEligibilityReadScope}};

// GetDecision, ListDecisions.
inline constexpr Rule kDecisionReaders{.roles = {Role::kRegionAdmin, Role::kAuditor, Role::kCadre},
                                       .system_scope = kArchiveReadScope,
                                       .region = RegionRelation::kOwn,
                                       .refuse_as_not_found = true};

// GetHandling, ListHandlings: discipline inspection (leads:read) reads
// DISCIPLINE_REFERRAL handlings once decided, a CADRE their own once
// decided (HandlingAudienceOf).
inline constexpr Rule kHandlingReaders{
    .roles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor, Role::kCadre},
    .system_scope = kLeadsReadScope,
    .region = RegionRelation::kOwn,
    .refuse_as_not_found = true};

// GetUsageStatistics: suppressed aggregates, for the region or an enclosing one.
inline constexpr Rule kStatisticsReaders{.roles = {Role::kRegionAdmin, Role::kAuditor},
                                         .system_scope = kDashboardsReadScope,
                                         .refuse_as_not_found = true};

// The JWT `cadre` claim names the principal's own cadre record
// (regions/{region}/cadres/{cadre}); an empty claim is nobody's.
inline bool IsOwnCadre(const Principal& principal, absl::string_view cadre_name) {
  return !principal.cadre.empty() && principal.cadre == cadre_name;
}

// Whether the rule admitted the principal only as a CADRE, who then reads
// their own records alone (a principal who is also, say, an AUDITOR reads
// as the auditor).
inline bool OnlyAsCadre(const Rule& rule, const Principal& principal) {
  if (principal.IsSystem() || !principal.HasRole(Role::kCadre)) {
    return false;
  }
  Rule others = rule;
  others.roles = rule.roles.Without({Role::kCadre});
  return !RoleAdmits(others, principal, "");
}

// The cadre record `cadre_name` may be shown to a principal `rule` admitted.
inline bool CadreMayRead(const Rule& rule, const Principal& principal,
                         absl::string_view cadre_name) {
  return !OnlyAsCadre(rule, principal) || IsOwnCadre(principal, cadre_name);
}

// Which handlings a principal admitted by kHandlingReaders reads.
enum class HandlingAudience {
  kAll,               // REGION_ADMIN, ASSESSMENT_TEAM, AUDITOR
  kOwnDecided,        // a CADRE: their own, once decided
  kDecidedReferrals,  // discipline inspection: DISCIPLINE_REFERRAL once decided
};

inline HandlingAudience HandlingAudienceOf(const Principal& principal) {
  if (principal.IsSystem()) {
    return HandlingAudience::kDecidedReferrals;
  }
  return OnlyAsCadre(kHandlingReaders, principal) ? HandlingAudience::kOwnDecided
                                                  : HandlingAudience::kAll;
}

}  // namespace kaoping::results
