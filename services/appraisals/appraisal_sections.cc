// Appraisals' four sections (自查, 党委(党组)意见, 廉洁鉴定, the conclusion) and
// what every change of content shares.
#include "absl/strings/str_cat.h"
#include "services/appraisals/appraisal_access.h"
#include "services/appraisals/appraisals.h"
#include "services/appraisals/section_rules.h"
#include "services/common/api/resource_meta.h"
#include "services/common/status_macros.h"

namespace kaoping::appraisals {
namespace {

bool SameContent(const v1::AppraisalContent& a, const v1::AppraisalContent& b) {
  v1::AppraisalContent x = a;
  v1::AppraisalContent y = b;
  for (v1::AppraisalContent* c : {&x, &y}) {
    c->clear_summary();
    c->clear_content_revision();
  }
  return x.SerializeAsString() == y.SerializeAsString();
}

absl::Status RequireDraft(const Working& appraisal, absl::string_view action) {
  if (appraisal.row.record.state() == v1::Appraisal::DRAFT) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      appraisal.row.record.name(), " is CONCLUDED; nothing in it can be ", action, " any more"));
}

// "discarded=PARTY_SECRETARY:regions/…/signerKeys/k@3,…" for the audit entry.
std::string DiscardedDetail(const v1::Appraisal& record) {
  std::string detail = " discarded=";
  for (const v1::AppraisalSignature& signature : record.signatures()) {
    absl::StrAppend(&detail, v1::AppraisalSignature::Role_Name(signature.role()), ":",
                    signature.signer_key(), "@", signature.content_revision(), ",");
  }
  return detail;
}

}  // namespace

absl::Status Appraisals::StoreChange(db::Transaction& tx, Working& appraisal,
                                     bool discard_signatures, v1::AppraisalContent content) const {
  v1::Appraisal& record = appraisal.row.record;
  if (record.signatures_size() > 0) {
    if (!discard_signatures) {
      return absl::FailedPreconditionError(absl::StrCat(
          record.name(), " carries ", record.signatures_size(),
          " signature(s) over content revision ", appraisal.content.content_revision(),
          " that this change would invalidate: send discard_signatures: true (both secretaries"
          " then sign again)"));
    }
    DiscardSignatures(record, [](const v1::AppraisalSignature&) { return true; });
  }
  const int64_t expected_revision = appraisal.row.revision;
  ChangeContent(appraisal, std::move(content));
  Touch(appraisal, deps_.clock->Now());
  return store_.Replace(tx, appraisal.row, expected_revision);
}

absl::StatusOr<v1::Appraisal> Appraisals::ChangeDraft(const Principal& caller, AuditScope& audit,
                                                      const Rule& rule, const Ref& ref,
                                                      bool discard_signatures,
                                                      const ContentChange& change) {
  return db::RunInTransaction(
      *deps_.db, db::Access::kReadWrite, [&](db::Transaction& tx) -> absl::StatusOr<v1::Appraisal> {
        Reach reach = Reach::kNone;
        ASSIGN_OR_RETURN(Working appraisal, Load(tx, caller, rule, ref, &reach));
        RETURN_IF_ERROR(RequireDraft(appraisal, "changed"));
        const std::string snapshot_before = appraisal.row.summary_snapshot;
        v1::AppraisalContent content = appraisal.content;
        ASSIGN_OR_RETURN(std::string detail, change(tx, appraisal, content));
        if (SameContent(content, appraisal.content) &&
            snapshot_before == appraisal.row.summary_snapshot) {
          // Nothing changes: no new revision, and signatures stay valid.
          ASSIGN_OR_RETURN(Working unchanged,
                           Load(tx, caller, rule, {ref.name_field, ref.name, ""}));
          audit.NothingWritten();
          v1::Appraisal shown = Assemble(unchanged);
          ShowAs(reach, shown);
          return shown;
        }
        if (appraisal.row.record.signatures_size() > 0) {
          absl::StrAppend(&detail, DiscardedDetail(appraisal.row.record));
        }
        RETURN_IF_ERROR(StoreChange(tx, appraisal, discard_signatures, std::move(content)));
        RETURN_IF_ERROR(audit.Record(
            tx, absl::StrCat(detail, " content_revision=", appraisal.content.content_revision())));
        v1::Appraisal shown = Assemble(appraisal);
        ShowAs(reach, shown);
        return shown;
      });
}

