// VoidForm: a form found invalid (无效票) stops counting, its ticks leave the
// leads still undecided and its assignment is pending again; the form and
// its seal stay, voided, as history.
#include "absl/strings/str_cat.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/text_limits.h"
#include "services/common/status_macros.h"
#include "services/evaluations/evaluation_policy.h"
#include "services/evaluations/forms.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

constexpr size_t kMaxReason = 500;

absl::Status RequireVoidable(const v1::Campaign& campaign) {
  if (campaign.state() == v1::Campaign::OPEN || campaign.state() == v1::Campaign::CLOSED) {
    return absl::OkStatus();
  }
  return WrongCampaignState(campaign, "forms are voided only while OPEN or CLOSED");
}

}  // namespace

absl::StatusOr<v1::Form> Forms::VoidForm(const Principal& caller, AuditScope& audit,
                                         const v1::VoidFormRequest& request) {
  ASSIGN_OR_RETURN(CampaignChild id, ParseCampaignChild("name", request.name(), kFormPattern));
  const CampaignKey& key = id.campaign;
  if (!Allows(kTeam, caller, key.region_code)) {
    return absl::PermissionDeniedError("only the county's assessment team voids forms");
  }
  RETURN_IF_ERROR(CheckText("reason", request.reason(), kMaxReason, true));
  return db::RunInTransaction(
      *ctx_.deps.db, db::Access::kReadWrite, [&](db::Transaction& tx) -> absl::StatusOr<v1::Form> {
        ASSIGN_OR_RETURN(StoredCampaign campaign, ctx_.campaigns.Get(tx, key));
        RETURN_IF_ERROR(RequireVoidable(campaign.campaign));
        ASSIGN_OR_RETURN(std::optional<StoredForm> found, ctx_.forms.Find(tx, key, id.id));
        if (!found.has_value()) {
          return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
        }
        ASSIGN_OR_RETURN(FormSeal seal, ctx_.forms.Seal(tx, key, id.id));
        const std::string subject_id = LastSegment(found->form.subject());
        RETURN_IF_ERROR(LockAssignment(tx, key, seal.invitation_id, subject_id));
        ASSIGN_OR_RETURN(found, ctx_.forms.Find(tx, key, id.id));  // as of the lock
        RETURN_IF_ERROR(
            CheckEtag("etag", request.etag(),
                      ComputeEtag(request.name(), found->revision, found->form.submit_time()),
                      request.name()));
        if (found->revision > 1) {
          return absl::FailedPreconditionError(absl::StrCat(request.name(), " is VOIDED already"));
        }
        StoredForm voided = *found;
        voided.form.set_state(v1::Form::VOIDED);
        *voided.form.mutable_void_time() = ToProtoTimestamp(ctx_.Now());
        voided.form.set_void_reason(request.reason());
        RETURN_IF_ERROR(ctx_.forms.Void(tx, key, voided));
        FormLeads leads(ctx_, tx, ctx_.Now());
        RETURN_IF_ERROR(leads.Untick(key.region_code, id.id));
        RETURN_IF_ERROR(
            ctx_.invitations.SetAssignmentForm(tx, key, seal.invitation_id, subject_id, ""));
        RETURN_IF_ERROR(ctx_.invitations.Touch(tx, key, seal.invitation_id, Micros(ctx_.Now())));
        RETURN_IF_ERROR(ctx_.campaigns.AddCounts(tx, key, 0, 0, -1));
        v1::FormVoided event;
        event.set_campaign(key.Name());
        event.set_subject(voided.form.subject());
        RETURN_IF_ERROR(
            ctx_.deps.outbox->Enqueue(tx, key.region_code, key.Name(), "", event).status());
        RETURN_IF_ERROR(audit.Record(tx, request.name()));
        voided.revision = 2;
        return Readable(tx, caller, key, std::move(voided), seal, true);
      });
}

}  // namespace kaoping::evaluations
