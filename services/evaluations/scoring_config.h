#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/evaluations/scoring/model.h"

// A campaign's scoring model (ScoringConfig, DESIGN.md §7) as the API
// states it, and as the scoring engine (scoring/model.h) takes it.
namespace kaoping::evaluations {

// Fills every field left unset with the §7 default (the returned campaign
// shows them). severity_shrinkage stays unset: the engine then estimates
// it from the campaign (scoring/README.md, "Calibration").
void FillScoringDefaults(v1::ScoringConfig& config);

// INVALID_ARGUMENT naming the field under `field` (e.g.
// "campaign.scoring.group_weights: must sum to 1, got 0.9").
absl::Status ValidateScoring(absl::string_view field, const v1::ScoringConfig& config);

// The engine's configuration for a (validated, defaulted) config.
scoring::ScoringConfig ToEngineConfig(const v1::ScoringConfig& config);

}  // namespace kaoping::evaluations
