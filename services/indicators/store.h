#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "kaoping/v1/indicators.pb.h"
#include "services/common/db/database.h"

namespace kaoping::indicators {

// What the indicators service persists: indicator sets, keyed by
// (region_code, set_id). Every method runs in the caller's transaction.
class IndicatorStore {
 public:
  // ALREADY_EXISTS if the id is taken in the region.
  absl::Status Insert(db::Transaction& tx, const std::string& region_code,
                      const std::string& set_id, const v1::IndicatorSet& set) const;

  // NOT_FOUND naming the set if absent.
  absl::StatusOr<v1::IndicatorSet> Get(db::Transaction& tx, const std::string& region_code,
                                       const std::string& set_id) const;

  // Replaces the stored set if it is still at expected_revision (ABORTED
  // otherwise: someone changed it meanwhile). `set` carries the new revision.
  absl::Status Replace(db::Transaction& tx, const std::string& region_code,
                       const std::string& set_id, int64_t expected_revision,
                       const v1::IndicatorSet& set) const;

  // Deletes a draft still at expected_revision.
  absl::Status DeleteDraft(db::Transaction& tx, const std::string& region_code,
                           const std::string& set_id, int64_t expected_revision) const;

  // Sets of a region in id order after `after_id`, at most `limit`, in the
  // given states (all when empty).
  absl::StatusOr<std::vector<v1::IndicatorSet>> List(db::Transaction& tx,
                                                     const std::string& region_code,
                                                     const std::vector<std::string>& states,
                                                     const std::string& after_id, int limit) const;

  // The set effective in the region on a day: published or retired, with
  // effective_from ≤ day < effective_until; the latest effective_from wins,
  // then the latest publication. Only its key, so that callers can use a
  // cache (published content never changes).
  struct SetKey {
    std::string set_id;
    int64_t revision = 0;
  };
  absl::StatusOr<std::optional<SetKey>> FindEffective(db::Transaction& tx,
                                                      const std::string& region_code,
                                                      absl::CivilDay day) const;
};

}  // namespace kaoping::indicators
