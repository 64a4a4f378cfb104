#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "services/common/db/database.h"
#include "services/evaluations/names.h"

namespace kaoping::evaluations {

// A record about a subject (an interview or a document review) as stored:
// its serialized message and the revision its etag covers.
struct StoredRecord {
  std::string content;
  int64_t revision = 0;
};

// Interviews (谈心谈话) and document reviews (查阅资料): the same shape of
// table, keyed by (region_code, campaign_id, subject_id, id). Every method
// runs in the caller's transaction.
class EvidenceStore {
 public:
  // `table` and `id_column` are constants of this service, never input.
  EvidenceStore(absl::string_view table, absl::string_view id_column)
      : table_(table), id_column_(id_column) {}

  absl::Status Insert(db::Transaction& tx, const CampaignKey& campaign,
                      const std::string& subject_id, const std::string& id, int64_t create_micros,
                      const google::protobuf::Message& record) const;
  absl::StatusOr<std::optional<StoredRecord>> Find(db::Transaction& tx, const CampaignKey& campaign,
                                                   const std::string& subject_id,
                                                   const std::string& id) const;
  absl::Status Replace(db::Transaction& tx, const CampaignKey& campaign,
                       const std::string& subject_id, const std::string& id,
                       int64_t expected_revision, const google::protobuf::Message& record,
                       absl::string_view name) const;
  // Oldest first, of one subject ("" for the whole campaign).
  absl::StatusOr<std::vector<StoredRecord>> List(
      db::Transaction& tx, const CampaignKey& campaign, const std::string& subject_id,
      const std::optional<std::pair<int64_t, std::string>>& after, int limit) const;
  // Records per subject of a campaign.
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> CountBySubject(
      db::Transaction& tx, const CampaignKey& campaign) const;

 private:
  std::string table_;
  std::string id_column_;
};

}  // namespace kaoping::evaluations
