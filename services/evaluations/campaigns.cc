#include "services/evaluations/campaigns.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/api/date.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/api/text_limits.h"
#include "services/common/api/view.h"
#include "services/common/idempotency.h"
#include "services/common/status_macros.h"
#include "services/evaluations/evaluation_policy.h"
#include "services/evaluations/notice_rules.h"
#include "services/evaluations/paging.h"
#include "services/evaluations/profiles.h"
#include "services/evaluations/scoring_config.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

const std::vector<std::string>& OmittedInBasicView() {
  static const auto* paths = new std::vector<std::string>{"scoring", "catalogs"};
  return *paths;
}

const std::vector<std::string>& UpdatablePaths() {
  static const auto* paths =
      new std::vector<std::string>{"display_name",    "description",  "window_start_time",
                                   "window_end_time", "catalog_date", "scoring"};
  return *paths;
}

// What a path of UpdateCampaign needs of the campaign's state (the RPC's comment).
absl::Status CheckUpdatable(const v1::Campaign& campaign, const std::string& path) {
  const v1::Campaign::State state = campaign.state();
  if (path == "display_name" || path == "description") {
    return state == v1::Campaign::AGGREGATED
               ? WrongCampaignState(campaign, absl::StrCat(path, " may change until AGGREGATED"))
               : absl::OkStatus();
  }
  if (path == "window_end_time") {
    return state == v1::Campaign::DRAFT || state == v1::Campaign::OPEN
               ? absl::OkStatus()
               : WrongCampaignState(campaign, "window_end_time may change while DRAFT or OPEN");
  }
  return state == v1::Campaign::DRAFT
             ? absl::OkStatus()
             : WrongCampaignState(campaign, absl::StrCat(path, " may change only while DRAFT"));
}

// The fields every campaign must hold, whatever wrote them.
absl::Status ValidateCampaign(const v1::Campaign& c) {
  RETURN_IF_ERROR(CheckText("campaign.display_name", c.display_name(), 200, true));
  RETURN_IF_ERROR(CheckText("campaign.description", c.description(), 2000));
  if (c.kind() == v1::CAMPAIGN_KIND_UNSPECIFIED || !v1::CampaignKind_IsValid(c.kind())) {
    return absl::InvalidArgumentError(
        "campaign.kind: required, one of CADRE_ADJUSTMENT, ANNUAL, SPECIAL_INSPECTION, "
        "TEAM_ANALYSIS");
  }
  if (!c.has_window_start_time()) {
    return absl::InvalidArgumentError("campaign.window_start_time: required");
  }
  if (!c.has_window_end_time()) {
    return absl::InvalidArgumentError("campaign.window_end_time: required");
  }
  if (Micros(c.window_end_time()) <= Micros(c.window_start_time())) {
    return absl::InvalidArgumentError(
        "campaign.window_end_time: must be after campaign.window_start_time");
  }
  if (IsDateSet(c.catalog_date())) {
    RETURN_IF_ERROR(DateToCivilDay("campaign.catalog_date", c.catalog_date()).status());
  }
  return ValidateScoring("campaign.scoring", c.scoring());
}

std::string PageKey(const v1::Campaign& c) {
  return JoinKey({absl::StrCat(Micros(c.create_time())), LastSegment(c.name())});
}

absl::StatusOr<std::optional<std::pair<int64_t, std::string>>> AfterKey(const PageRequest& page) {
  if (page.after_key.empty()) {
    return std::optional<std::pair<int64_t, std::string>>();
  }
  const std::vector<std::string> parts = SplitKey(page.after_key);
  int64_t micros = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &micros)) {
    return absl::InvalidArgumentError("page_token: not a token of this listing");
  }
  return std::optional<std::pair<int64_t, std::string>>(std::make_pair(micros, parts[1]));
}

}  // namespace

