#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "kaoping/v1/indicators.pb.h"

namespace kaoping::indicators {

// Checks the editable content of an indicator set (display_name,
// description, dimensions, profiles). Errors are INVALID_ARGUMENT naming the
// field from `prefix`, e.g. "indicator_set.dimensions[2].criteria[0].weight:
// must be > 0". A set with no dimensions is an unfinished draft: allowed,
// but not publishable (see ValidatePublishable).
absl::Status ValidateIndicatorSet(absl::string_view prefix, const v1::IndicatorSet& set);

// What publishing adds: the five dimensions must be there.
absl::Status ValidatePublishable(absl::string_view prefix, const v1::IndicatorSet& set);

// Tolerance for weights that must sum to 1 (two-decimal weights of up to
// a few hundred items still pass).
inline constexpr double kWeightSumTolerance = 1e-6;

}  // namespace kaoping::indicators
