#pragma once

#include "absl/strings/string_view.h"
#include "services/common/auth/policy.h"
#include "services/common/auth/principal.h"
#include "services/common/privacy/region_grant.h"
#include "services/common/privacy/unit_scope.h"

// Who may call the evaluations service (protos/README.md, "EvaluationService"):
// the rules its RPC table names, and the predicates for what depends on
// stored state (a subject's unit, a rater's own invitation, a campaign's
// state). Everything here is about persons (campaigns, forms, leads), so
// every rule but the public notice's and the statistics' takes an own grant
// of the region (RegionRelation::kOwn): a city or province grant reads
// aggregates only. Reads refused to a role are NOT_FOUND.
namespace kaoping::evaluations {

// Scopes of SYSTEM principals (protos/README.md, "Scopes").
inline constexpr absl::string_view kInvitationsReadScope = "invitations:read";
inline constexpr absl::string_view kInvitationsRedeemScope = "invitations:redeem";
inline constexpr absl::string_view kLeadsWriteScope = "leads:write";
inline constexpr absl::string_view kLeadsReadScope = "leads:read";
inline constexpr absl::string_view kNoticesReadScope = "notices:read";
inline constexpr absl::string_view kNoticesReportScope = "notices:report";
inline constexpr absl::string_view kDashboardsReadScope = "dashboards:read";

// ───────────── writes ─────────────

// Campaigns, subjects, public notices: the county's organization department.
inline constexpr Rule kAdmins{.roles = {Role::kRegionAdmin}, .region = RegionRelation::kOwn};
// Invitations: those who organize the raters.
inline constexpr Rule kAdminsAndTeam{.roles = {Role::kRegionAdmin, Role::kAssessmentTeam},
                                     .region = RegionRelation::kOwn};
// Interviews, document reviews, voiding forms, keying in paper forms,
// verifying leads: the assessment team (考核组).
inline constexpr Rule kTeam{.roles = {Role::kAssessmentTeam}, .region = RegionRelation::kOwn};
// SubmitForm: a rater for their own assignment; the team transcribing paper.
inline constexpr Rule kFormSubmitters{.roles = {Role::kRater, Role::kAssessmentTeam},
                                      .region = RegionRelation::kOwn};
// CreateLead: the team and the department by hand, other departments' systems by push.
inline constexpr Rule kLeadCreators{.roles = {Role::kAssessmentTeam, Role::kRegionAdmin},
                                    .system_scope = kLeadsWriteScope,
                                    .region = RegionRelation::kOwn};
// BatchCreateLeads: pushes and the department's spreadsheet imports.
inline constexpr Rule kLeadPushers{.roles = {Role::kRegionAdmin},
                                   .system_scope = kLeadsWriteScope,
                                   .region = RegionRelation::kOwn};
// RedeemInvitationCode: the gateway only, for raters without an account.
inline constexpr Rule kRedeemers{.system_scope = kInvitationsRedeemScope,
                                 .region = RegionRelation::kCovers};
// SubmitPublicReport: the gateway only, for the public.
inline constexpr Rule kPublicReporters{.system_scope = kNoticesReportScope,
                                       .region = RegionRelation::kCovers};

// ───────────── reads ─────────────

// GetCampaign, ListCampaigns, catalogs: the staff; PS and DS for campaigns
// with a subject of their units (CanSeeCampaign); raters invited; cadres
// assessed; reminder systems for OPEN campaigns.
inline constexpr Rule kCampaignReaders{
    .roles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor, Role::kPartySecretary,
              Role::kDisciplineSecretary, Role::kRater, Role::kCadre},
    .system_scope = kInvitationsReadScope,
    .region = RegionRelation::kOwn,
    .refuse_as_not_found = true};
// Aggregation runs, subject summary lists: the department, the team, auditors.
inline constexpr Rule kStaffReaders{
    .roles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor},
    .region = RegionRelation::kOwn,
    .refuse_as_not_found = true};
// GetSubject, ListSubjects: as campaigns, without machines (CanSeeSubject).
inline constexpr Rule kSubjectReaders{
    .roles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor, Role::kPartySecretary,
              Role::kDisciplineSecretary, Role::kRater, Role::kCadre},
    .region = RegionRelation::kOwn,
    .refuse_as_not_found = true};
// GetSubjectSummary: staff, and PS, DS of the subject's unit (CanSeeSubject).
inline constexpr Rule kSummaryReaders{
    .roles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor, Role::kPartySecretary,
              Role::kDisciplineSecretary},
    .region = RegionRelation::kOwn,
    .refuse_as_not_found = true};
