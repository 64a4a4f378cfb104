#include "services/appraisals/section_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/text_escape.h"

namespace kaoping::appraisals {
namespace {

size_t CharacterCount(absl::string_view text) {
  size_t count = 0;
  for (size_t pos = 0; pos < text.size(); ++count) {
    NextCodePoint(text, &pos);
  }
  return count;
}

// The first VETO lead of the snapshot, for the message.
std::string VetoLead(const v1::SubjectSummary& summary) {
  for (const v1::VerifiedLead& lead : summary.verified_leads()) {
    if (lead.negative_item().severity() == v1::VETO) {
      return lead.lead();
    }
  }
  return "";
}

}  // namespace

absl::Status CheckText(absl::string_view field, absl::string_view text, bool required,
                       size_t max_chars) {
  if (required && absl::StripAsciiWhitespace(text).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  }
  const size_t count = CharacterCount(text);
  if (count > max_chars) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": at most ", max_chars, " characters, got ", count));
  }
  return absl::OkStatus();
}

absl::Status CheckSectionText(absl::string_view field, absl::string_view text) {
  return CheckText(field, text, /*required=*/true, kMaxSectionChars);
}

absl::Status CheckGrade(absl::string_view field, v1::Grade grade) {
  if (grade == v1::GRADE_UNSPECIFIED || !v1::Grade_IsValid(grade)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": required, one of GOOD, FAIRLY_GOOD, AVERAGE, POOR"));
  }
  return absl::OkStatus();
}

absl::Status CheckConclusion(const v1::SubjectSummary& summary, v1::Grade grade,
                             absl::string_view reason) {
  if (summary.vetoed() && grade != v1::POOR) {
    const std::string lead = VetoLead(summary);
    return absl::InvalidArgumentError(absl::StrCat(
        "grade: must be POOR: the subject is vetoed", lead.empty() ? "" : " by verified lead ",
        lead, " (a veto holds regardless of score), got ", v1::Grade_Name(grade)));
  }
  const v1::Grade proposed = summary.proposal().grade();
  if (grade != proposed && absl::StripAsciiWhitespace(reason).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("reason: required when the grade (", v1::Grade_Name(grade),
                     ") differs from the proposed grade (",
                     proposed == v1::GRADE_UNSPECIFIED ? "none" : v1::Grade_Name(proposed), ")"));
  }
  return CheckText("reason", reason, /*required=*/false, kMaxReasonChars);
}

}  // namespace kaoping::appraisals
