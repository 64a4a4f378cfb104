#include "services/evaluations/campaign_store.h"

#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/common/api/resource_meta.h"
#include "services/common/status_macros.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

constexpr absl::string_view kColumns =
    "content, revision, subject_count, invitation_count, form_count";

// The stored content: what the row's columns do not hold.
v1::Campaign ContentOf(const v1::Campaign& campaign) {
  v1::Campaign content = campaign;
  content.clear_etag();
  content.clear_subject_count();
  content.clear_invitation_count();
  content.clear_form_count();
  return content;
}

absl::StatusOr<StoredCampaign> FromRow(const db::Row& row) {
  ASSIGN_OR_RETURN(v1::Campaign campaign, Decode<v1::Campaign>(row[0], "campaign"));
  StoredCampaign stored{std::move(campaign), row[1].AsInt()};
  stored.campaign.set_subject_count(static_cast<int32_t>(row[2].AsInt()));
  stored.campaign.set_invitation_count(static_cast<int32_t>(row[3].AsInt()));
  stored.campaign.set_form_count(static_cast<int32_t>(row[4].AsInt()));
  stored.campaign.set_etag(
      ComputeEtag(stored.campaign.name(), stored.revision, stored.campaign.create_time()));
  return stored;
}

db::Value OpenDay(const v1::Campaign& campaign) {
  if (!campaign.has_open_time()) {
    return db::Value();
  }
  return FormatDay(
      absl::ToCivilDay(absl::FromUnixMicros(Micros(campaign.open_time())), ChinaStandardTime()));
}

}  // namespace

absl::Status CampaignStore::Insert(db::Transaction& tx, const CampaignKey& key,
                                   const v1::Campaign& campaign) const {
  auto st = tx.Execute(
      "INSERT INTO campaigns (region_code, campaign_id, state, kind, revision, create_micros,"
      " open_day, content) VALUES ($1, $2, $3, $4, 1, $5, $6, $7)",
      {key.region_code, key.campaign_id, v1::Campaign::State_Name(campaign.state()),
       v1::CampaignKind_Name(campaign.kind()), Micros(campaign.create_time()), OpenDay(campaign),
       Encode(ContentOf(campaign))});
  if (st.status().code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(absl::StrCat(key.Name(), " already exists"));
  }
  return st.status();
}

absl::StatusOr<StoredCampaign> CampaignStore::Get(db::Transaction& tx,
                                                  const CampaignKey& key) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query(absl::StrCat("SELECT ", kColumns,
                                                        " FROM campaigns WHERE region_code = $1"
                                                        " AND campaign_id = $2"),
                                           {key.region_code, key.campaign_id}));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat(key.Name(), " not found"));
  }
  return FromRow(rows[0]);
}

absl::Status CampaignStore::Replace(db::Transaction& tx, const CampaignKey& key,
                                    const StoredCampaign& stored,
                                    const v1::Campaign& campaign) const {
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute("UPDATE campaigns SET state = $3, revision = revision + 1, open_day = $4,"
                 " content = $5 WHERE region_code = $1 AND campaign_id = $2 AND revision = $6",
                 {key.region_code, key.campaign_id, v1::Campaign::State_Name(campaign.state()),
                  OpenDay(campaign), Encode(ContentOf(campaign)), stored.revision}));
  return ChangedConcurrently(changed, key.Name());
}

absl::Status CampaignStore::Delete(db::Transaction& tx, const CampaignKey& key) const {
  return tx
      .Execute("DELETE FROM campaigns WHERE region_code = $1 AND campaign_id = $2",
               {key.region_code, key.campaign_id})
      .status();
}

