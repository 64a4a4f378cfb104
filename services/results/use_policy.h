#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "kaoping/v1/results.pb.h"

// The use-of-results policy (DESIGN.md §7) as plain rules: its defaults,
// what a valid one is, and the dates and proposals it implies.
namespace kaoping::results {

// The §7 defaults for a region that never updated its policy (revision 0):
// eligible when the latest grade within 12 months is GOOD or FAIRLY_GOOD
// and no veto is in force; a veto blocks promotion for 12 months and
// proposes POST_ADJUSTMENT; a POOR grade proposes ADMONISHMENT; a decided
// handling is due in 30 days.
v1::Policy DefaultPolicy(const std::string& region_code);

// INVALID_ARGUMENT naming the field (under `field`, e.g. "policy").
absl::Status ValidatePolicy(const std::string& field, const v1::Policy& policy);

// The paths UpdatePolicy may change.
const std::vector<std::string>& PolicyPaths();

// `day` moved by `months` calendar months, the day of month kept where the
// month has it and clamped to its last day otherwise (Jan 31 + 1 = Feb 28).
absl::CivilDay AddMonths(absl::CivilDay day, int months);

// Whether the policy admits the grade for promotion.
bool EligibleGrade(const v1::Policy& policy, v1::Grade grade);
// The handling the policy proposes for a concluded grade, if any.
std::optional<v1::HandlingKind> HandlingForGrade(const v1::Policy& policy, v1::Grade grade);

}  // namespace kaoping::results
