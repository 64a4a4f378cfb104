#include "services/evaluations/subjects.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/api/body_names.h"
#include "services/common/api/date.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/api/text_limits.h"
#include "services/common/idempotency.h"
#include "services/common/status_macros.h"
#include "services/evaluations/evaluation_policy.h"
#include "services/evaluations/frozen_catalog.h"
#include "services/evaluations/paging.h"
#include "services/evaluations/profiles.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

constexpr int kMaxBatch = 1000;

const std::vector<std::string>& UpdatablePaths() {
  static const auto* paths =
      new std::vector<std::string>{"unit", "post_title", "post_tier", "rank", "sector"};
  return *paths;
}

// The profile fields a request gives by hand.
std::vector<std::string> GivenOverrides(const v1::Subject& given) {
  std::vector<std::string> overrides;
  if (!given.unit().empty()) overrides.push_back("unit");
  if (!given.post_title().empty()) overrides.push_back("post_title");
  if (given.post_tier() != v1::POST_TIER_UNSPECIFIED) overrides.push_back("post_tier");
  if (given.rank() != v1::CADRE_RANK_UNSPECIFIED) overrides.push_back("rank");
  if (given.sector() != v1::SECTOR_UNSPECIFIED) overrides.push_back("sector");
  return overrides;
}

absl::Status ValidateProfile(absl::string_view field, const v1::Subject& s,
                             const PathScope& scope) {
  RETURN_IF_ERROR(
      CheckOptionalBodyName(absl::StrCat(field, ".unit"), s.unit(), kUnitPattern, scope));
  RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".post_title"), s.post_title(), 100));
  if (!v1::PostTier_IsValid(s.post_tier())) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".post_tier: unknown post tier"));
  }
  if (!v1::Sector_IsValid(s.sector())) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".sector: unknown sector"));
  }
  if (!v1::CadreRank_IsValid(s.rank())) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".rank: unknown rank"));
  }
  return absl::OkStatus();
}

// A new subject as given (profile still to be read from the roster).
absl::StatusOr<StoredSubject> NewSubject(absl::string_view field, const v1::Subject& given,
                                         absl::string_view id_field, const std::string& id,
                                         const CampaignKey& key, absl::Time now) {
  const PathScope scope{key.region_code, key.campaign_id, ""};
  ASSIGN_OR_RETURN(NameParts cadre, CheckBodyName(absl::StrCat(field, ".cadre"), given.cadre(),
                                                  kCadrePattern, scope));
  RETURN_IF_ERROR(ValidateProfile(field, given, scope));
  const std::string subject_id = id.empty() ? cadre["cadre"] : id;
  if (!id.empty()) {
    RETURN_IF_ERROR(ValidateResourceId(id_field, id));
  }
  StoredSubject s;
  s.subject = given;
  s.subject.set_name(SubjectName(key, subject_id));
  s.subject.clear_display_name();
  s.subject.clear_unit_display_name();
  s.subject.clear_catalog();
  s.subject.clear_assignment_count();
  s.subject.clear_form_count();
  s.subject.clear_etag();
  *s.subject.mutable_create_time() = ToProtoTimestamp(now);
  *s.subject.mutable_update_time() = s.subject.create_time();
  s.overrides = GivenOverrides(given);
  s.revision = 1;
  return s;
}

absl::Status RequireDraftOrOpen(const v1::Campaign& campaign) {
  if (campaign.state() == v1::Campaign::DRAFT || campaign.state() == v1::Campaign::OPEN) {
    return absl::OkStatus();
  }
  return WrongCampaignState(campaign, "subjects are added only while DRAFT or OPEN");
}

std::string PageKey(const v1::Subject& s) {
  return JoinKey({s.unit(), s.display_name(), LastSegment(s.name())});
}

}  // namespace

