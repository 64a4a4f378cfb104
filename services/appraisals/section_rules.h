#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "kaoping/v1/common.pb.h"

// What a section or a conclusion must be (appraisals.proto), checked before
// anything is read: INVALID_ARGUMENT naming the field.
namespace kaoping::appraisals {

inline constexpr size_t kMaxSectionChars = 20000;
inline constexpr size_t kMaxReasonChars = 5000;

// A section's whole text (`field`, e.g. "text"): required, at most 20,000
// characters (not bytes: sections are written in Chinese).
absl::Status CheckSectionText(absl::string_view field, absl::string_view text);

// A free text of at most `max_chars` characters, `required` or not.
absl::Status CheckText(absl::string_view field, absl::string_view text, bool required,
                       size_t max_chars);

// `grade` one of the four grades.
absl::Status CheckGrade(absl::string_view field, v1::Grade grade);

// The conclusion against the summary it rests on: a vetoed subject gets POOR
// (naming `grade` and the veto lead), and a grade other than the proposed
// one needs a written reason (naming `reason`).
absl::Status CheckConclusion(const v1::SubjectSummary& summary, v1::Grade grade,
                             absl::string_view reason);

}  // namespace kaoping::appraisals