absl::StatusOr<std::vector<v1::Campaign>> CampaignStore::List(db::Transaction& tx,
                                                              const ListQuery& q) const {
  db::Params params = {q.region_code, static_cast<int64_t>(q.limit)};
  std::string where = "region_code = $1";
  if (!q.state.empty()) {
    params.push_back(q.state);
    absl::StrAppend(&where, " AND state = $", params.size());
  }
  if (!q.kind.empty()) {
    params.push_back(q.kind);
    absl::StrAppend(&where, " AND kind = $", params.size());
  }
  if (q.after.has_value()) {
    params.push_back(q.after->first);
    params.push_back(q.after->second);
    absl::StrAppend(&where, " AND (create_micros < $", params.size() - 1, " OR (create_micros = $",
                    params.size() - 1, " AND campaign_id < $", params.size(), "))");
  }
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns, " FROM campaigns WHERE ", where,
                                         " ORDER BY create_micros DESC, campaign_id DESC"
                                         " LIMIT $2"),
                            params));
  std::vector<v1::Campaign> campaigns;
  campaigns.reserve(rows.size());
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(StoredCampaign stored, FromRow(row));
    campaigns.push_back(std::move(stored.campaign));
  }
  return campaigns;
}

absl::Status CampaignStore::AddCounts(db::Transaction& tx, const CampaignKey& key, int64_t subjects,
                                      int64_t invitations, int64_t forms) const {
  return tx
      .Execute(
          "UPDATE campaigns SET subject_count = subject_count + $3,"
          " invitation_count = invitation_count + $4, form_count = form_count + $5"
          " WHERE region_code = $1 AND campaign_id = $2",
          {key.region_code, key.campaign_id, subjects, invitations, forms})
      .status();
}

absl::Status CampaignStore::InsertCatalog(db::Transaction& tx, const CampaignKey& key,
                                          const std::string& catalog_id,
                                          const v1::CampaignCatalog& catalog) const {
  v1::CampaignCatalog content = catalog;
  content.clear_subject_count();
  return tx
      .Execute(
          "INSERT INTO campaign_catalogs (region_code, campaign_id, catalog_id, content)"
          " VALUES ($1, $2, $3, $4)",
          {key.region_code, key.campaign_id, catalog_id, Encode(content)})
      .status();
}

absl::StatusOr<std::optional<v1::CampaignCatalog>> CampaignStore::FindCatalog(
    db::Transaction& tx, const CampaignKey& key, const std::string& catalog_id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT c.content, (SELECT COUNT(*) FROM subjects s"
                            " WHERE s.region_code = c.region_code AND s.campaign_id ="
                            " c.campaign_id AND s.catalog_id = c.catalog_id)"
                            " FROM campaign_catalogs c WHERE c.region_code = $1"
                            " AND c.campaign_id = $2 AND c.catalog_id = $3",
                            {key.region_code, key.campaign_id, catalog_id}));
  if (rows.empty()) {
    return std::optional<v1::CampaignCatalog>();
  }
  ASSIGN_OR_RETURN(v1::CampaignCatalog catalog,
                   Decode<v1::CampaignCatalog>(rows[0][0], "campaign catalog"));
  catalog.set_subject_count(static_cast<int32_t>(rows[0][1].AsInt()));
  return std::optional<v1::CampaignCatalog>(std::move(catalog));
}

absl::StatusOr<std::vector<v1::CampaignCatalog>> CampaignStore::ListCatalogs(
    db::Transaction& tx, const CampaignKey& key, const std::string& after_id, int limit) const {
  ASSIGN_OR_RETURN(
      db::Rows rows,
      tx.Query("SELECT c.content, (SELECT COUNT(*) FROM subjects s"
               " WHERE s.region_code = c.region_code AND s.campaign_id ="
               " c.campaign_id AND s.catalog_id = c.catalog_id)"
               " FROM campaign_catalogs c WHERE c.region_code = $1"
               " AND c.campaign_id = $2 AND c.catalog_id > $3"
               " ORDER BY c.catalog_id LIMIT $4",
               {key.region_code, key.campaign_id, after_id, static_cast<int64_t>(limit)}));
  std::vector<v1::CampaignCatalog> catalogs;
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(v1::CampaignCatalog catalog,
                     Decode<v1::CampaignCatalog>(row[0], "campaign catalog"));
    catalog.set_subject_count(static_cast<int32_t>(row[1].AsInt()));
    catalogs.push_back(std::move(catalog));
  }
  return catalogs;
}

absl::Status CampaignStore::DeleteCatalogs(db::Transaction& tx, const CampaignKey& key) const {
  return tx
      .Execute("DELETE FROM campaign_catalogs WHERE region_code = $1 AND campaign_id = $2",
               {key.region_code, key.campaign_id})
      .status();
}

}  // namespace kaoping::evaluations
