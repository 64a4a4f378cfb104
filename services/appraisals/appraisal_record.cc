#include "services/appraisals/appraisal_record.h"

#include "absl/strings/str_cat.h"
#include "services/appraisals/signed_content.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/auth/principal.h"
#include "services/common/crypto.h"

namespace kaoping::appraisals {
namespace {

constexpr int kKeptDiscardedSignatures = 20;

bool HasSignatureOf(const v1::Appraisal& record, v1::AppraisalSignature::Role role) {
  for (const v1::AppraisalSignature& signature : record.signatures()) {
    if (signature.role() == role) {
      return true;
    }
  }
  return false;
}

// ",CADRE,PARTY_SECRETARY,": who still has to write, sign or conclude (the
// `awaiting_me` filter).
std::string AwaitingRoles(const v1::Appraisal& record, const v1::AppraisalContent& content) {
  if (record.state() != v1::Appraisal::DRAFT) {
    return "";
  }
  const bool complete = MissingSections(content).empty();
  const bool party_signed = HasSignatureOf(record, v1::AppraisalSignature::PARTY_SECRETARY);
  const bool discipline_signed =
      HasSignatureOf(record, v1::AppraisalSignature::DISCIPLINE_SECRETARY);
  std::string roles = ",";
  if (content.self_check().empty()) {
    absl::StrAppend(&roles, RoleName(Role::kCadre), ",");
  }
  if (content.party_opinion().empty() || (complete && !party_signed)) {
    absl::StrAppend(&roles, RoleName(Role::kPartySecretary), ",");
  }
  if (content.integrity_appraisal().empty() || (complete && !discipline_signed)) {
    absl::StrAppend(&roles, RoleName(Role::kDisciplineSecretary), ",");
  }
  if (content.grade() == v1::GRADE_UNSPECIFIED || (party_signed && discipline_signed)) {
    absl::StrAppend(&roles, RoleName(Role::kAssessmentTeam), ",");
  }
  return roles;
}

void KeepColumns(Working& appraisal) {
  StoredAppraisal& row = appraisal.row;
  row.subject = appraisal.content.subject();
  row.campaign = appraisal.content.campaign();
  row.cadre = appraisal.content.cadre();
  row.unit = appraisal.content.unit();
  row.grade = appraisal.content.grade() == v1::GRADE_UNSPECIFIED
                  ? ""
                  : v1::Grade_Name(appraisal.content.grade());
  row.awaiting = AwaitingRoles(row.record, appraisal.content);
}

}  // namespace

absl::StatusOr<Working> Open(StoredAppraisal row) {
  absl::StatusOr<v1::AppraisalContent> content =
      ContentFromStored(row.signed_content, row.summary_snapshot);
  if (!content.ok()) {
    return absl::DataLossError(
        absl::StrCat(RegionChildName(row.region_code, "appraisals", row.appraisal_id), ": ",
                     content.status().message()));
  }
  return Working{std::move(row), *std::move(content)};
}

std::string EtagOf(const StoredAppraisal& row) {
  return ComputeEtag(row.record.name(), row.revision, row.record.create_time());
}

v1::Appraisal Assemble(const Working& appraisal) {
  v1::Appraisal out = appraisal.row.record;
  *out.mutable_content() = appraisal.content;
  out.set_signed_content(appraisal.row.signed_content);
  out.set_summary_snapshot(appraisal.row.summary_snapshot);
  out.set_content_sha256(Sha256(appraisal.row.signed_content));
  for (std::string& section : MissingSections(appraisal.content)) {
    out.add_missing_sections(std::move(section));
  }
  out.set_etag(EtagOf(appraisal.row));
  return out;
}

AppraisalFacts FactsOf(const StoredAppraisal& row) {
  return {row.unit, row.cadre, row.record.state() == v1::Appraisal::CONCLUDED};
}

StoredAppraisal NewRow(const std::string& region_code, const std::string& appraisal_id,
                       v1::Appraisal record, v1::AppraisalContent content,
                       std::string summary_snapshot) {
  Working appraisal;
  appraisal.row.region_code = region_code;
  appraisal.row.appraisal_id = appraisal_id;
  appraisal.row.record = std::move(record);
  appraisal.row.summary_snapshot = std::move(summary_snapshot);
  appraisal.row.revision = 1;
  ChangeContent(appraisal, std::move(content));
  return std::move(appraisal.row);
}

void ChangeContent(Working& appraisal, v1::AppraisalContent content) {
  content.set_content_revision(appraisal.content.content_revision() + 1);
  content.clear_summary();
  appraisal.row.signed_content = EncodeSignedContent(content, appraisal.row.summary_snapshot);
  content.mutable_summary()->ParseFromString(appraisal.row.summary_snapshot);
  appraisal.content = std::move(content);
  KeepColumns(appraisal);
}

void DiscardSignatures(v1::Appraisal& record,
                       const std::function<bool(const v1::AppraisalSignature&)>& which) {
  google::protobuf::RepeatedPtrField<v1::AppraisalSignature> kept;
  for (v1::AppraisalSignature& signature : *record.mutable_signatures()) {
    *(which(signature) ? record.add_discarded_signatures() : kept.Add()) = std::move(signature);
  }
  *record.mutable_signatures() = std::move(kept);
  auto* discarded = record.mutable_discarded_signatures();
  if (discarded->size() > kKeptDiscardedSignatures) {
    discarded->DeleteSubrange(0, discarded->size() - kKeptDiscardedSignatures);
  }
}

void Touch(Working& appraisal, absl::Time now) {
  ++appraisal.row.revision;
  *appraisal.row.record.mutable_update_time() = ToProtoTimestamp(now);
  KeepColumns(appraisal);
}

}  // namespace kaoping::appraisals