absl::StatusOr<StoredCampaign> Campaigns::LoadVisible(db::Transaction& tx, const Principal& caller,
                                                      const CampaignKey& key) const {
  ASSIGN_OR_RETURN(StoredCampaign stored, ctx_.campaigns.Get(tx, key));
  ASSIGN_OR_RETURN(bool visible, access_.CanSeeCampaign(tx, caller, key, stored.campaign));
  if (!visible) {
    return absl::NotFoundError(absl::StrCat(key.Name(), " not found"));
  }
  return stored;
}

absl::StatusOr<StoredCampaign> Campaigns::LoadForChange(db::Transaction& tx, const CampaignKey& key,
                                                        absl::string_view etag_field,
                                                        const std::string& etag) const {
  ASSIGN_OR_RETURN(StoredCampaign stored, ctx_.campaigns.Get(tx, key));
  RETURN_IF_ERROR(CheckEtag(etag_field, etag, stored.campaign.etag(), key.Name()));
  return stored;
}

absl::StatusOr<v1::Campaign> Campaigns::NewCampaign(const Principal& caller,
                                                    const v1::CreateCampaignRequest& request,
                                                    const CampaignKey& key) const {
  const v1::Campaign& given = request.campaign();
  v1::Campaign campaign;
  campaign.set_name(key.Name());
  campaign.set_display_name(given.display_name());
  campaign.set_description(given.description());
  campaign.set_kind(given.kind());
  *campaign.mutable_window_start_time() = given.window_start_time();
  *campaign.mutable_window_end_time() = given.window_end_time();
  *campaign.mutable_catalog_date() = given.catalog_date();
  *campaign.mutable_scoring() = given.scoring();
  RETURN_IF_ERROR(ValidateCampaign(campaign));
  FillScoringDefaults(*campaign.mutable_scoring());
  campaign.set_state(v1::Campaign::DRAFT);
  campaign.set_creator(caller.subject);
  *campaign.mutable_create_time() = ToProtoTimestamp(ctx_.Now());
  *campaign.mutable_update_time() = campaign.create_time();
  campaign.set_etag(ComputeEtag(campaign.name(), 1, campaign.create_time()));
  return campaign;
}

absl::StatusOr<v1::Campaign> Campaigns::CreateCampaign(const Principal& caller, AuditScope& audit,
                                                       const v1::CreateCampaignRequest& request) {
  ASSIGN_OR_RETURN(std::string region_code, ParseRegionName("parent", request.parent()));
  RETURN_IF_ERROR(ValidateResourceId("campaign_id", request.campaign_id()));
  const CampaignKey key{region_code, request.campaign_id()};
  ASSIGN_OR_RETURN(v1::Campaign created, NewCampaign(caller, request, key));
  if (request.validate_only()) {
    RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
    audit.NothingWritten();
    return created;
  }
  return IdempotentCreate(*ctx_.deps.db, *ctx_.deps.idempotency, audit, request,
                          request.request_id(), NoSecrets(),
                          [&](db::Transaction& tx) -> absl::StatusOr<v1::Campaign> {
                            RETURN_IF_ERROR(ctx_.campaigns.Insert(tx, key, created));
                            RETURN_IF_ERROR(audit.Record(tx));
                            return created;
                          });
}

absl::StatusOr<v1::Campaign> Campaigns::GetCampaign(const Principal& caller, AuditScope&,
                                                    const v1::GetCampaignRequest& request) {
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("name", request.name()));
  ASSIGN_OR_RETURN(const ViewKind view, GetView("view", request.view()));
  ASSIGN_OR_RETURN(
      StoredCampaign stored,
      db::RunInTransaction(*ctx_.deps.db, db::Access::kReadOnly,
                           [&](db::Transaction& tx) { return LoadVisible(tx, caller, key); }));
  ApplyView(view, OmittedInBasicView(), stored.campaign);
  return std::move(stored.campaign);
}

