#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/db/database.h"

namespace kaoping::results {

// The use-of-results policy of each region, one row per region once it has
// been updated (the defaults need no row). Runs in the caller's transaction.
class PolicyStore {
 public:
  absl::StatusOr<std::optional<v1::Policy>> Find(db::Transaction& tx,
                                                 const std::string& region_code) const;
  // Writes `policy` (at policy.revision()) if the stored one is still at
  // expected_revision (0: none stored); ABORTED otherwise.
  absl::Status Put(db::Transaction& tx, const std::string& region_code, const v1::Policy& policy,
                   int64_t expected_revision) const;
};

}  // namespace kaoping::results
