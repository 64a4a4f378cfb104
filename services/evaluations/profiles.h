#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/evaluations/context.h"
#include "services/evaluations/names.h"
#include "services/evaluations/subject_store.h"

// What evaluations copies from the other services into a campaign: the
// subjects' profiles from the roster (results) and the catalogs of their
// (post tier, sector) from indicators, both frozen so that later changes
// there alter no campaign. Calls are made outside any transaction.
namespace kaoping::evaluations {

// The profile fields a subject may override by hand (CreateSubjectRequest).
inline constexpr const char* kProfileFields[] = {"unit", "post_title", "post_tier", "rank",
                                                 "sector"};

class Profiles {
 public:
  explicit Profiles(const Context& context) : ctx_(context) {}

  // Reads the cadres of these subjects from the roster and copies their
  // profiles in, keeping the fields each subject overrides. NOT_FOUND
  // naming `field` (or, when empty, the subject) when the roster does not
  // know a cadre;
  // FAILED_PRECONDITION when a cadre is not ACTIVE.
  absl::Status Refresh(absl::string_view token, const std::string& region_code,
                       std::vector<StoredSubject*> subjects, absl::string_view field) const;
  // The same, one status per subject (rows of a batch); `fields[i]` names
  // subject i in its error. A failure to reach results fails the whole.
  absl::StatusOr<std::vector<absl::Status>> RefreshEach(
      absl::string_view token, const std::string& region_code, std::vector<StoredSubject*> subjects,
      const std::vector<std::string>& fields) const;

  // The catalog of (tier, sector) on `day`, frozen for the campaign (not yet stored).
  absl::StatusOr<v1::CampaignCatalog> FreezeCatalog(absl::string_view token,
                                                    const CampaignKey& campaign, absl::CivilDay day,
                                                    v1::PostTier tier, v1::Sector sector) const;

 private:
  // Unit display names, read once per unit.
  absl::StatusOr<std::string> UnitName(absl::string_view token, const std::string& unit,
                                       absl::flat_hash_map<std::string, std::string>& seen) const;

  const Context& ctx_;
};

}  // namespace kaoping::evaluations
