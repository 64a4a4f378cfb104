#include "services/evaluations/notice_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/status_macros.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

v1::PublicNotice ContentOf(const v1::PublicNotice& notice) {
  v1::PublicNotice content = notice;
  content.clear_etag();
  return content;
}

absl::StatusOr<StoredNotice> FromRow(const db::Row& row) {
  ASSIGN_OR_RETURN(v1::PublicNotice notice, Decode<v1::PublicNotice>(row[0], "public notice"));
  StoredNotice stored{std::move(notice), row[1].AsInt()};
  stored.notice.set_etag(
      ComputeEtag(stored.notice.name(), stored.revision, stored.notice.create_time()));
  return stored;
}

int64_t DisplayEnd(const v1::PublicNotice& notice) {
  return Micros(notice.has_display_end_time() ? notice.display_end_time()
                                              : notice.report_end_time());
}

}  // namespace

absl::Status NoticeStore::Insert(db::Transaction& tx, const std::string& region_code,
                                 const v1::PublicNotice& notice) const {
  ASSIGN_OR_RETURN(
      db::Rows taken,
      tx.Query("SELECT notice_id FROM public_notices WHERE region_code = $1"
               " AND (notice_id = $2 OR campaign_id = $3)",
               {region_code, LastSegment(notice.name()), LastSegment(notice.campaign())}));
  if (!taken.empty()) {
    return absl::AlreadyExistsError(
        absl::StrCat(notice.campaign(), " already has a public notice: ", RegionName(region_code),
                     "/publicNotices/", taken[0][0].AsText()));
  }
  return tx
      .Execute(
          "INSERT INTO public_notices (region_code, notice_id, campaign_id, state,"
          " publish_micros, display_end_micros, revision, content)"
          " VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
          {region_code, LastSegment(notice.name()), LastSegment(notice.campaign()),
           v1::PublicNotice::State_Name(notice.state()),
           notice.has_publish_time() ? Micros(notice.publish_time()) : int64_t{0},
           DisplayEnd(notice), Encode(ContentOf(notice))})
      .status();
}

absl::StatusOr<std::optional<StoredNotice>> NoticeStore::Find(db::Transaction& tx,
                                                              const std::string& region_code,
                                                              const std::string& notice_id) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT content, revision FROM public_notices"
                                           " WHERE region_code = $1 AND notice_id = $2",
                                           {region_code, notice_id}));
  if (rows.empty()) {
    return std::optional<StoredNotice>();
  }
  ASSIGN_OR_RETURN(StoredNotice stored, FromRow(rows[0]));
  return std::optional<StoredNotice>(std::move(stored));
}

absl::StatusOr<std::optional<StoredNotice>> NoticeStore::OfCampaign(
    db::Transaction& tx, const CampaignKey& campaign) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT content, revision FROM public_notices"
                                           " WHERE region_code = $1 AND campaign_id = $2",
                                           {campaign.region_code, campaign.campaign_id}));
  if (rows.empty()) {
    return std::optional<StoredNotice>();
  }
  ASSIGN_OR_RETURN(StoredNotice stored, FromRow(rows[0]));
  return std::optional<StoredNotice>(std::move(stored));
}

absl::Status NoticeStore::Replace(db::Transaction& tx, const std::string& region_code,
                                  const StoredNotice& stored,
                                  const v1::PublicNotice& updated) const {
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute(
          "UPDATE public_notices SET state = $3, publish_micros = $4,"
          " display_end_micros = $5, revision = revision + 1, content = $6"
          " WHERE region_code = $1 AND notice_id = $2 AND revision = $7",
          {region_code, LastSegment(updated.name()), v1::PublicNotice::State_Name(updated.state()),
           updated.has_publish_time() ? Micros(updated.publish_time()) : int64_t{0},
           DisplayEnd(updated), Encode(ContentOf(updated)), stored.revision}));
  return ChangedConcurrently(changed, updated.name());
}

absl::Status NoticeStore::Delete(db::Transaction& tx, const std::string& region_code,
                                 const std::string& notice_id) const {
  return tx
      .Execute("DELETE FROM public_notices WHERE region_code = $1 AND notice_id = $2",
               {region_code, notice_id})
      .status();
}

absl::StatusOr<std::vector<StoredNotice>> NoticeStore::List(db::Transaction& tx,
                                                            const ListQuery& q) const {
  db::Params params = {q.exact_region ? q.region_prefix : absl::StrCat(q.region_prefix, "%"),
                       static_cast<int64_t>(q.limit)};
  std::string where = q.exact_region ? "region_code = $1" : "region_code LIKE $1";
  if (!q.state.empty()) {
    params.push_back(q.state);
    absl::StrAppend(&where, " AND state = $", params.size());
  }
  if (q.displayed_at_micros >= 0) {
    params.push_back(q.displayed_at_micros);
    absl::StrAppend(&where, " AND display_end_micros > $", params.size());
  }
  if (q.after.has_value() && q.after->size() == 3) {
    int64_t micros = 0;
    if (!absl::SimpleAtoi((*q.after)[0], &micros)) {
      return absl::InvalidArgumentError("page_token: not a token of this listing");
    }
    const int n = static_cast<int>(params.size());
    params.push_back(micros);
    params.push_back((*q.after)[1]);
    params.push_back((*q.after)[2]);
    absl::StrAppend(&where, " AND (publish_micros < $", n + 1, " OR (publish_micros = $", n + 1,
                    " AND (region_code > $", n + 2, " OR (region_code = $", n + 2,
                    " AND notice_id > $", n + 3, "))))");
  }
  ASSIGN_OR_RETURN(
      db::Rows rows,
      tx.Query(absl::StrCat("SELECT content, revision FROM public_notices WHERE ", where,
                            " ORDER BY publish_micros DESC, region_code, notice_id"
                            " LIMIT $2"),
               params));
  std::vector<StoredNotice> notices;
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(StoredNotice stored, FromRow(row));
    notices.push_back(std::move(stored));
  }
  return notices;
}

}  // namespace kaoping::evaluations