absl::StatusOr<v1::SectionRecord> Appraisals::RecordOf(db::Transaction& tx, const Principal& caller,
                                                       const Working& appraisal, Role role,
                                                       bool transcribed) const {
  v1::SectionRecord record;
  record.set_author(caller.subject);
  record.set_transcribed(transcribed);
  *record.mutable_update_time() = ToProtoTimestamp(deps_.clock->Now());
  if (role == Role::kCadre && !transcribed) {
    record.set_author_display_name(appraisal.content.cadre_display_name());
  }
  if (role == Role::kPartySecretary || role == Role::kDisciplineSecretary) {
    SignerKeyQuery query;
    query.person = caller.subject;
    query.role = std::string(RoleName(role));
    query.state = "ACTIVE";
    query.limit = 1;
    ASSIGN_OR_RETURN(std::vector<v1::SignerKey> keys,
                     keys_.List(tx, appraisal.row.region_code, query));
    if (!keys.empty()) {
      record.set_author_display_name(keys[0].display_name());
    }
  }
  return record;
}

absl::StatusOr<v1::Appraisal> Appraisals::WriteSelfCheck(const Principal& caller, AuditScope& audit,
                                                         const v1::WriteSelfCheckRequest& request) {
  RETURN_IF_ERROR(CheckSectionText("text", request.text()));
  return ChangeDraft(
      caller, audit, kSelfCheckWriters, {"name", request.name(), request.etag()},
      request.discard_signatures(),
      [&](db::Transaction& tx, Working& appraisal,
          v1::AppraisalContent& content) -> absl::StatusOr<std::string> {
        // The cadre writes their own; anyone else admitted is the team
        // transcribing a paper original.
        const bool own = ReachOf(kOwnCadre, caller, FactsOf(appraisal.row)) == Reach::kOwn;
        content.set_self_check(request.text());
        ASSIGN_OR_RETURN(*appraisal.row.record.mutable_self_check_record(),
                         RecordOf(tx, caller, appraisal, Role::kCadre, !own));
        return std::string(own ? "section=self_check" : "section=self_check transcribed");
      });
}

absl::StatusOr<v1::Appraisal> Appraisals::WritePartyOpinion(
    const Principal& caller, AuditScope& audit, const v1::WritePartyOpinionRequest& request) {
  RETURN_IF_ERROR(CheckSectionText("text", request.text()));
  return ChangeDraft(caller, audit, kPartySecretaries, {"name", request.name(), request.etag()},
                     request.discard_signatures(),
                     [&](db::Transaction& tx, Working& appraisal,
                         v1::AppraisalContent& content) -> absl::StatusOr<std::string> {
                       content.set_party_opinion(request.text());
                       ASSIGN_OR_RETURN(
                           *appraisal.row.record.mutable_party_opinion_record(),
                           RecordOf(tx, caller, appraisal, Role::kPartySecretary, false));
                       return std::string("section=party_opinion");
                     });
}

absl::StatusOr<v1::Appraisal> Appraisals::WriteIntegrityAppraisal(
    const Principal& caller, AuditScope& audit, const v1::WriteIntegrityAppraisalRequest& request) {
  RETURN_IF_ERROR(CheckSectionText("text", request.text()));
  return ChangeDraft(caller, audit, kDisciplineSecretaries,
                     {"name", request.name(), request.etag()}, request.discard_signatures(),
                     [&](db::Transaction& tx, Working& appraisal,
                         v1::AppraisalContent& content) -> absl::StatusOr<std::string> {
                       content.set_integrity_appraisal(request.text());
                       ASSIGN_OR_RETURN(
                           *appraisal.row.record.mutable_integrity_appraisal_record(),
                           RecordOf(tx, caller, appraisal, Role::kDisciplineSecretary, false));
                       return std::string("section=integrity_appraisal");
                     });
}

absl::StatusOr<v1::Appraisal> Appraisals::WriteConclusion(
    const Principal& caller, AuditScope& audit, const v1::WriteConclusionRequest& request) {
  RETURN_IF_ERROR(CheckGrade("grade", request.grade()));
  RETURN_IF_ERROR(CheckText("reason", request.reason(), /*required=*/false, kMaxReasonChars));
  return ChangeDraft(
      caller, audit, kTeam, {"name", request.name(), request.etag()}, request.discard_signatures(),
      [&](db::Transaction& tx, Working& appraisal,
          v1::AppraisalContent& content) -> absl::StatusOr<std::string> {
        RETURN_IF_ERROR(CheckConclusion(content.summary(), request.grade(), request.reason()));
        content.set_grade(request.grade());
        content.set_grade_reason(request.reason());
        ASSIGN_OR_RETURN(*appraisal.row.record.mutable_conclusion_record(),
                         RecordOf(tx, caller, appraisal, Role::kAssessmentTeam, false));
        return absl::StrCat("section=conclusion grade=", v1::Grade_Name(request.grade()),
                            " proposed=", v1::Grade_Name(content.summary().proposal().grade()));
      });
}

}  // namespace kaoping::appraisals