absl::StatusOr<v1::ListCampaignsResponse> Campaigns::ListCampaigns(
    const Principal& caller, AuditScope&, const v1::ListCampaignsRequest& request) {
  ASSIGN_OR_RETURN(std::string region_code, ParseRegionName("parent", request.parent()));
  if (!v1::Campaign::State_IsValid(request.state())) {
    return absl::InvalidArgumentError("state: unknown state");
  }
  if (!v1::CampaignKind_IsValid(request.kind())) {
    return absl::InvalidArgumentError("kind: unknown campaign kind");
  }
  ASSIGN_OR_RETURN(const ViewKind view, ListView("view", request.view()));
  const std::string fingerprint =
      absl::StrCat(request.parent(), "|", request.state(), "|", request.kind());
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  ASSIGN_OR_RETURN(auto after, AfterKey(page));
  CampaignStore::ListQuery query{region_code, "", "", after, page.limit + 1};
  if (request.state() != v1::Campaign::STATE_UNSPECIFIED) {
    query.state = v1::Campaign::State_Name(request.state());
  }
  if (request.kind() != v1::CAMPAIGN_KIND_UNSPECIFIED) {
    query.kind = v1::CampaignKind_Name(request.kind());
  }
  using Scanned = std::pair<std::vector<v1::Campaign>, std::vector<bool>>;
  ASSIGN_OR_RETURN(
      Scanned scanned,
      db::RunInTransaction(
          *ctx_.deps.db, db::Access::kReadOnly,
          [&](db::Transaction& tx) -> absl::StatusOr<Scanned> {
            ASSIGN_OR_RETURN(std::vector<v1::Campaign> campaigns, ctx_.campaigns.List(tx, query));
            std::vector<bool> shown;
            for (v1::Campaign& c : campaigns) {
              ASSIGN_OR_RETURN(bool visible,
                               access_.CanSeeCampaign(
                                   tx, caller, CampaignKey{region_code, LastSegment(c.name())}, c));
              shown.push_back(visible);
              ApplyView(view, OmittedInBasicView(), c);
            }
            return Scanned{std::move(campaigns), std::move(shown)};
          }));
  Page<v1::Campaign> cut =
      VisiblePage(std::move(scanned.first), scanned.second, page, fingerprint, PageKey);
  v1::ListCampaignsResponse response;
  response.set_next_page_token(cut.next_page_token);
  for (v1::Campaign& c : cut.items) {
    *response.add_campaigns() = std::move(c);
  }
  return response;
}

absl::StatusOr<v1::Campaign> Campaigns::UpdateCampaign(const Principal&, AuditScope& audit,
                                                       const v1::UpdateCampaignRequest& request) {
  const v1::Campaign& patch = request.campaign();
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("campaign.name", patch.name()));
  ASSIGN_OR_RETURN(auto paths, ResolveUpdateMask(request.update_mask(), patch, UpdatablePaths()));
  std::vector<std::string> sorted(paths.begin(), paths.end());
  std::sort(sorted.begin(), sorted.end());
  return db::RunInTransaction(
      *ctx_.deps.db, db::Access::kReadWrite,
      [&](db::Transaction& tx) -> absl::StatusOr<v1::Campaign> {
        ASSIGN_OR_RETURN(StoredCampaign stored,
                         LoadForChange(tx, key, "campaign.etag", patch.etag()));
        for (const std::string& path : sorted) {
          const std::string top = path.substr(0, path.find('.'));
          RETURN_IF_ERROR(CheckUpdatable(stored.campaign, top));
        }
        v1::Campaign updated = stored.campaign;
        ApplyUpdateMask(paths, patch, updated);
        RETURN_IF_ERROR(ValidateCampaign(updated));
        FillScoringDefaults(*updated.mutable_scoring());
        if (request.validate_only()) {
          audit.NothingWritten();
          return updated;
        }
        *updated.mutable_update_time() = ToProtoTimestamp(ctx_.Now());
        RETURN_IF_ERROR(ctx_.campaigns.Replace(tx, key, stored, updated));
        RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("paths=", absl::StrJoin(sorted, ","))));
        updated.set_etag(ComputeEtag(updated.name(), stored.revision + 1, updated.create_time()));
        return updated;
      });
}

