// Appraisals::Create and RefreshSummary: what an appraisal takes from evaluations.
#include "absl/strings/str_cat.h"
#include "services/appraisals/appraisal_access.h"
#include "services/appraisals/appraisals.h"
#include "services/appraisals/section_rules.h"
#include "services/common/api/body_names.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/crypto.h"
#include "services/common/db/row_lock.h"
#include "services/common/idempotency.h"
#include "services/common/status_macros.h"

namespace kaoping::appraisals {
namespace {

constexpr absl::string_view kSubjectPattern =
    "regions/{region}/campaigns/{campaign}/subjects/{subject}";

// The identifying fields, copied from evaluations at creation.
v1::AppraisalContent ContentOf(const std::string& name, const SubjectSnapshot& snapshot) {
  v1::AppraisalContent content;
  content.set_appraisal(name);
  content.set_subject(snapshot.subject.name());
  content.set_campaign(snapshot.campaign.name());
  content.set_campaign_kind(snapshot.campaign.kind());
  content.set_campaign_display_name(snapshot.campaign.display_name());
  content.set_cadre(snapshot.subject.cadre());
  content.set_cadre_display_name(snapshot.subject.display_name());
  content.set_unit(snapshot.subject.unit());
  content.set_unit_display_name(snapshot.subject.unit_display_name());
  content.set_post_title(snapshot.subject.post_title());
  content.set_post_tier(snapshot.subject.post_tier());
  content.set_sector(snapshot.subject.sector());
  return content;
}

// The cadre and unit evaluations answered must lie in the appraisal's
// region: the appraisal's readers are scoped by them.
absl::Status CheckSnapshot(const std::string& region_code, const SubjectSnapshot& snapshot) {
  const PathScope scope{region_code, "", ""};
  auto check = [&](absl::string_view field, const std::string& name,
                   absl::string_view pattern) -> absl::Status {
    if (CheckBodyName(field, name, pattern, scope).ok()) {
      return absl::OkStatus();
    }
    return absl::UnavailableError(absl::StrCat(
        "evaluations answered subject ", snapshot.subject.name(), " with ", field, " ",
        QuoteInput(name), ", not one of region ", region_code, "; nothing was written"));
  };
  RETURN_IF_ERROR(check("cadre", snapshot.subject.cadre(), "regions/{region}/cadres/{cadre}"));
  return check("unit", snapshot.subject.unit(), "regions/{region}/units/{unit}");
}

}  // namespace

absl::StatusOr<v1::Appraisal> Appraisals::Create(const Principal& caller, AuditScope& audit,
                                                 const v1::CreateAppraisalRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("parent", request.parent()));
  std::string appraisal_id = request.appraisal_id();
  if (!appraisal_id.empty()) {
    RETURN_IF_ERROR(ValidateResourceId("appraisal_id", appraisal_id));
  }
  const std::string& subject = request.appraisal().subject();
  if (subject.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("appraisal.subject: required, a name ", kSubjectPattern));
  }
  RETURN_IF_ERROR(
      CheckBodyName("appraisal.subject", subject, kSubjectPattern, {region_code, "", ""}).status());
  ASSIGN_OR_RETURN(std::optional<v1::Appraisal> replayed,
                   RememberedResponse<v1::Appraisal>(*deps_.db, *deps_.idempotency, audit, request,
                                                     request.request_id()));
  if (replayed.has_value()) {
    audit.NothingWritten();
    return *std::move(replayed);
  }
  ASSIGN_OR_RETURN(SubjectSnapshot snapshot,
                   evaluations_->Snapshot(caller, "appraisal.subject", subject));
  RETURN_IF_ERROR(CheckSnapshot(region_code, snapshot));
  if (appraisal_id.empty()) {
    appraisal_id = absl::StrCat("a-", HexEncode(RandomBytes(8)));
  }
  const std::string name = RegionChildName(region_code, "appraisals", appraisal_id);
  v1::Appraisal record;
  record.set_name(name);
  record.set_state(v1::Appraisal::DRAFT);
  record.set_subject(subject);
  record.set_creator(caller.subject);
  *record.mutable_create_time() = ToProtoTimestamp(deps_.clock->Now());
  *record.mutable_update_time() = record.create_time();
  const StoredAppraisal row = NewRow(region_code, appraisal_id, std::move(record),
                                     ContentOf(name, snapshot), snapshot.summary.bytes);
  auto unclaimed = [&](db::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<std::string> existing,
                     store_.FindBySubject(tx, region_code, subject));
    if (existing.has_value()) {
      return absl::AlreadyExistsError(
          absl::StrCat("appraisal.subject: ", subject, " already has an appraisal: ", *existing));
    }
    return absl::OkStatus();
  };
  ASSIGN_OR_RETURN(Working created, Open(row));
  if (request.validate_only()) {
    RETURN_IF_ERROR(db::RunInTransaction(*deps_.db, db::Access::kReadOnly, unclaimed));
    audit.NothingWritten();
    return Assemble(created);
  }
  return IdempotentCreate(
      *deps_.db, *deps_.idempotency, audit, request, request.request_id(), NoSecrets(),
      [&](db::Transaction& tx) -> absl::StatusOr<v1::Appraisal> {
        // One appraisal per subject: checked under a lock, so that of two
        // creators the second learns the first one's name.
        RETURN_IF_ERROR(db::LockKey(tx, "appraisal-subject", region_code, subject));
        RETURN_IF_ERROR(unclaimed(tx));
        RETURN_IF_ERROR(store_.Insert(tx, row));
        RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("subject=", subject, " summary_revision=",
                                                      snapshot.summary.summary.revision())));
        return Assemble(created);
      });
}

absl::StatusOr<v1::Appraisal> Appraisals::RefreshSummary(
    const Principal& caller, AuditScope& audit, const v1::RefreshAppraisalSummaryRequest& request) {
  const Ref ref{"name", request.name(), request.etag()};
  ASSIGN_OR_RETURN(Working current,
                   db::RunInTransaction(*deps_.db, db::Access::kReadOnly,
                                        [&](db::Transaction& tx) -> absl::StatusOr<Working> {
                                          return Load(tx, caller, kTeam, ref);
                                        }));
  if (current.row.record.state() != v1::Appraisal::DRAFT) {
    return absl::FailedPreconditionError(
        absl::StrCat(request.name(), " is CONCLUDED; its summary snapshot never changes again"));
  }
  ASSIGN_OR_RETURN(SummaryTaken taken,
                   evaluations_->Summary(caller, "name", current.row.record.subject()));
  return ChangeDraft(caller, audit, kTeam, ref, request.discard_signatures(),
                     [&](db::Transaction&, Working& appraisal,
                         v1::AppraisalContent& content) -> absl::StatusOr<std::string> {
                       const int64_t before = content.summary().revision();
                       appraisal.row.summary_snapshot = taken.bytes;
                       *content.mutable_summary() = taken.summary;
                       std::string detail = absl::StrCat("summary_revision=", before, "->",
                                                         taken.summary.revision());
                       if (content.grade() != v1::GRADE_UNSPECIFIED) {
                         // A conclusion rests on the summary: one that no longer fits it
                         // (a veto since, another proposed grade without a reason) is
                         // cleared, and the team writes it again.
                         absl::Status fits = CheckConclusion(taken.summary, content.grade(),
                                                             content.grade_reason());
                         if (!fits.ok()) {
                           content.clear_grade();
                           content.clear_grade_reason();
                           appraisal.row.record.clear_conclusion_record();
                           absl::StrAppend(&detail, " conclusion_cleared");
                         }
                       }
                       return detail;
                     });
}

}  // namespace kaoping::appraisals
