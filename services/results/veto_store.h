#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/db/database.h"

namespace kaoping::results {

// Filters of ListVetoes as the store applies them.
struct VetoFilter {
  std::string cadre_id;  // empty: any
  // IN_FORCE: end_date after `today`; EXPIRED: not; unspecified: any.
  v1::Veto::State state = v1::Veto::STATE_UNSPECIFIED;
  absl::CivilDay today;
};

// Vetoes, one per lead, keyed by (region_code, veto_id = the lead's id).
// Stored without their computed state. Runs in the caller's transaction.
class VetoStore {
 public:
  absl::StatusOr<std::optional<v1::Veto>> Find(db::Transaction& tx, const std::string& region_code,
                                               const std::string& veto_id) const;
  absl::Status Insert(db::Transaction& tx, const std::string& region_code,
                      const std::string& veto_id, const std::string& cadre_id,
                      const std::string& unit_id, const v1::Veto& veto) const;
  // Rewrites a veto's dates (a correction lifted it).
  absl::Status Replace(db::Transaction& tx, const std::string& region_code,
                       const std::string& veto_id, const v1::Veto& veto) const;
  // A cadre's vetoes, oldest start first.
  absl::StatusOr<std::vector<v1::Veto>> ForCadre(db::Transaction& tx,
                                                 const std::string& region_code,
                                                 const std::string& cadre_id) const;
  // Newest start first, after (start_date, veto_id), at most `limit`.
  absl::StatusOr<std::vector<v1::Veto>> List(db::Transaction& tx, const std::string& region_code,
                                             const VetoFilter& filter,
                                             const std::vector<std::string>& after,
                                             int limit) const;
};

}  // namespace kaoping::results
