#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/db/database.h"
#include "services/results/store_values.h"

namespace kaoping::results {

// The filters of ListCadres, as the store applies them (empty: any).
struct CadreFilter {
  std::string unit_id;
  std::string post_tier;
  std::string sector;
  std::string status;
  std::string rank;
  std::string query;  // substring of display_name
};

// What the results service persists of the roster: units and cadres, keyed
// by (region_code, id). Every method runs in the caller's transaction.
// Stored resources carry no output-only count (Unit.cadre_count is counted
// when read).
class RosterStore {
 public:
  absl::StatusOr<std::optional<Revised<v1::Unit>>> FindUnit(db::Transaction& tx,
                                                            const std::string& region_code,
                                                            const std::string& unit_id) const;
  absl::StatusOr<std::optional<Revised<v1::Cadre>>> FindCadre(db::Transaction& tx,
                                                              const std::string& region_code,
                                                              const std::string& cadre_id) const;

  // Every unit and cadre of a region, by id (what an import compares with).
  absl::StatusOr<absl::flat_hash_map<std::string, Revised<v1::Unit>>> AllUnits(
      db::Transaction& tx, const std::string& region_code) const;
  absl::StatusOr<absl::flat_hash_map<std::string, Revised<v1::Cadre>>> AllCadres(
      db::Transaction& tx, const std::string& region_code) const;

  // Writes a unit or cadre at `revision`: inserted when expected_revision is
  // 0, else replaced if still at expected_revision (ABORTED otherwise:
  // someone changed it meanwhile). A cadre's facts version moves with it.
  absl::Status PutUnit(db::Transaction& tx, const std::string& region_code,
                       const std::string& unit_id, const v1::Unit& unit, int64_t revision,
                       int64_t expected_revision) const;
  absl::Status PutCadre(db::Transaction& tx, const std::string& region_code,
                        const std::string& cadre_id, const v1::Cadre& cadre, int64_t revision,
                        int64_t expected_revision) const;

  // Units by display name after (display_name, unit_id), at most `limit`.
  absl::StatusOr<std::vector<Revised<v1::Unit>>> ListUnits(
      db::Transaction& tx, const std::string& region_code, const std::string& sector,
      const std::string& state, const std::vector<std::string>& after, int limit) const;
  // Cadres by unit, display name and id after that key, at most `limit`.
  absl::StatusOr<std::vector<Revised<v1::Cadre>>> ListCadres(db::Transaction& tx,
                                                             const std::string& region_code,
                                                             const CadreFilter& filter,
                                                             const std::vector<std::string>& after,
                                                             int limit) const;
  // The cadres of these ids that exist, in no particular order.
  absl::StatusOr<std::vector<Revised<v1::Cadre>>> GetCadres(
      db::Transaction& tx, const std::string& region_code,
      const std::vector<std::string>& cadre_ids) const;

  // ACTIVE cadres per unit, for these units.
  absl::StatusOr<absl::flat_hash_map<std::string, int32_t>> ActiveCadreCounts(
      db::Transaction& tx, const std::string& region_code,
      const std::vector<std::string>& unit_ids) const;

  // Marks that something eligibility reads about the cadre changed (an
  // archive entry, a veto): the cached view of it is then stale.
  absl::Status TouchFacts(db::Transaction& tx, const std::string& region_code,
                          const std::string& cadre_id) const;

  // (cadre_id, facts_version) of the cadres of these ids that exist, and
  // the region's policy revision (0 while the defaults apply): the one
  // indexed read a cached eligibility answer rests on.
  struct Versions {
    std::vector<std::pair<std::string, int64_t>> cadres;
    int64_t policy_revision = 0;
  };
  absl::StatusOr<Versions> FactsVersions(db::Transaction& tx, const std::string& region_code,
                                         const std::vector<std::string>& cadre_ids) const;
};

}  // namespace kaoping::results
