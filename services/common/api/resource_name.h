#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kaoping {

// Client input quoted in an error message: at most 64 bytes of it, so that
// a long input cannot make the error itself too long to deliver, with
// control characters, bidirectional overrides and bytes that are not UTF-8
// escaped (\n, \x1b, \u202e, \xff), so that it cannot forge lines or
// terminal sequences where the message is shown.
std::string QuoteInput(absl::string_view input);

// "regions/510114" ⇄ "510114". Errors are INVALID_ARGUMENT naming `field`.
std::string RegionName(absl::string_view region_code);
absl::StatusOr<std::string> ParseRegionName(absl::string_view field, absl::string_view name);

// A resource directly under a region: regions/{region}/{collection}/{id}.
struct RegionChild {
  std::string region_code;
  std::string id;
};
absl::StatusOr<RegionChild> ParseRegionChild(absl::string_view field, absl::string_view name,
                                             absl::string_view collection);
std::string RegionChildName(absl::string_view region_code, absl::string_view collection,
                            absl::string_view id);

// Resource ids chosen by clients (and ids inside resources, such as
// criterion ids): lowercase letters, digits and '-', starting with a letter
// or digit, at most 63 characters (AIP-122).
bool IsValidResourceId(absl::string_view id);
absl::Status ValidateResourceId(absl::string_view field, absl::string_view id);

}  // namespace kaoping