absl::StatusOr<Subjects::Prepared> Subjects::Prepare(const Principal& caller,
                                                     const CampaignKey& key,
                                                     const std::vector<const v1::Subject*>& given,
                                                     const std::vector<std::string>& ids,
                                                     const std::vector<std::string>& fields) const {
  Prepared prepared;
  ASSIGN_OR_RETURN(prepared.campaign, db::RunInTransaction(*ctx_.deps.db, db::Access::kReadOnly,
                                                           [&](db::Transaction& tx) {
                                                             return ctx_.campaigns.Get(tx, key);
                                                           }));
  RETURN_IF_ERROR(RequireDraftOrOpen(prepared.campaign.campaign));
  std::vector<StoredSubject*> to_read;
  std::vector<std::string> cadre_fields;
  prepared.rows.resize(given.size());
  prepared.statuses.resize(given.size());
  for (size_t i = 0; i < given.size(); ++i) {
    absl::StatusOr<StoredSubject> row =
        NewSubject(fields[i], *given[i], given.size() == 1 ? "subject_id" : fields[i], ids[i], key,
                   ctx_.Now());
    if (!row.ok()) {
      prepared.statuses[i] = row.status();
      continue;
    }
    prepared.rows[i] = *std::move(row);
  }
  std::vector<size_t> read_rows;
  for (size_t i = 0; i < given.size(); ++i) {
    if (prepared.rows[i].has_value()) {
      to_read.push_back(&*prepared.rows[i]);
      cadre_fields.push_back(absl::StrCat(fields[i], ".cadre"));
      read_rows.push_back(i);
    }
  }
  ASSIGN_OR_RETURN(
      std::vector<absl::Status> read,
      Profiles(ctx_).RefreshEach(caller.bearer_token, key.region_code, to_read, cadre_fields));
  for (size_t j = 0; j < read.size(); ++j) {
    if (!read[j].ok()) {
      prepared.statuses[read_rows[j]] = read[j];
      prepared.rows[read_rows[j]].reset();
    }
  }
  RETURN_IF_ERROR(FreezeNewCatalogs(caller, key, prepared));
  return prepared;
}

absl::Status Subjects::FreezeNewCatalogs(const Principal& caller, const CampaignKey& key,
                                         Prepared& prepared) const {
  const v1::Campaign& campaign = prepared.campaign.campaign;
  if (campaign.state() != v1::Campaign::OPEN) {
    return absl::OkStatus();
  }
  absl::flat_hash_set<std::string> frozen;
  for (const v1::CatalogRef& ref : campaign.catalogs()) {
    frozen.insert(LastSegment(ref.campaign_catalog()));
  }
  ASSIGN_OR_RETURN(absl::CivilDay day,
                   DateToCivilDay("campaign.catalog_date", campaign.catalog_date()));
  for (size_t i = 0; i < prepared.rows.size(); ++i) {
    if (!prepared.rows[i].has_value()) {
      continue;
    }
    v1::Subject& s = prepared.rows[i]->subject;
    const std::string id = CatalogId(s.post_tier(), s.sector());
    s.set_catalog(CampaignChildName(key, "catalogs", id));
    if (frozen.contains(id) || prepared.new_catalogs.contains(id)) {
      continue;
    }
    absl::StatusOr<v1::CampaignCatalog> catalog =
        Profiles(ctx_).FreezeCatalog(caller.bearer_token, key, day, s.post_tier(), s.sector());
    if (catalog.status().code() == absl::StatusCode::kUnavailable) {
      return catalog.status();
    }
    if (!catalog.ok()) {
      prepared.statuses[i] = catalog.status();
      prepared.rows[i].reset();
      continue;
    }
    prepared.new_catalogs[id] = *std::move(catalog);
  }
  return absl::OkStatus();
}

