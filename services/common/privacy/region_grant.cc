#include "services/common/privacy/region_grant.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/region.h"

namespace kaoping::privacy {

RegionGrant GrantFor(const Principal& principal, absl::string_view region_code) {
  const std::string own = RegionPrefix(region_code);
  RegionGrant grant = RegionGrant::kNone;
  for (const std::string& prefix : principal.region_prefixes) {
    if (prefix == own) {
      return RegionGrant::kOwn;
    }
    if (absl::StartsWith(own, prefix)) {
      grant = RegionGrant::kEnclosing;
    }
  }
  return grant;
}

bool MayRead(RegionGrant grant, RecordKind kind) {
  switch (grant) {
    case RegionGrant::kNone:
      return false;
    case RegionGrant::kOwn:
      return true;
    case RegionGrant::kEnclosing:
      return kind != RecordKind::kIndividualRecord;
  }
  return false;
}

absl::Status RequireReadable(const Principal& principal, absl::string_view region_code,
                             RecordKind kind, absl::string_view what) {
  if (MayRead(GrantFor(principal, region_code), kind)) {
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat(what, " not found"));
}

}  // namespace kaoping::privacy
