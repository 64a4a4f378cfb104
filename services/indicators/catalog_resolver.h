#pragma once

#include "absl/status/statusor.h"
#include "kaoping/v1/common.pb.h"
#include "kaoping/v1/indicators.pb.h"

namespace kaoping::indicators {

// The catalog of a valid, published set as it applies to one post tier and
// sector: base dimensions, then the tier profile, then the sector profile
// (a named weight replaces the one before; additions join their dimension),
// then every weight normalized: dimension weights sum to 1, and criterion
// weights sum to 1 within each dimension. Every criterion and negative item
// records its origin ("base", "tier:PRINCIPAL", "sector:EDUCATION").
// Fills dimensions and applied_profiles; the caller names set, region and date.
absl::StatusOr<v1::ResolvedCatalog> ResolveCatalogOf(const v1::IndicatorSet& set,
                                                     v1::PostTier post_tier, v1::Sector sector);

}  // namespace kaoping::indicators
