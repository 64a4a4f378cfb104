#include "services/evaluations/evidence_store.h"

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {

absl::Status EvidenceStore::Insert(db::Transaction& tx, const CampaignKey& campaign,
                                   const std::string& subject_id, const std::string& id,
                                   int64_t create_micros,
                                   const google::protobuf::Message& record) const {
  return tx
      .Execute(absl::StrCat("INSERT INTO ", table_, " (region_code, campaign_id, subject_id, ",
                            id_column_,
                            ", create_micros, revision, content) VALUES ($1, $2, $3, $4, $5, 1,"
                            " $6)"),
               {campaign.region_code, campaign.campaign_id, subject_id, id, create_micros,
                Encode(record)})
      .status();
}

absl::StatusOr<std::optional<StoredRecord>> EvidenceStore::Find(db::Transaction& tx,
                                                                const CampaignKey& campaign,
                                                                const std::string& subject_id,
                                                                const std::string& id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT content, revision FROM ", table_,
                                         " WHERE region_code = $1 AND campaign_id = $2"
                                         " AND subject_id = $3 AND ",
                                         id_column_, " = $4"),
                            {campaign.region_code, campaign.campaign_id, subject_id, id}));
  if (rows.empty()) {
    return std::optional<StoredRecord>();
  }
  return std::optional<StoredRecord>(StoredRecord{rows[0][0].AsBlob(), rows[0][1].AsInt()});
}

absl::Status EvidenceStore::Replace(db::Transaction& tx, const CampaignKey& campaign,
                                    const std::string& subject_id, const std::string& id,
                                    int64_t expected_revision,
                                    const google::protobuf::Message& record,
                                    absl::string_view name) const {
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute(absl::StrCat("UPDATE ", table_,
                                           " SET revision = revision + 1, content = $5"
                                           " WHERE region_code = $1 AND campaign_id = $2"
                                           " AND subject_id = $3 AND ",
                                           id_column_, " = $4 AND revision = $6"),
                              {campaign.region_code, campaign.campaign_id, subject_id, id,
                               Encode(record), expected_revision}));
  return ChangedConcurrently(changed, name);
}

absl::StatusOr<std::vector<StoredRecord>> EvidenceStore::List(
    db::Transaction& tx, const CampaignKey& campaign, const std::string& subject_id,
    const std::optional<std::pair<int64_t, std::string>>& after, int limit) const {
  db::Params params = {campaign.region_code, campaign.campaign_id, static_cast<int64_t>(limit)};
  std::string where = "region_code = $1 AND campaign_id = $2";
  if (!subject_id.empty()) {
    params.push_back(subject_id);
    absl::StrAppend(&where, " AND subject_id = $", params.size());
  }
  if (after.has_value()) {
    params.push_back(after->first);
    params.push_back(after->second);
    absl::StrAppend(&where, " AND (create_micros > $", params.size() - 1, " OR (create_micros = $",
                    params.size() - 1, " AND ", id_column_, " > $", params.size(), "))");
  }
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT content, revision FROM ", table_, " WHERE ", where,
                                         " ORDER BY create_micros, ", id_column_, " LIMIT $3"),
                            params));
  std::vector<StoredRecord> records;
  for (const db::Row& row : rows) {
    records.push_back({row[0].AsBlob(), row[1].AsInt()});
  }
  return records;
}

absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> EvidenceStore::CountBySubject(
    db::Transaction& tx, const CampaignKey& campaign) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT subject_id, COUNT(*) FROM ", table_,
                                         " WHERE region_code = $1 AND campaign_id = $2"
                                         " GROUP BY subject_id"),
                            {campaign.region_code, campaign.campaign_id}));
  std::vector<std::pair<std::string, int64_t>> counts;
  for (const db::Row& row : rows) {
    counts.emplace_back(row[0].AsText(), row[1].AsInt());
  }
  return counts;
}

}  // namespace kaoping::evaluations