absl::Status Subjects::Write(db::Transaction& tx, const CampaignKey& key,
                             Prepared& prepared) const {
  ASSIGN_OR_RETURN(StoredCampaign current, ctx_.campaigns.Get(tx, key));
  if (current.campaign.state() != prepared.campaign.campaign.state()) {
    return absl::AbortedError(absl::StrCat(key.Name(), " changed state meanwhile; try again"));
  }
  for (auto& [id, catalog] : prepared.new_catalogs) {
    ASSIGN_OR_RETURN(std::optional<v1::CampaignCatalog> existing,
                     ctx_.campaigns.FindCatalog(tx, key, id));
    if (!existing.has_value()) {
      RETURN_IF_ERROR(ctx_.campaigns.InsertCatalog(tx, key, id, catalog));
      *current.campaign.add_catalogs() = catalog.ref();
    }
  }
  if (!prepared.new_catalogs.empty()) {
    RETURN_IF_ERROR(ctx_.campaigns.Replace(tx, key, current, current.campaign));
  }
  int64_t written = 0;
  for (size_t i = 0; i < prepared.rows.size(); ++i) {
    if (!prepared.rows[i].has_value()) {
      continue;
    }
    absl::Status inserted = ctx_.subjects.Insert(tx, key, *prepared.rows[i]);
    if (!inserted.ok() && inserted.code() != absl::StatusCode::kAlreadyExists) {
      return inserted;
    }
    prepared.statuses[i] = inserted;
    if (inserted.ok()) {
      ++written;
      prepared.rows[i]->subject.set_etag(ComputeEtag(prepared.rows[i]->subject.name(), 1,
                                                     prepared.rows[i]->subject.create_time()));
    } else {
      prepared.rows[i].reset();
    }
  }
  return ctx_.campaigns.AddCounts(tx, key, written, 0, 0);
}

absl::StatusOr<v1::Subject> Subjects::CreateSubject(const Principal& caller, AuditScope& audit,
                                                    const v1::CreateSubjectRequest& request) {
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("parent", request.parent()));
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  ASSIGN_OR_RETURN(Prepared prepared,
                   Prepare(caller, key, {&request.subject()}, {request.subject_id()}, {"subject"}));
  RETURN_IF_ERROR(prepared.statuses[0]);
  if (request.validate_only()) {
    audit.NothingWritten();
    return prepared.rows[0]->subject;
  }
  return IdempotentCreate(*ctx_.deps.db, *ctx_.deps.idempotency, audit, request,
                          request.request_id(), NoSecrets(),
                          [&](db::Transaction& tx) -> absl::StatusOr<v1::Subject> {
                            Prepared attempt = prepared;
                            RETURN_IF_ERROR(Write(tx, key, attempt));
                            RETURN_IF_ERROR(attempt.statuses[0]);
                            RETURN_IF_ERROR(audit.Record(tx));
                            return attempt.rows[0]->subject;
                          });
}

absl::StatusOr<v1::BatchCreateSubjectsResponse> Subjects::BatchCreateSubjects(
    const Principal& caller, AuditScope& audit, const v1::BatchCreateSubjectsRequest& request) {
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("parent", request.parent()));
  RETURN_IF_ERROR(CheckCount("subjects", request.subjects_size(), kMaxBatch, 1));
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  std::vector<const v1::Subject*> given;
  std::vector<std::string> ids;
  std::vector<std::string> fields;
  for (int i = 0; i < request.subjects_size(); ++i) {
    given.push_back(&request.subjects(i));
    ids.push_back(LastSegment(request.subjects(i).name()));
    fields.push_back(absl::StrCat("subjects[", i, "]"));
  }
  ASSIGN_OR_RETURN(Prepared prepared, Prepare(caller, key, given, ids, fields));
  auto respond = [&](const Prepared& done) {
    v1::BatchCreateSubjectsResponse response;
    for (size_t i = 0; i < done.rows.size(); ++i) {
      v1::RowResult* row = response.add_results();
      row->set_index(static_cast<int32_t>(i));
      row->mutable_status()->set_code(static_cast<int32_t>(done.statuses[i].code()));
      row->mutable_status()->set_message(std::string(done.statuses[i].message()));
      if (done.statuses[i].ok()) {
        row->set_name(done.rows[i]->subject.name());
        response.set_accepted_count(response.accepted_count() + 1);
      } else {
        response.set_rejected_count(response.rejected_count() + 1);
      }
    }
    return response;
  };
  if (request.validate_only()) {
    audit.NothingWritten();
    return respond(prepared);
  }
  return IdempotentCreate(
      *ctx_.deps.db, *ctx_.deps.idempotency, audit, request, request.request_id(), NoSecrets(),
      [&](db::Transaction& tx) -> absl::StatusOr<v1::BatchCreateSubjectsResponse> {
        Prepared attempt = prepared;
        RETURN_IF_ERROR(Write(tx, key, attempt));
        v1::BatchCreateSubjectsResponse response = respond(attempt);
        RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("accepted=", response.accepted_count(),
                                                      " rejected=", response.rejected_count())));
        return response;
      });
}

