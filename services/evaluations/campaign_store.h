#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/db/database.h"
#include "services/evaluations/names.h"

namespace kaoping::evaluations {

// A campaign as stored: the message (counts and etag filled in on read) and
// the revision its etag covers.
struct StoredCampaign {
  v1::Campaign campaign;
  int64_t revision = 0;
};

// Campaigns and their frozen catalogs, keyed by (region_code, campaign_id).
// Every method runs in the caller's transaction.
class CampaignStore {
 public:
  // ALREADY_EXISTS naming the campaign when the id is taken.
  absl::Status Insert(db::Transaction& tx, const CampaignKey& key,
                      const v1::Campaign& campaign) const;
  // NOT_FOUND naming the campaign.
  absl::StatusOr<StoredCampaign> Get(db::Transaction& tx, const CampaignKey& key) const;
  // Replaces a campaign still at `stored.revision` (ABORTED otherwise) with
  // `campaign`, at revision + 1.
  absl::Status Replace(db::Transaction& tx, const CampaignKey& key, const StoredCampaign& stored,
                       const v1::Campaign& campaign) const;
  absl::Status Delete(db::Transaction& tx, const CampaignKey& key) const;

  // Newest first, after the keyset position (create_micros, campaign_id)
  // when given; filters unset are "any".
  struct ListQuery {
    std::string region_code;
    std::string state;
    std::string kind;
    std::optional<std::pair<int64_t, std::string>> after;
    int limit = 50;
  };
  absl::StatusOr<std::vector<v1::Campaign>> List(db::Transaction& tx, const ListQuery& q) const;

  // Kept current by the writes that change them (forms: counted ones).
  absl::Status AddCounts(db::Transaction& tx, const CampaignKey& key, int64_t subjects,
                         int64_t invitations, int64_t forms) const;

  // Frozen catalogs.
  absl::Status InsertCatalog(db::Transaction& tx, const CampaignKey& key,
                             const std::string& catalog_id,
                             const v1::CampaignCatalog& catalog) const;
  absl::StatusOr<std::optional<v1::CampaignCatalog>> FindCatalog(
      db::Transaction& tx, const CampaignKey& key, const std::string& catalog_id) const;
  // In id order after `after_id`, with their subject counts.
  absl::StatusOr<std::vector<v1::CampaignCatalog>> ListCatalogs(db::Transaction& tx,
                                                                const CampaignKey& key,
                                                                const std::string& after_id,
                                                                int limit) const;
  absl::Status DeleteCatalogs(db::Transaction& tx, const CampaignKey& key) const;
};

}  // namespace kaoping::evaluations
