#pragma once

// The scoring engine (DESIGN.md §7): from a campaign's forms and verified
// leads to raw and calibrated scores, diagnostics and a proposed grade per
// subject, each explaining itself. See README.md in this folder for the model.
//
// Guarantees:
//  - Invalid input is rejected with INVALID_ARGUMENT naming the field, e.g.
//    "forms[12].grades[3]: grade 9 is out of range ...".
//  - Valid input, however degenerate (no forms, one subject, identical
//    marks), gives finite numbers: no NaN, no infinity.
//  - Deterministic: the same campaign with its subjects, forms and leads in
//    any order gives a bit-identical CampaignResult (everything is sorted by
//    id before any arithmetic).
//  - No state: calling it twice gives the same result.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/evaluations/scoring/model.h"

namespace kaoping::scoring {

absl::Status ValidateConfig(const ScoringConfig& config);

absl::StatusOr<CampaignResult> ScoreCampaign(const Campaign& campaign);

// A person-readable account of one subject's result: which forms counted,
// which were trimmed or merged, what calibration changed, which leads
// deducted and why the proposed grade is what it is. One line per fact.
std::string ExplainSubject(const CampaignResult& result, const SubjectResult& subject,
                           const ScoringConfig& config);

}  // namespace kaoping::scoring