absl::Status Campaigns::CheckDeletable(db::Transaction& tx, const CampaignKey& key,
                                       const StoredCampaign& stored, bool force) const {
  if (stored.campaign.state() != v1::Campaign::DRAFT) {
    return WrongCampaignState(stored.campaign,
                              "only a DRAFT campaign can be deleted: forms are never deleted");
  }
  if (force) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::optional<StoredNotice> notice, ctx_.notices.OfCampaign(tx, key));
  const int subjects = stored.campaign.subject_count();
  const int invitations = stored.campaign.invitation_count();
  if (subjects == 0 && invitations == 0 && !notice.has_value()) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      absl::StrCat(key.Name(), " has ", subjects, " subjects and ", invitations, " invitations",
                   notice.has_value() ? " and a public notice" : "", ": delete them or set force"));
}

absl::Status Campaigns::DeleteCampaign(const Principal&, AuditScope& audit,
                                       const v1::DeleteCampaignRequest& request) {
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("name", request.name()));
  return db::RunInTransaction(*ctx_.deps.db, db::Access::kReadWrite, [&](db::Transaction& tx) {
    ASSIGN_OR_RETURN(StoredCampaign stored, LoadForChange(tx, key, "etag", request.etag()));
    RETURN_IF_ERROR(CheckDeletable(tx, key, stored, request.force()));
    ASSIGN_OR_RETURN(std::optional<StoredNotice> notice, ctx_.notices.OfCampaign(tx, key));
    if (notice.has_value()) {
      RETURN_IF_ERROR(ctx_.notices.Delete(tx, key.region_code, LastSegment(notice->notice.name())));
    }
    RETURN_IF_ERROR(ctx_.invitations.DeleteAll(tx, key));
    RETURN_IF_ERROR(ctx_.subjects.DeleteAll(tx, key));
    RETURN_IF_ERROR(ctx_.campaigns.DeleteCatalogs(tx, key));
    RETURN_IF_ERROR(ctx_.campaigns.Delete(tx, key));
    return audit.Record(tx, request.force() ? "force" : "");
  });
}

absl::StatusOr<v1::Campaign> Campaigns::CloseCampaign(const Principal& caller, AuditScope& audit,
                                                      const v1::CloseCampaignRequest& request) {
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("name", request.name()));
  return db::RunInTransaction(
      *ctx_.deps.db, db::Access::kReadWrite,
      [&](db::Transaction& tx) -> absl::StatusOr<v1::Campaign> {
        ASSIGN_OR_RETURN(StoredCampaign stored, LoadForChange(tx, key, "etag", request.etag()));
        if (stored.campaign.state() != v1::Campaign::OPEN) {
          return WrongCampaignState(stored.campaign, "only an OPEN campaign can be closed");
        }
        v1::Campaign closed = stored.campaign;
        closed.set_state(v1::Campaign::CLOSED);
        *closed.mutable_close_time() = ToProtoTimestamp(ctx_.Now());
        *closed.mutable_update_time() = closed.close_time();
        RETURN_IF_ERROR(ctx_.campaigns.Replace(tx, key, stored, closed));
        RETURN_IF_ERROR(CommitClose(tx, caller, key, closed));
        RETURN_IF_ERROR(audit.Record(tx));
        closed.set_etag(ComputeEtag(closed.name(), stored.revision + 1, closed.create_time()));
        return closed;
      });
}

