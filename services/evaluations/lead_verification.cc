// StartLeadVerification and VerifyLead: the assessment team's verdict on a
// lead, final once given; only a verified lead counts in scoring.
#include "absl/strings/str_cat.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/api/date.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/text_limits.h"
#include "services/common/status_macros.h"
#include "services/evaluations/evaluation_policy.h"
#include "services/evaluations/forms.h"
#include "services/evaluations/leads.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

constexpr int kMaxVerifiers = 10;
constexpr size_t kMaxMethod = 2000;
constexpr size_t kMaxFindings = 20000;
constexpr int kMaxEvidence = 50;
constexpr size_t kMaxEvidenceText = 200;

absl::Status CheckVerifiers(absl::string_view field,
                            const google::protobuf::RepeatedPtrField<std::string>& verifiers) {
  RETURN_IF_ERROR(CheckCount(field, verifiers.size(), kMaxVerifiers));
  for (int i = 0; i < verifiers.size(); ++i) {
    RETURN_IF_ERROR(CheckText(absl::StrCat(field, "[", i, "]"), verifiers[i], 200, true));
  }
  return absl::OkStatus();
}

absl::Status CheckVerdict(const v1::VerifyLeadRequest& request) {
  if (request.outcome() == v1::Verification::OUTCOME_UNSPECIFIED ||
      !v1::Verification::Outcome_IsValid(request.outcome())) {
    return absl::InvalidArgumentError(
        "outcome: required, one of CONFIRMED, PARTLY_CONFIRMED, UNFOUNDED");
  }
  const v1::Verification& v = request.verification();
  RETURN_IF_ERROR(CheckVerifiers("verification.verifiers", v.verifiers()));
  RETURN_IF_ERROR(CheckText("verification.method", v.method(), kMaxMethod));
  RETURN_IF_ERROR(CheckText("verification.findings", v.findings(), kMaxFindings, true));
  RETURN_IF_ERROR(CheckCount("verification.evidence", v.evidence_size(), kMaxEvidence));
  for (int i = 0; i < v.evidence_size(); ++i) {
    RETURN_IF_ERROR(CheckText(absl::StrCat("verification.evidence[", i, "]"), v.evidence(i),
                              kMaxEvidenceText, true));
  }
  if (request.outcome() == v1::Verification::UNFOUNDED && !v.negative_item_id().empty()) {
    return absl::InvalidArgumentError(
        "verification.negative_item_id: an UNFOUNDED lead confirms no item; leave it empty");
  }
  if (request.outcome() != v1::Verification::UNFOUNDED && v.negative_item_id().empty()) {
    return absl::InvalidArgumentError(
        "verification.negative_item_id: required for CONFIRMED and PARTLY_CONFIRMED");
  }
  return absl::OkStatus();
}

v1::Lead::State StateOf(v1::Verification::Outcome outcome) {
  switch (outcome) {
    case v1::Verification::CONFIRMED:
      return v1::Lead::CONFIRMED;
    case v1::Verification::PARTLY_CONFIRMED:
      return v1::Lead::PARTLY_CONFIRMED;
    default:
      return v1::Lead::UNFOUNDED;
  }
}

}  // namespace

absl::StatusOr<StoredLead> Leads::LoadForChange(db::Transaction& tx, const std::string& region_code,
                                                const std::string& lead_id, const std::string& name,
                                                const std::string& etag) const {
  ASSIGN_OR_RETURN(std::optional<StoredLead> stored, ctx_.leads.Find(tx, region_code, lead_id));
  if (!stored.has_value()) {
    return absl::NotFoundError(absl::StrCat(name, " not found"));
  }
  RETURN_IF_ERROR(CheckEtag("etag", etag, stored->lead.etag(), name));
  return *std::move(stored);
}

absl::StatusOr<v1::Lead> Leads::StartLeadVerification(
    const Principal& caller, AuditScope& audit, const v1::StartLeadVerificationRequest& request) {
  ASSIGN_OR_RETURN(std::vector<std::string> parts,
                   NameVariables("name", request.name(), kLeadPattern));
  if (!Allows(kTeam, caller, parts[0])) {
    return absl::PermissionDeniedError("only the county's assessment team verifies leads");
  }
  RETURN_IF_ERROR(CheckVerifiers("verifiers", request.verifiers()));
  return db::RunInTransaction(
      *ctx_.deps.db, db::Access::kReadWrite, [&](db::Transaction& tx) -> absl::StatusOr<v1::Lead> {
        ASSIGN_OR_RETURN(StoredLead stored,
                         LoadForChange(tx, parts[0], parts[1], request.name(), request.etag()));
        if (stored.lead.state() != v1::Lead::OPEN) {
          return absl::FailedPreconditionError(
              absl::StrCat(request.name(), " is ", v1::Lead::State_Name(stored.lead.state()),
                           "; verification starts only from OPEN"));
        }
        StoredLead updated = stored;
        v1::Lead& lead = updated.lead;
        lead.set_state(v1::Lead::VERIFYING);
        v1::Verification& v = *lead.mutable_verification();
        *v.mutable_verifiers() = request.verifiers();
        if (v.verifiers().empty()) {
          v.add_verifiers(caller.subject);
        }
        *v.mutable_start_time() = ToProtoTimestamp(ctx_.Now());
        *lead.mutable_update_time() = v.start_time();
        RETURN_IF_ERROR(ctx_.leads.Replace(tx, parts[0], stored, updated));
        RETURN_IF_ERROR(audit.Record(tx, request.name()));
        ASSIGN_OR_RETURN(StoredLead written, ctx_.leads.Get(tx, parts[0], parts[1]));
        return std::move(written.lead);
      });
}

