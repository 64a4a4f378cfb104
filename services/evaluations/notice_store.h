#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/db/database.h"
#include "services/evaluations/names.h"

namespace kaoping::evaluations {

// A public notice as stored, with the revision its etag covers.
struct StoredNotice {
  v1::PublicNotice notice;
  int64_t revision = 0;
};

// Public notices (考察预告), keyed by (region_code, notice_id), one per
// campaign. Every method runs in the caller's transaction.
class NoticeStore {
 public:
  // ALREADY_EXISTS when the id is taken or the campaign has a notice.
  absl::Status Insert(db::Transaction& tx, const std::string& region_code,
                      const v1::PublicNotice& notice) const;
  absl::StatusOr<std::optional<StoredNotice>> Find(db::Transaction& tx,
                                                   const std::string& region_code,
                                                   const std::string& notice_id) const;
  absl::StatusOr<std::optional<StoredNotice>> OfCampaign(db::Transaction& tx,
                                                         const CampaignKey& campaign) const;
  absl::Status Replace(db::Transaction& tx, const std::string& region_code,
                       const StoredNotice& stored, const v1::PublicNotice& updated) const;
  absl::Status Delete(db::Transaction& tx, const std::string& region_code,
                      const std::string& notice_id) const;

  struct ListQuery {
    // The region's own code, or a city's or province's prefix (its counties).
    std::string region_prefix;
    bool exact_region = true;
    std::string state;
    // Only notices still on display at this instant (the public's view).
    int64_t displayed_at_micros = -1;
    std::optional<std::vector<std::string>> after;  // publish micros, region, id
    int limit = 20;
  };
  // Newest publish time first.
  absl::StatusOr<std::vector<StoredNotice>> List(db::Transaction& tx, const ListQuery& q) const;
};

}  // namespace kaoping::evaluations
