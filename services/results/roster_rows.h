#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/api/resource_meta.h"
#include "services/results/results_names.h"

// One row of the roster as a writer gives it (an import's row, a corrected
// resource): the fields it may set, checked on their own. References to
// other rows (a cadre's unit, a unit's parent) are checked by the caller,
// which knows what exists.
namespace kaoping::results {

// The fields a writer sets; everything else of a Unit or Cadre is output only.
const std::vector<std::string>& UnitInputPaths();
const std::vector<std::string>& CadreInputPaths();

// Form and limits of a row (`field` names it: "units[3]", "unit"),
// including its name in `region_code` and no resident ID number in its id
// or external_id. Returns the row's key.
absl::StatusOr<UnitKey> CheckUnitRow(const std::string& field, const v1::Unit& unit,
                                     const std::string& region_code);
absl::StatusOr<CadreKey> CheckCadreRow(const std::string& field, const v1::Cadre& cadre,
                                       const std::string& region_code);

// The input fields of `row` copied onto `target` (output-only ones kept),
// with the defaults a new row gets: ACTIVE, and a cadre's sector from its
// unit's when unset.
void CopyUnitInput(const v1::Unit& row, v1::Unit& target);
void CopyCadreInput(const v1::Cadre& row, v1::Sector unit_sector, v1::Cadre& target);
// Those defaults alone.
void CadreDefaults(v1::Sector unit_sector, v1::Cadre& cadre);

// INVALID_ARGUMENT naming `field` when making `parent_id` the parent of
// `unit_id` closes a loop; `parent_of` gives a unit's parent id ("" for
// none) as it will stand.
absl::Status CheckNoLoop(const std::string& field, const std::string& unit_id,
                         const std::string& parent_id,
                         const std::function<std::string(const std::string&)>& parent_of);

// Whether the input fields of two rows are the same.
bool SameUnitInput(const v1::Unit& a, const v1::Unit& b);
bool SameCadreInput(const v1::Cadre& a, const v1::Cadre& b);

// Marks a unit or cadre as written at `revision` (1: created) now by `who`:
// times, updater, etag.
template <typename Resource>
void Stamp(Resource& resource, int64_t revision, absl::Time now, const std::string& who) {
  *resource.mutable_update_time() = ToProtoTimestamp(now);
  if (revision == 1) {
    *resource.mutable_create_time() = resource.update_time();
  }
  resource.set_updater(who);
  resource.set_etag(ComputeEtag(resource.name(), revision, resource.create_time()));
}

}  // namespace kaoping::results
