#pragma once

#include "absl/status/statusor.h"
#include "kaoping/v1/indicators.pb.h"

namespace kaoping::indicators {

// The catalog shipped with kaoping (catalog/default_catalog.textproto,
// compiled into the binary), parsed once. It passes ValidateIndicatorSet.
absl::StatusOr<v1::IndicatorSet> DefaultCatalog();

}  // namespace kaoping::indicators
