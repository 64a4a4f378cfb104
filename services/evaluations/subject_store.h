#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/db/database.h"
#include "services/evaluations/names.h"

namespace kaoping::evaluations {

// A subject as stored: the message (counts and etag filled in on read),
// the revision its etag covers, and the profile fields given by hand
// (kept when the roster is read again as the campaign opens).
struct StoredSubject {
  v1::Subject subject;
  int64_t revision = 0;
  std::vector<std::string> overrides;
};

// Subjects of campaigns, keyed by (region_code, campaign_id, subject_id).
// Every method runs in the caller's transaction.
class SubjectStore {
 public:
  // ALREADY_EXISTS naming `subject.cadre` when the cadre is already a
  // subject, or the name when the id is taken.
  absl::Status Insert(db::Transaction& tx, const CampaignKey& campaign,
                      const StoredSubject& subject) const;
  // NOT_FOUND naming the subject.
  absl::StatusOr<StoredSubject> Get(db::Transaction& tx, const CampaignKey& campaign,
                                    const std::string& subject_id) const;
  absl::StatusOr<std::optional<StoredSubject>> Find(db::Transaction& tx,
                                                    const CampaignKey& campaign,
                                                    const std::string& subject_id) const;
  // Replaces a subject still at `stored.revision` (ABORTED otherwise).
  absl::Status Replace(db::Transaction& tx, const CampaignKey& campaign,
                       const StoredSubject& stored, const StoredSubject& updated) const;
  absl::Status Delete(db::Transaction& tx, const CampaignKey& campaign,
                      const std::string& subject_id) const;
  absl::Status DeleteAll(db::Transaction& tx, const CampaignKey& campaign) const;

  // Ordered by unit, then display name, then id, after a keyset position.
  struct ListQuery {
    std::string unit;
    std::string post_tier;
    std::string sector;
    // Only these ids (a rater's assignments); empty: all.
    std::vector<std::string> only_ids;
    std::optional<std::vector<std::string>> after;  // unit, display name, id
    int limit = 50;
  };
  absl::StatusOr<std::vector<StoredSubject>> List(db::Transaction& tx, const CampaignKey& campaign,
                                                  const ListQuery& query) const;
  // Every subject of the campaign (opening, aggregation), by id.
  absl::StatusOr<std::vector<StoredSubject>> All(db::Transaction& tx,
                                                 const CampaignKey& campaign) const;

  // The catalog id of one subject ("" while DRAFT), without decoding it.
  absl::StatusOr<std::optional<std::string>> CatalogOf(db::Transaction& tx,
                                                       const CampaignKey& campaign,
                                                       const std::string& subject_id) const;
  // Whether some subject of the campaign is in one of `units` (any unit: "*").
  absl::StatusOr<bool> HasSubjectInUnits(db::Transaction& tx, const CampaignKey& campaign,
                                         const std::string& unit_or_every) const;
  // The subject whose cadre is `cadre_id`, if any.
  absl::StatusOr<std::optional<std::string>> SubjectOfCadre(db::Transaction& tx,
                                                            const CampaignKey& campaign,
                                                            const std::string& cadre_id) const;

  // Counted forms and assignments per subject, filled into the messages.
  absl::Status FillCounts(db::Transaction& tx, const CampaignKey& campaign,
                          std::vector<StoredSubject>& subjects) const;
};

}  // namespace kaoping::evaluations
