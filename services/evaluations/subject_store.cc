#include "services/evaluations/subject_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/api/resource_meta.h"
#include "services/common/status_macros.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

constexpr absl::string_view kColumns = "content, revision, overrides";

v1::Subject ContentOf(const v1::Subject& subject) {
  v1::Subject content = subject;
  content.clear_etag();
  content.clear_assignment_count();
  content.clear_form_count();
  return content;
}

absl::StatusOr<StoredSubject> FromRow(const db::Row& row) {
  ASSIGN_OR_RETURN(v1::Subject subject, Decode<v1::Subject>(row[0], "subject"));
  StoredSubject stored{std::move(subject), row[1].AsInt(), {}};
  if (!row[2].AsText().empty()) {
    stored.overrides = absl::StrSplit(row[2].AsText(), ',');
  }
  stored.subject.set_etag(
      ComputeEtag(stored.subject.name(), stored.revision, stored.subject.create_time()));
  return stored;
}

db::Value CatalogColumn(const v1::Subject& subject) {
  return subject.catalog().empty() ? db::Value() : db::Value(LastSegment(subject.catalog()));
}

}  // namespace

absl::Status SubjectStore::Insert(db::Transaction& tx, const CampaignKey& campaign,
                                  const StoredSubject& stored) const {
  const v1::Subject& s = stored.subject;
  ASSIGN_OR_RETURN(db::Rows taken,
                   tx.Query("SELECT subject_id FROM subjects WHERE region_code = $1"
                            " AND campaign_id = $2 AND (cadre_id = $3 OR subject_id = $4)",
                            {campaign.region_code, campaign.campaign_id, LastSegment(s.cadre()),
                             LastSegment(s.name())}));
  if (!taken.empty()) {
    return absl::AlreadyExistsError(taken[0][0].AsText() == LastSegment(s.name())
                                        ? absl::StrCat(s.name(), " already exists")
                                        : absl::StrCat("subject.cadre: ", s.cadre(),
                                                       " is already a subject of ",
                                                       campaign.Name()));
  }
  return tx
      .Execute(
          "INSERT INTO subjects (region_code, campaign_id, subject_id, cadre_id, unit,"
          " display_name, post_tier, sector, catalog_id, revision, content, overrides)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11)",
          {campaign.region_code, campaign.campaign_id, LastSegment(s.name()),
           LastSegment(s.cadre()), s.unit(), s.display_name(), v1::PostTier_Name(s.post_tier()),
           v1::Sector_Name(s.sector()), CatalogColumn(s), Encode(ContentOf(s)),
           absl::StrJoin(stored.overrides, ",")})
      .status();
}

absl::StatusOr<std::optional<StoredSubject>> SubjectStore::Find(
    db::Transaction& tx, const CampaignKey& campaign, const std::string& subject_id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns,
                                         " FROM subjects WHERE region_code = $1"
                                         " AND campaign_id = $2 AND subject_id = $3"),
                            {campaign.region_code, campaign.campaign_id, subject_id}));
  if (rows.empty()) {
    return std::optional<StoredSubject>();
  }
  ASSIGN_OR_RETURN(StoredSubject stored, FromRow(rows[0]));
  std::vector<StoredSubject> one;
  one.push_back(std::move(stored));
  RETURN_IF_ERROR(FillCounts(tx, campaign, one));
  return std::optional<StoredSubject>(std::move(one[0]));
}

absl::StatusOr<StoredSubject> SubjectStore::Get(db::Transaction& tx, const CampaignKey& campaign,
                                                const std::string& subject_id) const {
  ASSIGN_OR_RETURN(std::optional<StoredSubject> found, Find(tx, campaign, subject_id));
  if (!found.has_value()) {
    return absl::NotFoundError(absl::StrCat(SubjectName(campaign, subject_id), " not found"));
  }
  return *std::move(found);
}