void Subjects::Trim(const Principal& caller, const std::string& region_code,
                    v1::Subject& subject) const {
  if (IsCampaignStaff(caller, region_code) || ActsForUnit(caller, subject.unit())) {
    return;
  }
  // Raters and the cadre themselves: who and where, no counts.
  v1::Subject shown;
  shown.set_name(subject.name());
  shown.set_display_name(subject.display_name());
  shown.set_unit(subject.unit());
  shown.set_unit_display_name(subject.unit_display_name());
  shown.set_post_title(subject.post_title());
  shown.set_catalog(subject.catalog());
  if (!Access::CadreIdOf(caller, region_code).empty()) {
    shown.set_cadre(subject.cadre());
  }
  subject = std::move(shown);
}

absl::StatusOr<v1::Subject> Subjects::GetSubject(const Principal& caller, AuditScope&,
                                                 const v1::GetSubjectRequest& request) {
  ASSIGN_OR_RETURN(CampaignChild id, ParseCampaignChild("name", request.name(), kSubjectPattern));
  ASSIGN_OR_RETURN(
      StoredSubject stored,
      db::RunInTransaction(
          *ctx_.deps.db, db::Access::kReadOnly,
          [&](db::Transaction& tx) -> absl::StatusOr<StoredSubject> {
            ASSIGN_OR_RETURN(StoredSubject s, ctx_.subjects.Get(tx, id.campaign, id.id));
            ASSIGN_OR_RETURN(bool visible,
                             access_.CanSeeSubject(tx, caller, id.campaign, s.subject));
            if (!visible) {
              return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
            }
            return s;
          }));
  Trim(caller, id.campaign.region_code, stored.subject);
  return std::move(stored.subject);
}

absl::StatusOr<v1::ListSubjectsResponse> Subjects::ListSubjects(
    const Principal& caller, AuditScope&, const v1::ListSubjectsRequest& request) {
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("parent", request.parent()));
  RETURN_IF_ERROR(CheckOptionalBodyName("unit", request.unit(), kUnitPattern,
                                        PathScope{key.region_code, "", ""}));
  if (!v1::PostTier_IsValid(request.post_tier()) || !v1::Sector_IsValid(request.sector())) {
    return absl::InvalidArgumentError(
        !v1::PostTier_IsValid(request.post_tier()) ? "post_tier: unknown" : "sector: unknown");
  }
  const std::string fingerprint = absl::StrCat(request.parent(), "|", request.unit(), "|",
                                               request.post_tier(), "|", request.sector());
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  SubjectStore::ListQuery query;
  query.unit = request.unit();
  if (request.post_tier() != v1::POST_TIER_UNSPECIFIED) {
    query.post_tier = v1::PostTier_Name(request.post_tier());
  }
  if (request.sector() != v1::SECTOR_UNSPECIFIED) {
    query.sector = v1::Sector_Name(request.sector());
  }
  if (!page.after_key.empty()) {
    query.after = SplitKey(page.after_key);
    if (query.after->size() != 3) {
      return absl::InvalidArgumentError("page_token: not a token of this listing");
    }
  }
  query.limit = page.limit + 1;
  using Scanned = std::pair<std::vector<v1::Subject>, std::vector<bool>>;
  ASSIGN_OR_RETURN(
      Scanned scanned,
      db::RunInTransaction(
          *ctx_.deps.db, db::Access::kReadOnly,
          [&](db::Transaction& tx) -> absl::StatusOr<Scanned> {
            ASSIGN_OR_RETURN(std::vector<StoredSubject> rows, ctx_.subjects.List(tx, key, query));
            Scanned out;
            for (StoredSubject& s : rows) {
              ASSIGN_OR_RETURN(bool visible, access_.CanSeeSubject(tx, caller, key, s.subject));
              Trim(caller, key.region_code, s.subject);
              out.first.push_back(std::move(s.subject));
              out.second.push_back(visible);
            }
            return out;
          }));
  Page<v1::Subject> cut =
      VisiblePage(std::move(scanned.first), scanned.second, page, fingerprint, PageKey);
  v1::ListSubjectsResponse response;
  response.set_next_page_token(cut.next_page_token);
  for (v1::Subject& s : cut.items) {
    *response.add_subjects() = std::move(s);
  }
  return response;
}

