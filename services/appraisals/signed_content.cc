#include "services/appraisals/signed_content.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/common/crypto.h"

namespace kaoping::appraisals {
namespace {

// Deterministic, although the frozen message has no map whose order could
// vary: the bytes are produced once and stored, so this only keeps two
// encodings of one revision (validate_only, tests) equal.
std::string DeterministicEncoding(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&out);
  }
  return bytes;
}

}  // namespace

std::string EncodeSignedContent(const v1::AppraisalContent& content,
                                absl::string_view summary_snapshot) {
  v1::SubjectSummary summary;
  summary.ParseFromString(std::string(summary_snapshot));
  v1::AppraisalSignedContent signed_content;
  signed_content.set_appraisal(content.appraisal());
  signed_content.set_subject(content.subject());
  signed_content.set_campaign(content.campaign());
  signed_content.set_campaign_kind(content.campaign_kind());
  signed_content.set_campaign_display_name(content.campaign_display_name());
  signed_content.set_cadre(content.cadre());
  signed_content.set_cadre_display_name(content.cadre_display_name());
  signed_content.set_unit(content.unit());
  signed_content.set_unit_display_name(content.unit_display_name());
  signed_content.set_post_title(content.post_title());
  signed_content.set_post_tier(content.post_tier());
  signed_content.set_sector(content.sector());
  signed_content.set_summary_revision(summary.revision());
  signed_content.set_summary_sha256(Sha256(summary_snapshot));
  signed_content.set_raw_composite(summary.raw_composite());
  signed_content.set_calibrated_composite(summary.calibrated_composite());
  signed_content.set_deduction_total(summary.deduction_total());
  signed_content.set_final_composite(summary.final_composite());
  signed_content.set_proposed_grade(summary.proposal().grade());
  signed_content.set_vetoed(summary.vetoed());
  for (const v1::VerifiedLead& lead : summary.verified_leads()) {
    signed_content.add_verified_leads(lead.lead());
  }
  signed_content.set_self_check(content.self_check());
  signed_content.set_party_opinion(content.party_opinion());
  signed_content.set_integrity_appraisal(content.integrity_appraisal());
  signed_content.set_grade(content.grade());
  signed_content.set_grade_reason(content.grade_reason());
  signed_content.set_content_revision(content.content_revision());
  return absl::StrCat(kSignedContentLine, DeterministicEncoding(signed_content));
}

absl::StatusOr<v1::AppraisalSignedContent> ParseSignedContent(absl::string_view signed_content) {
  v1::AppraisalSignedContent parsed;
  if (!absl::StartsWith(signed_content, kSignedContentLine) ||
      !parsed.ParseFromString(std::string(signed_content.substr(kSignedContentLine.size())))) {
    return absl::DataLossError(
        "the stored signed content is not a kaoping.v1.AppraisalSignedContent");
  }
  return parsed;
}

absl::StatusOr<v1::AppraisalContent> ContentFromStored(absl::string_view signed_content,
                                                       absl::string_view summary_snapshot) {
  absl::StatusOr<v1::AppraisalSignedContent> parsed = ParseSignedContent(signed_content);
  if (!parsed.ok()) {
    return parsed.status();
  }
  v1::AppraisalContent content;
  if (!content.mutable_summary()->ParseFromString(std::string(summary_snapshot))) {
    return absl::DataLossError("the stored summary snapshot is not a kaoping.v1.SubjectSummary");
  }
  if (Sha256(summary_snapshot) != parsed->summary_sha256()) {
    return absl::DataLossError("the stored summary snapshot is not the one the content names");
  }
  content.set_appraisal(parsed->appraisal());
  content.set_subject(parsed->subject());
  content.set_campaign(parsed->campaign());
  content.set_campaign_kind(parsed->campaign_kind());
  content.set_campaign_display_name(parsed->campaign_display_name());
  content.set_cadre(parsed->cadre());
  content.set_cadre_display_name(parsed->cadre_display_name());
  content.set_unit(parsed->unit());
  content.set_unit_display_name(parsed->unit_display_name());
  content.set_post_title(parsed->post_title());
  content.set_post_tier(parsed->post_tier());
  content.set_sector(parsed->sector());
  content.set_self_check(parsed->self_check());
  content.set_party_opinion(parsed->party_opinion());
  content.set_integrity_appraisal(parsed->integrity_appraisal());
  content.set_grade(parsed->grade());
  content.set_grade_reason(parsed->grade_reason());
  content.set_content_revision(parsed->content_revision());
  return content;
}

std::vector<std::string> MissingSections(const v1::AppraisalContent& content) {
  std::vector<std::string> missing;
  if (content.self_check().empty()) {
    missing.push_back("self_check");
  }
  if (content.party_opinion().empty()) {
    missing.push_back("party_opinion");
  }
  if (content.integrity_appraisal().empty()) {
    missing.push_back("integrity_appraisal");
  }
  if (content.grade() == v1::GRADE_UNSPECIFIED) {
    missing.push_back("conclusion");
  }
  return missing;
}

}  // namespace kaoping::appraisals
