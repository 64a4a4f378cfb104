#include "services/common/privacy/unit_scope.h"

#include "absl/strings/str_cat.h"
#include "services/common/api/resource_name.h"

namespace kaoping::privacy {

UnitScope UnitScope::Of(absl::string_view value) {
  if (value.empty()) {
    return UnitScope(Kind::kNone, "");
  }
  if (value == kEveryUnit) {
    return UnitScope(Kind::kEvery, "");
  }
  return UnitScope(Kind::kOne, std::string(value));
}

bool UnitScope::Covers(absl::string_view unit_name) const {
  switch (kind_) {
    case Kind::kNone:
      return false;
    case Kind::kEvery:
      return true;
    case Kind::kOne:
      return !unit_name.empty() && unit_name == unit_;
  }
  return false;
}

absl::Status ValidateUnitGrant(absl::string_view field, absl::string_view value,
                               absl::string_view region_code) {
  if (value.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": required: a unit regions/", region_code,
                     "/units/{unit}, or \"*\" for every unit of the region (empty is not"
                     " \"every unit\")"));
  }
  if (value == kEveryUnit) {
    return absl::OkStatus();
  }
  auto unit = ParseRegionChild(field, value, "units");
  if (!unit.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(unit.status().message(), ", or \"*\" for every unit"));
  }
  if (unit->region_code != region_code) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", QuoteInput(value), " is not a unit of region ", region_code));
  }
  return absl::OkStatus();
}

}  // namespace kaoping::privacy