absl::StatusOr<v1::Subject> Subjects::UpdateSubject(const Principal&, AuditScope& audit,
                                                    const v1::UpdateSubjectRequest& request) {
  const v1::Subject& patch = request.subject();
  ASSIGN_OR_RETURN(CampaignChild id,
                   ParseCampaignChild("subject.name", patch.name(), kSubjectPattern));
  ASSIGN_OR_RETURN(auto paths, ResolveUpdateMask(request.update_mask(), patch, UpdatablePaths()));
  RETURN_IF_ERROR(ValidateProfile("subject", patch, PathScope{id.campaign.region_code, "", ""}));
  std::vector<std::string> sorted(paths.begin(), paths.end());
  std::sort(sorted.begin(), sorted.end());
  return db::RunInTransaction(
      *ctx_.deps.db, db::Access::kReadWrite,
      [&](db::Transaction& tx) -> absl::StatusOr<v1::Subject> {
        ASSIGN_OR_RETURN(StoredCampaign campaign, ctx_.campaigns.Get(tx, id.campaign));
        if (campaign.campaign.state() != v1::Campaign::DRAFT) {
          return WrongCampaignState(campaign.campaign, "subjects change only while DRAFT");
        }
        ASSIGN_OR_RETURN(StoredSubject stored, ctx_.subjects.Get(tx, id.campaign, id.id));
        RETURN_IF_ERROR(
            CheckEtag("subject.etag", patch.etag(), stored.subject.etag(), patch.name()));
        StoredSubject updated = stored;
        ApplyUpdateMask(paths, patch, updated.subject);
        for (const std::string& path : sorted) {
          if (std::find(updated.overrides.begin(), updated.overrides.end(), path) ==
              updated.overrides.end()) {
            updated.overrides.push_back(path);
          }
        }
        if (request.validate_only()) {
          audit.NothingWritten();
          return updated.subject;
        }
        *updated.subject.mutable_update_time() = ToProtoTimestamp(ctx_.Now());
        RETURN_IF_ERROR(ctx_.subjects.Replace(tx, id.campaign, stored, updated));
        RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("paths=", absl::StrJoin(sorted, ","))));
        updated.subject.set_etag(ComputeEtag(updated.subject.name(), stored.revision + 1,
                                             updated.subject.create_time()));
        return updated.subject;
      });
}

absl::Status Subjects::DeleteSubject(const Principal&, AuditScope& audit,
                                     const v1::DeleteSubjectRequest& request) {
  ASSIGN_OR_RETURN(CampaignChild id, ParseCampaignChild("name", request.name(), kSubjectPattern));
  return db::RunInTransaction(*ctx_.deps.db, db::Access::kReadWrite, [&](db::Transaction& tx) {
    ASSIGN_OR_RETURN(StoredCampaign campaign, ctx_.campaigns.Get(tx, id.campaign));
    if (campaign.campaign.state() != v1::Campaign::DRAFT) {
      return WrongCampaignState(campaign.campaign, "subjects are removed only while DRAFT");
    }
    ASSIGN_OR_RETURN(StoredSubject stored, ctx_.subjects.Get(tx, id.campaign, id.id));
    RETURN_IF_ERROR(CheckEtag("etag", request.etag(), stored.subject.etag(), request.name()));
    RETURN_IF_ERROR(ctx_.subjects.Delete(tx, id.campaign, id.id));
    RETURN_IF_ERROR(ctx_.campaigns.AddCounts(tx, id.campaign, -1, 0, 0));
    return audit.Record(tx);
  });
}

}  // namespace kaoping::evaluations