absl::StatusOr<v1::Lead> Leads::VerifyLead(const Principal& caller, AuditScope& audit,
                                           const v1::VerifyLeadRequest& request) {
  ASSIGN_OR_RETURN(std::vector<std::string> parts,
                   NameVariables("name", request.name(), kLeadPattern));
  if (!Allows(kTeam, caller, parts[0])) {
    return absl::PermissionDeniedError("only the county's assessment team verifies leads");
  }
  RETURN_IF_ERROR(CheckVerdict(request));
  return db::RunInTransaction(
      *ctx_.deps.db, db::Access::kReadWrite, [&](db::Transaction& tx) -> absl::StatusOr<v1::Lead> {
        ASSIGN_OR_RETURN(StoredLead stored,
                         LoadForChange(tx, parts[0], parts[1], request.name(), request.etag()));
        const v1::Lead::State state = stored.lead.state();
        if (state != v1::Lead::OPEN && state != v1::Lead::VERIFYING) {
          return absl::FailedPreconditionError(absl::StrCat(
              request.name(), " is ", v1::Lead::State_Name(state), "; a verdict is final"));
        }
        StoredLead updated = stored;
        v1::Lead& lead = updated.lead;
        const v1::Verification& given = request.verification();
        v1::Verification& v = *lead.mutable_verification();
        if (!given.verifiers().empty() || v.verifiers().empty()) {
          *v.mutable_verifiers() = given.verifiers();
        }
        if (v.verifiers().empty()) {
          v.add_verifiers(caller.subject);
        }
        v.set_method(given.method());
        v.set_findings(given.findings());
        *v.mutable_evidence() = given.evidence();
        v.set_outcome(request.outcome());
        *v.mutable_complete_time() = ToProtoTimestamp(ctx_.Now());
        if (!v.has_start_time()) {
          *v.mutable_start_time() = v.complete_time();
        }
        if (request.outcome() != v1::Verification::UNFOUNDED) {
          if (lead.subject().empty()) {
            return absl::FailedPreconditionError(
                absl::StrCat(request.name(),
                             " is attached to no subject, so no catalog applies to "
                             "verification.negative_item_id; attach it to a subject first"));
          }
          ASSIGN_OR_RETURN(CampaignChild subject,
                           ParseCampaignChild("lead.subject", lead.subject(), kSubjectPattern));
          ASSIGN_OR_RETURN(std::shared_ptr<const FrozenCatalog> catalog,
                           CatalogOfSubject(ctx_, tx, subject.campaign, subject.id));
          const FrozenCatalog::Item* item = catalog->FindItem(given.negative_item_id());
          if (item == nullptr) {
            return absl::InvalidArgumentError(
                absl::StrCat("verification.negative_item_id: not in catalog ", catalog->id));
          }
          v.set_negative_item_id(given.negative_item_id());
          *v.mutable_negative_item() = *item->item;
          v.mutable_negative_item()->set_dimension(item->dimension);
          v.set_deduction(item->item->severity() == v1::DEDUCT ? item->item->deduction() : 0);
        }
        if (!lead.campaign().empty()) {
          ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("lead.campaign", lead.campaign()));
          ASSIGN_OR_RETURN(StoredCampaign campaign, ctx_.campaigns.Get(tx, key));
          if (campaign.campaign.state() == v1::Campaign::AGGREGATED) {
            // Re-aggregation on a late verdict is not written yet (README.md):
            // refused rather than leaving concluded summaries stale.
            return WrongCampaignState(campaign.campaign,
                                      "a verdict on its leads would need re-aggregation, which "
                                      "this build does not do yet");
          }
        }
        lead.set_state(StateOf(request.outcome()));
        *lead.mutable_verify_time() = v.complete_time();
        *lead.mutable_update_time() = v.complete_time();
        RETURN_IF_ERROR(ctx_.leads.Replace(tx, parts[0], stored, updated));
        v1::LeadVerified event;
        event.set_lead(lead.name());
        event.set_cadre(lead.cadre());
        event.set_campaign(lead.campaign());
        event.set_subject(lead.subject());
        event.set_outcome(request.outcome());
        if (request.outcome() != v1::Verification::UNFOUNDED) {
          event.set_severity(v.negative_item().severity());
        }
        *event.mutable_verify_date() = CivilDayToDate(Today(*ctx_.deps.clock));
        RETURN_IF_ERROR(ctx_.deps.outbox->Enqueue(tx, parts[0], lead.name(), "", event).status());
        RETURN_IF_ERROR(audit.Record(
            tx, absl::StrCat(request.name(), " ", v1::Lead::State_Name(lead.state()))));
        ASSIGN_OR_RETURN(StoredLead written, ctx_.leads.Get(tx, parts[0], parts[1]));
        return std::move(written.lead);
      });
}

}  // namespace kaoping::evaluations
