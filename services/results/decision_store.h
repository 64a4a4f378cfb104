#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/db/database.h"

namespace kaoping::results {

// Filters of ListDecisions as the store applies them (empty: any).
struct DecisionFilter {
  std::string cadre_id;
  std::string kind;
  std::string start_day;  // decision_date within [start_day, end_day]
  std::string end_day;
};

// Decisions, immutable, keyed by (region_code, decision_id). Runs in the
// caller's transaction.
class DecisionStore {
 public:
  absl::StatusOr<std::optional<v1::Decision>> Find(db::Transaction& tx,
                                                   const std::string& region_code,
                                                   const std::string& decision_id) const;
  absl::Status Insert(db::Transaction& tx, const std::string& region_code,
                      const std::string& decision_id, const std::string& cadre_id,
                      const std::string& unit_id, const v1::Decision& decision) const;
  // Newest decision_date first, after (decision_date, decision_id), at most `limit`.
  absl::StatusOr<std::vector<v1::Decision>> List(db::Transaction& tx,
                                                 const std::string& region_code,
                                                 const DecisionFilter& filter,
                                                 const std::vector<std::string>& after,
                                                 int limit) const;
};

}  // namespace kaoping::results