// Invitations: staff; a rater their own; reminder systems pending ones.
inline constexpr Rule kInvitationReaders{
    .roles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor, Role::kRater},
    .system_scope = kInvitationsReadScope,
    .region = RegionRelation::kOwn,
    .refuse_as_not_found = true};
// Forms: the team and auditors (rater included); a rater their own.
inline constexpr Rule kFormReaders{.roles = {Role::kAssessmentTeam, Role::kAuditor, Role::kRater},
                                   .region = RegionRelation::kOwn,
                                   .refuse_as_not_found = true};
// Interviews, document reviews, progress, diagnostics: the team and auditors.
inline constexpr Rule kTeamAndAuditors{.roles = {Role::kAssessmentTeam, Role::kAuditor},
                                       .region = RegionRelation::kOwn,
                                       .refuse_as_not_found = true};
// Progress and diagnostics: the department too.
inline constexpr Rule kCampaignFigureReaders{
    .roles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor},
    .region = RegionRelation::kOwn,
    .refuse_as_not_found = true};
// Leads: the team and auditors in full, the department redacted, the
// discipline commission's system what LeadReadsOf allows.
inline constexpr Rule kLeadReaders{
    .roles = {Role::kAssessmentTeam, Role::kAuditor, Role::kRegionAdmin},
    .system_scope = kLeadsReadScope,
    .region = RegionRelation::kOwn,
    .refuse_as_not_found = true};
// Public notices: the public through the gateway (PUBLISHED only, any
// region the gateway covers, a city or province listing its counties); the
// county's staff every state (CanSeeNoticeDrafts).
inline constexpr Rule kNoticeReaders{
    .roles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor},
    .system_scope = kNoticesReadScope,
    .region = RegionRelation::kCovers,
    .refuse_as_not_found = true};
// Statistics: aggregates, for the region's and enclosing regions' department and auditors.
inline constexpr Rule kStatisticsReaders{.roles = {Role::kRegionAdmin, Role::kAuditor},
                                         .system_scope = kDashboardsReadScope,
                                         .region = RegionRelation::kCovers,
                                         .refuse_as_not_found = true};

// ───────────── predicates on stored state ─────────────

// The county's own assessment team and auditors: the only ones who read
// sealed identities (raters, reporters, interviewees, verifiers).
inline constexpr Rule kSealReaders{.roles = {Role::kAssessmentTeam, Role::kAuditor},
                                   .region = RegionRelation::kOwn};
inline bool ReadsSealed(const Principal& principal, absl::string_view region_code) {
  return Allows(kSealReaders, principal, region_code);
}

// Staff who see every campaign, subject and invitation of the county.
inline constexpr Rule kCampaignStaff{
    .roles = {Role::kRegionAdmin, Role::kAssessmentTeam, Role::kAuditor},
    .region = RegionRelation::kOwn};
inline bool IsCampaignStaff(const Principal& principal, absl::string_view region_code) {
  return Allows(kCampaignStaff, principal, region_code);
}

// PS and DS act for the units their `unit` claim covers ("*": every unit).
inline bool ActsForUnit(const Principal& principal, absl::string_view unit) {
  if (principal.IsSystem() || (!principal.HasRole(Role::kPartySecretary) &&
                               !principal.HasRole(Role::kDisciplineSecretary))) {
    return false;
  }
  return privacy::UnitScope::Of(principal.unit).Covers(unit);
}

// A staff member of the county's notices (drafts and withdrawn ones).
inline bool CanSeeNoticeDrafts(const Principal& principal, absl::string_view region_code) {
  return IsCampaignStaff(principal, region_code);
}

// What a caller may read of a lead (GetLead's comment): TEAM and AUD of the
// county everything; the department and the discipline system redacted.
enum class LeadAccess { kNone, kRedacted, kFull };
inline LeadAccess LeadAccessOf(const Principal& principal, absl::string_view region_code) {
  if (ReadsSealed(principal, region_code)) {
    return LeadAccess::kFull;
  }
  if (principal.IsSystem()) {
    return principal.HasScope(kLeadsReadScope) ? LeadAccess::kRedacted : LeadAccess::kNone;
  }
  return Allows(Rule{.roles = {Role::kRegionAdmin}, .region = RegionRelation::kOwn}, principal,
                region_code)
             ? LeadAccess::kRedacted
             : LeadAccess::kNone;
}

}  // namespace kaoping::evaluations