absl::Status SubjectStore::Replace(db::Transaction& tx, const CampaignKey& campaign,
                                   const StoredSubject& stored,
                                   const StoredSubject& updated) const {
  const v1::Subject& s = updated.subject;
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute("UPDATE subjects SET unit = $4, display_name = $5, post_tier = $6, sector = $7,"
                 " catalog_id = $8, revision = revision + 1, content = $9, overrides = $10"
                 " WHERE region_code = $1 AND campaign_id = $2 AND subject_id = $3"
                 " AND revision = $11",
                 {campaign.region_code, campaign.campaign_id, LastSegment(s.name()), s.unit(),
                  s.display_name(), v1::PostTier_Name(s.post_tier()), v1::Sector_Name(s.sector()),
                  CatalogColumn(s), Encode(ContentOf(s)), absl::StrJoin(updated.overrides, ","),
                  stored.revision}));
  return ChangedConcurrently(changed, s.name());
}

absl::Status SubjectStore::Delete(db::Transaction& tx, const CampaignKey& campaign,
                                  const std::string& subject_id) const {
  RETURN_IF_ERROR(tx.Execute("DELETE FROM assignments WHERE region_code = $1 AND campaign_id = $2"
                             " AND subject_id = $3",
                             {campaign.region_code, campaign.campaign_id, subject_id})
                      .status());
  return tx
      .Execute(
          "DELETE FROM subjects WHERE region_code = $1 AND campaign_id = $2"
          " AND subject_id = $3",
          {campaign.region_code, campaign.campaign_id, subject_id})
      .status();
}

absl::Status SubjectStore::DeleteAll(db::Transaction& tx, const CampaignKey& campaign) const {
  return tx
      .Execute("DELETE FROM subjects WHERE region_code = $1 AND campaign_id = $2",
               {campaign.region_code, campaign.campaign_id})
      .status();
}

absl::StatusOr<std::vector<StoredSubject>> SubjectStore::List(db::Transaction& tx,
                                                              const CampaignKey& campaign,
                                                              const ListQuery& q) const {
  db::Params params = {campaign.region_code, campaign.campaign_id, static_cast<int64_t>(q.limit)};
  std::string where = "region_code = $1 AND campaign_id = $2";
  auto add = [&](absl::string_view column, const std::string& value) {
    params.push_back(value);
    absl::StrAppend(&where, " AND ", column, " = $", params.size());
  };
  if (!q.unit.empty()) add("unit", q.unit);
  if (!q.post_tier.empty()) add("post_tier", q.post_tier);
  if (!q.sector.empty()) add("sector", q.sector);
  if (!q.only_ids.empty()) {
    const int first = static_cast<int>(params.size()) + 1;
    for (const std::string& id : q.only_ids) {
      params.push_back(id);
    }
    absl::StrAppend(&where, " AND subject_id IN (",
                    Placeholders(first, static_cast<int>(q.only_ids.size())), ")");
  }
  if (q.after.has_value() && q.after->size() == 3) {
    const int n = static_cast<int>(params.size());
    params.push_back((*q.after)[0]);
    params.push_back((*q.after)[1]);
    params.push_back((*q.after)[2]);
    absl::StrAppend(&where, " AND (unit > $", n + 1, " OR (unit = $", n + 1,
                    " AND (display_name > $", n + 2, " OR (display_name = $", n + 2,
                    " AND subject_id > $", n + 3, "))))");
  }
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns, " FROM subjects WHERE ", where,
                                         " ORDER BY unit, display_name, subject_id LIMIT $3"),
                            params));
  std::vector<StoredSubject> subjects;
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(StoredSubject stored, FromRow(row));
    subjects.push_back(std::move(stored));
  }
  RETURN_IF_ERROR(FillCounts(tx, campaign, subjects));
  return subjects;
}

