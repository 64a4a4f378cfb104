// OpenCampaign: DRAFT → OPEN. The roster and the catalogs are read from the
// other services first, outside any transaction (a slow service holds no
// lock); the write then checks that the campaign did not change meanwhile.
#include <set>

#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/common/api/resource_meta.h"
#include "services/common/status_macros.h"
#include "services/evaluations/campaigns.h"
#include "services/evaluations/notice_rules.h"
#include "services/evaluations/profiles.h"

namespace kaoping::evaluations {
namespace {

absl::StatusOr<absl::CivilDay> CatalogDay(const v1::Campaign& campaign, absl::CivilDay today) {
  if (!IsDateSet(campaign.catalog_date())) {
    return today;
  }
  ASSIGN_OR_RETURN(absl::CivilDay day,
                   DateToCivilDay("campaign.catalog_date", campaign.catalog_date()));
  if (day > today) {
    return absl::FailedPreconditionError(
        absl::StrCat(campaign.name(), ": catalog_date ", FormatDay(day),
                     " lies after the day of opening (", FormatDay(today), "); change it first"));
  }
  return day;
}

}  // namespace

absl::StatusOr<v1::Campaign> Campaigns::OpenCampaign(const Principal& caller, AuditScope& audit,
                                                     const v1::OpenCampaignRequest& request) {
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("name", request.name()));
  ASSIGN_OR_RETURN(Campaigns::Opening opening,
                   db::RunInTransaction(
                       *ctx_.deps.db, db::Access::kReadOnly,
                       [&](db::Transaction& tx) -> absl::StatusOr<Campaigns::Opening> {
                         Campaigns::Opening o;
                         ASSIGN_OR_RETURN(o.stored, LoadForChange(tx, key, "etag", request.etag()));
                         if (o.stored.campaign.state() != v1::Campaign::DRAFT) {
                           return WrongCampaignState(o.stored.campaign,
                                                     "only a DRAFT campaign can be opened");
                         }
                         ASSIGN_OR_RETURN(o.subjects, ctx_.subjects.All(tx, key));
                         ASSIGN_OR_RETURN(o.notice, ctx_.notices.OfCampaign(tx, key));
                         return o;
                       }));
  if (opening.subjects.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(key.Name(), " has no subject: add subjects before opening it"));
  }
  if (opening.notice.has_value() && opening.notice->notice.state() == v1::PublicNotice::DRAFT) {
    RETURN_IF_ERROR(CheckPublishable(opening.notice->notice));
  }
  ASSIGN_OR_RETURN(opening.catalog_day,
                   CatalogDay(opening.stored.campaign, Today(*ctx_.deps.clock)));
  RETURN_IF_ERROR(Freeze(caller, key, opening));
  return db::RunInTransaction(*ctx_.deps.db, db::Access::kReadWrite,
                              [&](db::Transaction& tx) -> absl::StatusOr<v1::Campaign> {
                                return CommitOpen(tx, caller, audit, key, opening);
                              });
}

absl::Status Campaigns::Freeze(const Principal& caller, const CampaignKey& key,
                               Opening& opening) const {
  Profiles profiles(ctx_);
  std::vector<StoredSubject*> subjects;
  for (StoredSubject& s : opening.subjects) {
    subjects.push_back(&s);
  }
  RETURN_IF_ERROR(profiles.Refresh(caller.bearer_token, key.region_code, subjects, ""));
  std::set<std::pair<int, int>> pairs;
  for (const StoredSubject& s : opening.subjects) {
    pairs.insert({s.subject.post_tier(), s.subject.sector()});
  }
  for (const auto& [tier, sector] : pairs) {
    ASSIGN_OR_RETURN(
        v1::CampaignCatalog catalog,
        profiles.FreezeCatalog(caller.bearer_token, key, opening.catalog_day,
                               static_cast<v1::PostTier>(tier), static_cast<v1::Sector>(sector)));
    opening.catalogs.push_back(std::move(catalog));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Campaign> Campaigns::CommitOpen(db::Transaction& tx, const Principal& caller,
                                                   AuditScope& audit, const CampaignKey& key,
                                                   const Opening& opening) const {
  ASSIGN_OR_RETURN(StoredCampaign current, ctx_.campaigns.Get(tx, key));
  if (current.revision != opening.stored.revision) {
    return absl::AbortedError(
        absl::StrCat(key.Name(), " was changed while it was being opened; try again"));
  }
  v1::Campaign opened = current.campaign;
  opened.clear_catalogs();
  for (const v1::CampaignCatalog& catalog : opening.catalogs) {
    const std::string id = LastSegment(catalog.name());
    RETURN_IF_ERROR(ctx_.campaigns.InsertCatalog(tx, key, id, catalog));
    *opened.add_catalogs() = catalog.ref();
  }
  for (const StoredSubject& s : opening.subjects) {
    StoredSubject frozen = s;
    frozen.subject.set_catalog(
        CampaignChildName(key, "catalogs", CatalogId(s.subject.post_tier(), s.subject.sector())));
    *frozen.subject.mutable_update_time() = ToProtoTimestamp(ctx_.Now());
    RETURN_IF_ERROR(ctx_.subjects.Replace(tx, key, s, frozen));
  }
  opened.set_state(v1::Campaign::OPEN);
  *opened.mutable_open_time() = ToProtoTimestamp(ctx_.Now());
  *opened.mutable_update_time() = opened.open_time();
  *opened.mutable_catalog_date() = CivilDayToDate(opening.catalog_day);
  RETURN_IF_ERROR(ctx_.campaigns.Replace(tx, key, current, opened));
  if (opening.notice.has_value() && opening.notice->notice.state() == v1::PublicNotice::DRAFT) {
    v1::PublicNotice published = opening.notice->notice;
    MarkPublished(published, ctx_.Now());
    RETURN_IF_ERROR(ctx_.notices.Replace(tx, key.region_code, *opening.notice, published));
  }
  v1::CampaignOpened event;
  event.set_campaign(opened.name());
  event.set_kind(opened.kind());
  event.set_subject_count(static_cast<int32_t>(opening.subjects.size()));
  *event.mutable_catalogs() = opened.catalogs();
  *event.mutable_window_start_time() = opened.window_start_time();
  *event.mutable_window_end_time() = opened.window_end_time();
  RETURN_IF_ERROR(
      ctx_.deps.outbox->Enqueue(tx, key.region_code, opened.name(), caller.subject, event)
          .status());
  RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("subjects=", opening.subjects.size(),
                                                " catalogs=", opening.catalogs.size())));
  opened.set_etag(ComputeEtag(opened.name(), current.revision + 1, opened.create_time()));
  return opened;
}

}  // namespace kaoping::evaluations