absl::Status Campaigns::CommitClose(db::Transaction& tx, const Principal& caller,
                                    const CampaignKey& key, const v1::Campaign& closed) const {
  ASSIGN_OR_RETURN(std::optional<StoredNotice> notice, ctx_.notices.OfCampaign(tx, key));
  if (notice.has_value() && notice->notice.state() == v1::PublicNotice::PUBLISHED) {
    v1::PublicNotice withdrawn = notice->notice;
    MarkWithdrawn(withdrawn, ctx_.Now(), "the campaign closed");
    RETURN_IF_ERROR(ctx_.notices.Replace(tx, key.region_code, *notice, withdrawn));
  }
  // FORM leads are announced now, all at once (events.proto, "Timing").
  ASSIGN_OR_RETURN(std::vector<StoredLead> leads, ctx_.leads.OfCampaign(tx, key));
  for (const StoredLead& stored : leads) {
    if (stored.lead.source() != v1::FORM) {
      continue;
    }
    v1::LeadCreated event;
    event.set_lead(stored.lead.name());
    event.set_source(v1::FORM);
    event.set_cadre(stored.lead.cadre());
    event.set_campaign(stored.lead.campaign());
    event.set_severity(stored.lead.negative_item().severity());
    RETURN_IF_ERROR(
        ctx_.deps.outbox->Enqueue(tx, key.region_code, stored.lead.name(), "", event).status());
  }
  ASSIGN_OR_RETURN(int64_t assignments, ctx_.invitations.CountAssignments(tx, key));
  v1::CampaignClosed event;
  event.set_campaign(closed.name());
  event.set_assignment_count(static_cast<int32_t>(assignments));
  event.set_form_count(closed.form_count());
  return ctx_.deps.outbox->Enqueue(tx, key.region_code, closed.name(), caller.subject, event)
      .status();
}

absl::StatusOr<v1::ListCampaignCatalogsResponse> Campaigns::ListCampaignCatalogs(
    const Principal& caller, AuditScope&, const v1::ListCampaignCatalogsRequest& request) {
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("parent", request.parent()));
  ASSIGN_OR_RETURN(const ViewKind view, ListView("view", request.view()));
  if (request.page_size() > 100) {
    return absl::InvalidArgumentError("page_size: at most 100");
  }
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), request.parent()));
  ASSIGN_OR_RETURN(
      std::vector<v1::CampaignCatalog> catalogs,
      db::RunInTransaction(
          *ctx_.deps.db, db::Access::kReadOnly,
          [&](db::Transaction& tx) -> absl::StatusOr<std::vector<v1::CampaignCatalog>> {
            RETURN_IF_ERROR(LoadVisible(tx, caller, key).status());
            return ctx_.campaigns.ListCatalogs(tx, key, page.after_key, page.limit + 1);
          }));
  for (v1::CampaignCatalog& catalog : catalogs) {
    ApplyView(view, {"catalog"}, catalog);
  }
  Page<v1::CampaignCatalog> cut =
      CutPage(std::move(catalogs), page, request.parent(),
              [](const v1::CampaignCatalog& c) { return LastSegment(c.name()); });
  v1::ListCampaignCatalogsResponse response;
  response.set_next_page_token(cut.next_page_token);
  for (v1::CampaignCatalog& catalog : cut.items) {
    *response.add_catalogs() = std::move(catalog);
  }
  return response;
}

absl::StatusOr<v1::CampaignCatalog> Campaigns::GetCampaignCatalog(
    const Principal& caller, AuditScope&, const v1::GetCampaignCatalogRequest& request) {
  ASSIGN_OR_RETURN(CampaignChild id, ParseCampaignChild("name", request.name(), kCatalogPattern));
  return db::RunInTransaction(
      *ctx_.deps.db, db::Access::kReadOnly,
      [&](db::Transaction& tx) -> absl::StatusOr<v1::CampaignCatalog> {
        RETURN_IF_ERROR(LoadVisible(tx, caller, id.campaign).status());
        ASSIGN_OR_RETURN(std::optional<v1::CampaignCatalog> catalog,
                         ctx_.campaigns.FindCatalog(tx, id.campaign, id.id));
        if (!catalog.has_value()) {
          return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
        }
        return *std::move(catalog);
      });
}

}  // namespace kaoping::evaluations
