#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/db/database.h"
#include "services/results/store_values.h"

namespace kaoping::results {

// Filters of ListHandlings as the store applies them (empty: any).
struct HandlingFilter {
  std::string cadre_id;
  std::string kind;  // the decided kind once DECIDED, else the proposed one
  std::string state;
  // Only DECIDED ones due before this day (overdue_only).
  std::optional<absl::CivilDay> due_before;
  // Only DECIDED or CARRIED_OUT ones (what cadres and discipline inspection see).
  bool decided_only = false;
};

// Handlings keyed by (region_code, handling_id). Runs in the caller's transaction.
class HandlingStore {
 public:
  absl::StatusOr<std::optional<Revised<v1::Handling>>> Find(db::Transaction& tx,
                                                            const std::string& region_code,
                                                            const std::string& handling_id) const;
  // Inserts at revision 1; false when the id exists already (an automatic
  // proposal made before: its id derives from its cause).
  absl::StatusOr<bool> InsertIfAbsent(db::Transaction& tx, const std::string& region_code,
                                      const std::string& handling_id, const std::string& cadre_id,
                                      const std::string& unit_id,
                                      const v1::Handling& handling) const;
  // Replaces one still at expected_revision (ABORTED otherwise).
  absl::Status Replace(db::Transaction& tx, const std::string& region_code,
                       const std::string& handling_id, const v1::Handling& handling,
                       int64_t revision, int64_t expected_revision) const;
  // Newest first, after (create_micros, handling_id), at most `limit`.
  absl::StatusOr<std::vector<v1::Handling>> List(db::Transaction& tx,
                                                 const std::string& region_code,
                                                 const HandlingFilter& filter,
                                                 const std::vector<std::string>& after,
                                                 int limit) const;
};

}  // namespace kaoping::results
