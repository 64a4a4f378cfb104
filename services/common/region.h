#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace kaoping {

// Regions are GB/T 2260 codes: six digits, the hierarchy in the code itself
// (counties 5101xx belong to city 510100, which belongs to province 510000).

// Six ASCII digits, the province part not 00.
bool IsValidRegionCode(absl::string_view code);

// The significant prefix of a code: "510000" → "51", "510100" → "5101",
// "510114" → "510114". A principal holding prefix P may touch every region
// whose code starts with P.
std::string RegionPrefix(absl::string_view code);

// The enclosing regions, nearest first: "510114" → {"510100", "510000"};
// "510100" → {"510000"}; "510000" → {}.
std::vector<std::string> EnclosingRegions(absl::string_view code);

}  // namespace kaoping
