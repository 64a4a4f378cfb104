#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

// Whose units a party or discipline secretary acts for, and whose
// appraisals a signer key signs: the JWT `unit` claim and SignerKey.unit.
// An absent or empty value covers no unit — never "every unit" — so that a
// token minted without the claim, or a key registered carelessly, grants
// nothing. The region-wide grant of the county committee's and
// commission's secretaries is the explicit value "*".
namespace kaoping::privacy {

inline constexpr absl::string_view kEveryUnit = "*";

class UnitScope {
 public:
  // From a claim or a key's unit: "" → none, "*" → every unit of the
  // region, anything else → that one unit (a name regions/{r}/units/{u}).
  static UnitScope Of(absl::string_view value);

  bool Covers(absl::string_view unit_name) const;
  bool CoversNothing() const { return kind_ == Kind::kNone; }
  bool CoversEveryUnit() const { return kind_ == Kind::kEvery; }

 private:
  enum class Kind { kNone, kEvery, kOne };
  UnitScope(Kind kind, std::string unit) : kind_(kind), unit_(std::move(unit)) {}

  Kind kind_;
  std::string unit_;
};

// A unit grant given in a request (SignerKey.unit): INVALID_ARGUMENT naming
// `field` when empty, or when neither "*" nor a unit name in the region.
absl::Status ValidateUnitGrant(absl::string_view field, absl::string_view value,
                               absl::string_view region_code);

}  // namespace kaoping::privacy