absl::StatusOr<std::vector<StoredSubject>> SubjectStore::All(db::Transaction& tx,
                                                             const CampaignKey& campaign) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns,
                                         " FROM subjects WHERE region_code = $1"
                                         " AND campaign_id = $2 ORDER BY subject_id"),
                            {campaign.region_code, campaign.campaign_id}));
  std::vector<StoredSubject> subjects;
  subjects.reserve(rows.size());
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(StoredSubject stored, FromRow(row));
    subjects.push_back(std::move(stored));
  }
  return subjects;
}

absl::StatusOr<std::optional<std::string>> SubjectStore::CatalogOf(
    db::Transaction& tx, const CampaignKey& campaign, const std::string& subject_id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT catalog_id FROM subjects WHERE region_code = $1"
                            " AND campaign_id = $2 AND subject_id = $3",
                            {campaign.region_code, campaign.campaign_id, subject_id}));
  if (rows.empty()) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(rows[0][0].AsText());
}

absl::StatusOr<bool> SubjectStore::HasSubjectInUnits(db::Transaction& tx,
                                                     const CampaignKey& campaign,
                                                     const std::string& unit_or_every) const {
  db::Params params = {campaign.region_code, campaign.campaign_id};
  std::string sql = "SELECT 1 FROM subjects WHERE region_code = $1 AND campaign_id = $2";
  if (unit_or_every != "*") {
    params.push_back(unit_or_every);
    sql += " AND unit = $3";
  }
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query(absl::StrCat(sql, " LIMIT 1"), params));
  return !rows.empty();
}

absl::StatusOr<std::optional<std::string>> SubjectStore::SubjectOfCadre(
    db::Transaction& tx, const CampaignKey& campaign, const std::string& cadre_id) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT subject_id FROM subjects WHERE region_code = $1"
                                           " AND campaign_id = $2 AND cadre_id = $3",
                                           {campaign.region_code, campaign.campaign_id, cadre_id}));
  if (rows.empty()) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(rows[0][0].AsText());
}

absl::Status SubjectStore::FillCounts(db::Transaction& tx, const CampaignKey& campaign,
                                      std::vector<StoredSubject>& subjects) const {
  if (subjects.empty()) {
    return absl::OkStatus();
  }
  absl::flat_hash_map<std::string, StoredSubject*> by_id;
  db::Params params = {campaign.region_code, campaign.campaign_id};
  for (StoredSubject& s : subjects) {
    by_id[LastSegment(s.subject.name())] = &s;
    params.push_back(LastSegment(s.subject.name()));
  }
  const std::string in = Placeholders(3, static_cast<int>(subjects.size()));
  ASSIGN_OR_RETURN(db::Rows assignments,
                   tx.Query(absl::StrCat("SELECT a.subject_id, COUNT(*) FROM assignments a"
                                         " JOIN invitations i ON i.region_code = a.region_code"
                                         " AND i.campaign_id = a.campaign_id AND i.invitation_id ="
                                         " a.invitation_id AND i.state = 'ACTIVE'"
                                         " WHERE a.region_code = $1 AND a.campaign_id = $2"
                                         " AND a.subject_id IN (",
                                         in, ") GROUP BY a.subject_id"),
                            params));
  for (const db::Row& row : assignments) {
    by_id[row[0].AsText()]->subject.set_assignment_count(static_cast<int32_t>(row[1].AsInt()));
  }
  ASSIGN_OR_RETURN(db::Rows forms,
                   tx.Query(absl::StrCat("SELECT subject_id, COUNT(*) FROM forms"
                                         " WHERE region_code = $1 AND campaign_id = $2"
                                         " AND state = 'SUBMITTED' AND subject_id IN (",
                                         in, ") GROUP BY subject_id"),
                            params));
  for (const db::Row& row : forms) {
    by_id[row[0].AsText()]->subject.set_form_count(static_cast<int32_t>(row[1].AsInt()));
  }
  return absl::OkStatus();
}

}  // namespace kaoping::evaluations
