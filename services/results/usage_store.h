#pragma once

#include <map>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/db/database.h"

namespace kaoping::results {

// What a usage-statistics row is about, as the store groups rows.
enum class UsageScope {
  kTotal,   // everything matched: one group, key ""
  kUnit,    // a county's units: key unit_id
  kRegion,  // a city's counties: key region_code
  kCity,    // a province's cities: key the city's 4-digit prefix
};

// What the counts cover.
struct UsageQuery {
  std::string region_prefix;  // regions whose code starts with it
  absl::CivilDay start;       // [start, end], China Standard Time
  absl::CivilDay end;
  absl::CivilDay today;
};

// The raw counts of one group, before any suppression.
struct UsageCounts {
  // Distinct cadres any figure below is about: the group's size.
  int64_t cadres = 0;
  // Current (not superseded) concluded grades within the period.
  std::map<v1::Grade, int64_t> grades;
  struct Decisions {
    int64_t count = 0;
    int64_t based_on_result = 0;
  };
  std::map<v1::DecisionKind, Decisions> decisions;
  int64_t deviations = 0;
  int64_t vetoes_imposed = 0;
  // In force on the period's end, or today if that is earlier.
  int64_t vetoes_in_force = 0;
  // Handlings proposed within the period, by (kind, state).
  std::map<std::pair<v1::HandlingKind, v1::HandlingState>, int64_t> handlings;
  // DECIDED handlings past due today, whenever proposed.
  int64_t overdue = 0;
};

// The aggregate queries of GetUsageStatistics: counts grouped by scope,
// over the regions of a prefix, in the caller's transaction.
class UsageStore {
 public:
  absl::StatusOr<absl::flat_hash_map<std::string, UsageCounts>> Count(
      db::Transaction& tx, UsageScope scope, const UsageQuery& query) const;

  // A text that changes whenever an event of these regions was written:
  // their outbox sequence numbers.
  absl::StatusOr<std::string> EventMarks(db::Transaction& tx,
                                         const std::string& region_prefix) const;
};

}  // namespace kaoping::results
