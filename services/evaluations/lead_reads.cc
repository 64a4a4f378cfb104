// GetLead: the county's team and auditors read a lead in full (its ticks'
// remarks and forms, the reporter, who verified); the department and the
// discipline commission's system a redacted lead, and FORM leads only once
// their campaign has closed and as privacy::DiscloseFormLeadToOutsider
// allows, so that no tick is tied to a named rater.
#include "absl/strings/str_cat.h"
#include "services/common/privacy/form_lead_disclosure.h"
#include "services/common/status_macros.h"
#include "services/evaluations/evaluation_policy.h"
#include "services/evaluations/leads.h"

namespace kaoping::evaluations {
namespace {

// The discipline system reads verdicts that count, and what it pushed itself.
bool SystemMayRead(const Principal& caller, const v1::Lead& lead) {
  return lead.state() == v1::Lead::CONFIRMED || lead.state() == v1::Lead::PARTLY_CONFIRMED ||
         (!lead.source_system().empty() && lead.source_system() == caller.subject);
}

}  // namespace

absl::StatusOr<v1::Lead> Leads::GetLead(const Principal& caller, AuditScope&,
                                        const v1::GetLeadRequest& request) {
  ASSIGN_OR_RETURN(std::vector<std::string> parts,
                   NameVariables("name", request.name(), kLeadPattern));
  const std::string& region_code = parts[0];
  const absl::Status not_found = absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  const LeadAccess access = LeadAccessOf(caller, region_code);
  if (access == LeadAccess::kNone) {
    return not_found;
  }
  return db::RunInTransaction(
      *ctx_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<v1::Lead> {
        ASSIGN_OR_RETURN(std::optional<StoredLead> stored,
                         ctx_.leads.Find(tx, region_code, parts[1]));
        if (!stored.has_value()) {
          return not_found;
        }
        v1::Lead& lead = stored->lead;
        ASSIGN_OR_RETURN(std::vector<LeadTick> ticks,
                         ctx_.leads.Ticks(tx, region_code, {parts[1]}));
        for (const LeadTick& tick : ticks) {
          if (!tick.remark.empty()) {
            lead.add_remarks(tick.remark);
          }
          if (!lead.campaign().empty()) {
            lead.add_forms(absl::StrCat(lead.campaign(), "/forms/", tick.form_id));
          }
        }
        if (access == LeadAccess::kFull) {
          if (stored->reporter.has_value()) {
            *lead.mutable_reporter() = *stored->reporter;
          }
          return std::move(lead);
        }
        if (caller.IsSystem() && !SystemMayRead(caller, lead)) {
          return not_found;
        }
        if (lead.source() == v1::FORM) {
          ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("lead.campaign", lead.campaign()));
          ASSIGN_OR_RETURN(StoredCampaign campaign, ctx_.campaigns.Get(tx, key));
          if (campaign.campaign.state() == v1::Campaign::OPEN) {
            return not_found;
          }
          privacy::DiscloseFormLeadToOutsider(lead);
        }
        lead.clear_forms();
        lead.clear_reporter();
        lead.clear_receipt_number();
        lead.mutable_verification()->clear_verifiers();
        if (!lead.has_verification() || lead.verification().ByteSizeLong() == 0) {
          lead.clear_verification();
        }
        return std::move(lead);
      });
}

}  // namespace kaoping::evaluations
