#include "services/indicators/indicator_catalog.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/api/date.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/api/view.h"
#include "services/common/region.h"
#include "services/common/status_macros.h"
#include "services/indicators/catalog_resolver.h"
#include "services/indicators/catalog_validation.h"
#include "services/indicators/default_catalog.h"

namespace kaoping::indicators {
namespace {

constexpr absl::string_view kCollection = "indicatorSets";
constexpr absl::string_view kDefaultSource = "default";
constexpr size_t kResolvedCacheLimit = 4096;

// What the BASIC view of a set leaves out (indicators.proto, IndicatorSet).
const std::vector<std::string>& OmittedInBasicView() {
  static const auto* paths = new std::vector<std::string>{"dimensions", "profiles"};
  return *paths;
}

const std::vector<std::string>& UpdatablePaths() {
  static const auto* paths =
      new std::vector<std::string>{"display_name", "description", "dimensions", "profiles"};
  return *paths;
}

bool CanSeeDrafts(const Principal& p, const std::string& region_code) {
  return p.CoversRegion(region_code) &&
         (p.HasRole(roles::kRegionAdmin) || p.HasRole(roles::kAuditor));
}

// Published sets are read by everyone in the region, and by the regions a
// city's or province's set applies to.
bool CanRead(const Principal& p, const std::string& region_code, v1::IndicatorSet::State state) {
  if (state == v1::IndicatorSet::DRAFT) {
    return CanSeeDrafts(p, region_code);
  }
  return p.CoversRegion(region_code) || p.IsWithinRegion(region_code);
}

absl::Status RequireAdmin(const Principal& p, const std::string& region_code,
                          absl::string_view what) {
  RETURN_IF_ERROR(RequireRegion(p, region_code, what));
  if (!p.HasRole(roles::kRegionAdmin)) {
    return absl::PermissionDeniedError(
        absl::StrCat("only a REGION_ADMIN of region ", region_code, " may change ", what));
  }
  return absl::OkStatus();
}

absl::Status WrongState(const v1::IndicatorSet& set, absl::string_view action,
                        absl::string_view needed) {
  return absl::FailedPreconditionError(absl::StrCat(
      set.name(), " is ", v1::IndicatorSet::State_Name(set.state()), "; only a ", needed,
      " set can be ", action,
      set.state() != v1::IndicatorSet::DRAFT && needed == "DRAFT"
          ? " (published sets never change: create a new draft with this set as source)"
          : ""));
}

}  // namespace

absl::Status IndicatorCatalog::CommitTransition(
    db::Transaction& tx, CallContext& call, const std::string& region_code,
    const std::string& set_id, int64_t expected_revision, const v1::IndicatorSet& set,
    const google::protobuf::Message& event, absl::string_view audit_detail) {
  RETURN_IF_ERROR(store_.Replace(tx, region_code, set_id, expected_revision, set));
  RETURN_IF_ERROR(
      deps_.outbox->Enqueue(tx, region_code, set.name(), call.principal().subject, event).status());
  return call.AuditIn(tx, audit_detail);
}

absl::StatusOr<absl::CivilDay> IndicatorCatalog::DayFromTodayOn(
    absl::string_view field, const google::type::Date& date) const {
  const absl::CivilDay today = Today(*deps_.clock);
  if (!IsDateSet(date)) {
    return today;
  }
  ASSIGN_OR_RETURN(absl::CivilDay day, DateToCivilDay(field, date));
  if (day < today) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", FormatDay(day),
                                                   " is in the past (today is ", FormatDay(today),
                                                   "); what applied on a past day never changes"));
  }
  return day;
}

void IndicatorCatalog::Touch(v1::IndicatorSet& set) const {
  set.set_revision(set.revision() + 1);
  *set.mutable_update_time() = ToProtoTimestamp(deps_.clock->Now());
  set.set_etag(ComputeEtag(set.name(), set.revision(), set.create_time()));
}

absl::StatusOr<v1::IndicatorSet> IndicatorCatalog::DraftContent(
    db::Transaction& tx, const Principal& principal, const v1::CreateIndicatorSetRequest& request) {
  const v1::IndicatorSet& given = request.indicator_set();
  if (request.source().empty()) {
    v1::IndicatorSet content;
    content.set_display_name(given.display_name());
    content.set_description(given.description());
    *content.mutable_dimensions() = given.dimensions();
    *content.mutable_profiles() = given.profiles();
    return content;
  }
  if (given.dimensions_size() > 0 || given.profiles_size() > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "indicator_set.", given.dimensions_size() > 0 ? "dimensions" : "profiles",
        ": leave dimensions and profiles empty when source is set; edit the draft afterwards"));
  }
  v1::IndicatorSet content;
  if (request.source() == kDefaultSource) {
    ASSIGN_OR_RETURN(content, DefaultCatalog());
  } else {
    ASSIGN_OR_RETURN(RegionChild source, ParseRegionChild("source", request.source(), kCollection));
    ASSIGN_OR_RETURN(v1::IndicatorSet stored, [&]() -> absl::StatusOr<v1::IndicatorSet> {
      auto s = store_.Get(tx, source.region_code, source.id);
      if (!s.ok() && s.status().code() != absl::StatusCode::kNotFound) {
        return s.status();
      }
      if (!s.ok() || !CanRead(principal, source.region_code, s->state())) {
        return absl::NotFoundError(absl::StrCat("source: ", request.source(), " not found"));
      }
      return s;
    }());
    content.set_display_name(stored.display_name());
    content.set_description(stored.description());
    *content.mutable_dimensions() = stored.dimensions();
    *content.mutable_profiles() = stored.profiles();
  }
  if (!given.display_name().empty()) {
    content.set_display_name(given.display_name());
  }
  if (!given.description().empty()) {
    content.set_description(given.description());
  }
  return content;
}

absl::StatusOr<v1::IndicatorSet> IndicatorCatalog::Create(
    CallContext& call, const v1::CreateIndicatorSetRequest& request) {
  ASSIGN_OR_RETURN(std::string region_code, ParseRegionName("parent", request.parent()));
  // Until the id is known to be well formed, the call is about the parent:
  // a refused call audits a name of checked form, never arbitrary input.
  call.SetResource(region_code, request.parent());
  RETURN_IF_ERROR(ValidateResourceId("indicator_set_id", request.indicator_set_id()));
  const std::string name = RegionChildName(region_code, kCollection, request.indicator_set_id());
  call.SetResource(region_code, name);
  RETURN_IF_ERROR(RequireAdmin(call.principal(), region_code, name));
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));

  v1::IndicatorSet created;
  auto create = [&](db::Transaction& tx) -> absl::Status {
    const IdempotencyKey key{region_code, call.principal().subject, std::string(call.method()),
                             request.request_id()};
    if (!request.request_id().empty() && !request.validate_only()) {
      ASSIGN_OR_RETURN(auto previous, deps_.idempotency->Lookup(tx, key, request));
      if (previous.has_value()) {
        created.ParseFromString(*previous);
        call.MarkNothingWritten();
        return absl::OkStatus();
      }
    }
    ASSIGN_OR_RETURN(created, DraftContent(tx, call.principal(), request));
    RETURN_IF_ERROR(ValidateIndicatorSet("indicator_set", created));
    const absl::Time now = deps_.clock->Now();
    created.set_name(name);
    created.set_state(v1::IndicatorSet::DRAFT);
    created.set_source(request.source());
    created.set_creator(call.principal().subject);
    *created.mutable_create_time() = ToProtoTimestamp(now);
    *created.mutable_update_time() = created.create_time();
    created.set_revision(1);
    created.set_etag(ComputeEtag(name, 1, created.create_time()));
    if (request.validate_only()) {
      call.MarkNothingWritten();
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(store_.Insert(tx, region_code, request.indicator_set_id(), created));
    RETURN_IF_ERROR(call.AuditIn(
        tx, request.source().empty() ? "" : absl::StrCat("source=", request.source())));
    if (!request.request_id().empty()) {
      RETURN_IF_ERROR(deps_.idempotency->Remember(tx, key, request, created));
    }
    return absl::OkStatus();
  };
  absl::Status st = db::RunInTransaction(*deps_.db, db::Access::kReadWrite, create);
  if (st.code() == absl::StatusCode::kAlreadyExists && !request.request_id().empty()) {
    // A concurrent twin of this request may have committed first (PostgreSQL
    // runs them side by side): look again, and return its result.
    st = db::RunInTransaction(*deps_.db, db::Access::kReadWrite, create);
  }
  RETURN_IF_ERROR(st);
  return created;
}

absl::StatusOr<v1::IndicatorSet> IndicatorCatalog::Get(CallContext& call,
                                                       const v1::GetIndicatorSetRequest& request) {
  ASSIGN_OR_RETURN(RegionChild id, ParseRegionChild("name", request.name(), kCollection));
  ASSIGN_OR_RETURN(const ViewKind view, GetView("view", request.view()));
  call.SetResource(id.region_code, request.name());
  const Principal& p = call.principal();
  if (!p.CoversRegion(id.region_code) && !p.IsWithinRegion(id.region_code)) {
    return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  }
  v1::IndicatorSet set;
  RETURN_IF_ERROR(db::RunInTransaction(*deps_.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
    ASSIGN_OR_RETURN(set, store_.Get(tx, id.region_code, id.id));
    return absl::OkStatus();
  }));
  if (!CanRead(call.principal(), id.region_code, set.state())) {
    return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  }
  ApplyView(view, OmittedInBasicView(), set);
  return set;
}

absl::StatusOr<v1::ListIndicatorSetsResponse> IndicatorCatalog::List(
    CallContext& call, const v1::ListIndicatorSetsRequest& request) {
  ASSIGN_OR_RETURN(std::string region_code, ParseRegionName("parent", request.parent()));
  call.SetResource(region_code, request.parent());
  const Principal& p = call.principal();
  if (!p.CoversRegion(region_code) && !p.IsWithinRegion(region_code)) {
    return absl::NotFoundError(absl::StrCat(request.parent(), " not found"));
  }
  if (!v1::IndicatorSet::State_IsValid(request.state())) {
    return absl::InvalidArgumentError("state: unknown state");
  }
  ASSIGN_OR_RETURN(const ViewKind view, ListView("view", request.view()));
  std::vector<std::string> states;
  if (request.state() != v1::IndicatorSet::STATE_UNSPECIFIED) {
    if (request.state() == v1::IndicatorSet::DRAFT && !CanSeeDrafts(p, region_code)) {
      return v1::ListIndicatorSetsResponse();  // drafts exist only for their editors
    }
    states.push_back(v1::IndicatorSet::State_Name(request.state()));
  } else if (!CanSeeDrafts(p, region_code)) {
    states = {"PUBLISHED", "RETIRED"};
  }
  const std::string fingerprint = absl::StrCat(request.parent(), "|", absl::StrJoin(states, ","));
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  v1::ListIndicatorSetsResponse response;
  RETURN_IF_ERROR(db::RunInTransaction(*deps_.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
    response.Clear();
    ASSIGN_OR_RETURN(std::vector<v1::IndicatorSet> sets,
                     store_.List(tx, region_code, states, page.after_key, page.limit + 1));
    for (auto& set : sets) {
      ApplyView(view, OmittedInBasicView(), set);  // before cutting: the page weighs what it sends
    }
    // Bounded by page_size and by bytes: a page of large drafts ends early.
    Page<v1::IndicatorSet> cut =
        CutPage(std::move(sets), page, fingerprint, [](const v1::IndicatorSet& set) {
          // The store's key: the id, the name's last segment.
          return set.name().substr(set.name().rfind('/') + 1);
        });
    response.set_next_page_token(cut.next_page_token);
    for (auto& set : cut.items) {
      *response.add_indicator_sets() = std::move(set);
    }
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::IndicatorSet> IndicatorCatalog::LoadForChange(db::Transaction& tx,
                                                                 CallContext& call,
                                                                 const SetRef& ref,
                                                                 std::string* region_code,
                                                                 std::string* set_id) {
  ASSIGN_OR_RETURN(RegionChild id, ParseRegionChild(ref.name_field, ref.name, kCollection));
  call.SetResource(id.region_code, ref.name);
  RETURN_IF_ERROR(RequireAdmin(call.principal(), id.region_code, ref.name));
  ASSIGN_OR_RETURN(v1::IndicatorSet set, store_.Get(tx, id.region_code, id.id));
  RETURN_IF_ERROR(CheckEtag(ref.etag_field, ref.etag, set.etag(), ref.name));
  *region_code = id.region_code;
  *set_id = id.id;
  return set;
}

absl::StatusOr<v1::IndicatorSet> IndicatorCatalog::Update(
    CallContext& call, const v1::UpdateIndicatorSetRequest& request) {
  const v1::IndicatorSet& patch = request.indicator_set();
  ASSIGN_OR_RETURN(auto paths, ResolveUpdateMask(request.update_mask(), patch, UpdatablePaths()));
  v1::IndicatorSet updated;
  RETURN_IF_ERROR(db::RunInTransaction(*deps_.db, db::Access::kReadWrite, [&](db::Transaction& tx) {
    std::string region_code, set_id;
    ASSIGN_OR_RETURN(updated, LoadForChange(tx, call,
                                            {"indicator_set.name", patch.name(),
                                             "indicator_set.etag", patch.etag()},
                                            &region_code, &set_id));
    if (updated.state() != v1::IndicatorSet::DRAFT) {
      return WrongState(updated, "edited", "DRAFT");
    }
    const int64_t expected_revision = updated.revision();
    if (paths.contains("display_name")) {
      updated.set_display_name(patch.display_name());
    }
    if (paths.contains("description")) {
      updated.set_description(patch.description());
    }
    if (paths.contains("dimensions")) {
      *updated.mutable_dimensions() = patch.dimensions();
    }
    if (paths.contains("profiles")) {
      *updated.mutable_profiles() = patch.profiles();
    }
    RETURN_IF_ERROR(ValidateIndicatorSet("indicator_set", updated));
    if (request.validate_only()) {
      call.MarkNothingWritten();
      return absl::OkStatus();
    }
    Touch(updated);
    RETURN_IF_ERROR(store_.Replace(tx, region_code, set_id, expected_revision, updated));
    std::vector<std::string> sorted(paths.begin(), paths.end());
    std::sort(sorted.begin(), sorted.end());
    return call.AuditIn(tx, absl::StrCat("paths=", absl::StrJoin(sorted, ",")));
  }));
  return updated;
}

absl::Status IndicatorCatalog::Delete(CallContext& call,
                                      const v1::DeleteIndicatorSetRequest& request) {
  return db::RunInTransaction(*deps_.db, db::Access::kReadWrite, [&](db::Transaction& tx) {
    std::string region_code, set_id;
    ASSIGN_OR_RETURN(v1::IndicatorSet set,
                     LoadForChange(tx, call, {"name", request.name(), "etag", request.etag()},
                                   &region_code, &set_id));
    if (set.state() != v1::IndicatorSet::DRAFT) {
      return absl::FailedPreconditionError(absl::StrCat(
          set.name(), " is ", v1::IndicatorSet::State_Name(set.state()),
          "; only drafts can be deleted (published sets are kept forever; retire it instead)"));
    }
    RETURN_IF_ERROR(store_.DeleteDraft(tx, region_code, set_id, set.revision()));
    return call.AuditIn(tx);
  });
}

absl::StatusOr<v1::IndicatorSet> IndicatorCatalog::Publish(
    CallContext& call, const v1::PublishIndicatorSetRequest& request) {
  v1::IndicatorSet set;
  RETURN_IF_ERROR(db::RunInTransaction(*deps_.db, db::Access::kReadWrite, [&](db::Transaction& tx) {
    std::string region_code, set_id;
    ASSIGN_OR_RETURN(set, LoadForChange(tx, call, {"name", request.name(), "etag", request.etag()},
                                        &region_code, &set_id));
    if (set.state() != v1::IndicatorSet::DRAFT) {
      return WrongState(set, "published", "DRAFT");
    }
    RETURN_IF_ERROR(ValidatePublishable("indicator_set", set));
    ASSIGN_OR_RETURN(const absl::CivilDay from,
                     DayFromTodayOn("effective_from", request.effective_from()));
    const int64_t expected_revision = set.revision();
    set.set_state(v1::IndicatorSet::PUBLISHED);
    *set.mutable_effective_from() = CivilDayToDate(from);
    *set.mutable_publish_time() = ToProtoTimestamp(deps_.clock->Now());
    set.set_publisher(call.principal().subject);
    Touch(set);
    v1::IndicatorSetPublished event;
    event.set_indicator_set(set.name());
    event.set_revision(set.revision());
    *event.mutable_effective_from() = set.effective_from();
    return CommitTransition(tx, call, region_code, set_id, expected_revision, set, event,
                            absl::StrCat("effective_from=", FormatDay(from)));
  }));
  deps_.events_committed();
  return set;
}

absl::StatusOr<v1::IndicatorSet> IndicatorCatalog::Retire(
    CallContext& call, const v1::RetireIndicatorSetRequest& request) {
  v1::IndicatorSet set;
  RETURN_IF_ERROR(db::RunInTransaction(*deps_.db, db::Access::kReadWrite, [&](db::Transaction& tx) {
    std::string region_code, set_id;
    ASSIGN_OR_RETURN(set, LoadForChange(tx, call, {"name", request.name(), "etag", request.etag()},
                                        &region_code, &set_id));
    if (set.state() != v1::IndicatorSet::PUBLISHED) {
      return WrongState(set, "retired", "PUBLISHED");
    }
    ASSIGN_OR_RETURN(const absl::CivilDay until,
                     DayFromTodayOn("effective_until", request.effective_until()));
    const absl::CivilDay from(set.effective_from().year(), set.effective_from().month(),
                              set.effective_from().day());
    if (until < from) {
      return absl::InvalidArgumentError(absl::StrCat(
          "effective_until: ", FormatDay(until), " is before effective_from ", FormatDay(from)));
    }
    const int64_t expected_revision = set.revision();
    set.set_state(v1::IndicatorSet::RETIRED);
    *set.mutable_effective_until() = CivilDayToDate(until);
    *set.mutable_retire_time() = ToProtoTimestamp(deps_.clock->Now());
    Touch(set);
    v1::IndicatorSetRetired event;
    event.set_indicator_set(set.name());
    event.set_revision(set.revision());
    *event.mutable_effective_until() = set.effective_until();
    return CommitTransition(tx, call, region_code, set_id, expected_revision, set, event,
                            absl::StrCat("effective_until=", FormatDay(until)));
  }));
  deps_.events_committed();
  return set;
}

absl::StatusOr<v1::ResolvedCatalog> IndicatorCatalog::ResolvedFromSet(
    db::Transaction& tx, const std::string& region_code, const IndicatorStore::SetKey& key,
    v1::PostTier tier, v1::Sector sector) {
  const std::string cache_key =
      absl::StrCat(region_code, "/", key.set_id, "#", key.revision, "/", tier, "/", sector);
  std::shared_ptr<const v1::ResolvedCatalog> cached;
  {
    absl::MutexLock lock(&cache_mutex_);
    auto it = resolved_cache_.find(cache_key);
    if (it != resolved_cache_.end()) {
      cached = it->second;
    }
  }
  if (cached != nullptr) {
    return *cached;  // the copy is made outside the lock
  }
  ASSIGN_OR_RETURN(v1::IndicatorSet set, store_.Get(tx, region_code, key.set_id));
  ASSIGN_OR_RETURN(v1::ResolvedCatalog resolved, ResolveCatalogOf(set, tier, sector));
  resolved.set_indicator_set(set.name());
  // The revision the lookup found, which is the one the cache key names.
  resolved.set_indicator_set_revision(key.revision);
  auto shared = std::make_shared<const v1::ResolvedCatalog>(resolved);
  absl::MutexLock lock(&cache_mutex_);
  if (resolved_cache_.size() >= kResolvedCacheLimit) {
    resolved_cache_.clear();
  }
  resolved_cache_.emplace(cache_key, std::move(shared));
  return resolved;
}

absl::StatusOr<v1::ResolvedCatalog> IndicatorCatalog::Resolve(
    CallContext& call, const v1::ResolveCatalogRequest& request) {
  ASSIGN_OR_RETURN(std::string region_code, ParseRegionName("region", request.region()));
  call.SetResource(region_code, request.region());
  RETURN_IF_ERROR(RequireRegion(call.principal(), region_code, request.region()));
  if (request.post_tier() == v1::POST_TIER_UNSPECIFIED ||
      !v1::PostTier_IsValid(request.post_tier())) {
    return absl::InvalidArgumentError(
        "post_tier: required, one of PRINCIPAL, DEPUTY, FRONTLINE, STAFF");
  }
  if (!v1::Sector_IsValid(request.sector())) {
    return absl::InvalidArgumentError("sector: unknown sector");
  }
  absl::CivilDay day = Today(*deps_.clock);
  if (IsDateSet(request.date())) {
    ASSIGN_OR_RETURN(day, DateToCivilDay("date", request.date()));
  }
  std::vector<std::string> chain = {region_code};
  for (auto& enclosing : EnclosingRegions(region_code)) {
    chain.push_back(enclosing);
  }
  v1::ResolvedCatalog resolved;
  RETURN_IF_ERROR(db::RunInTransaction(*deps_.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
    for (const std::string& code : chain) {
      ASSIGN_OR_RETURN(auto key, store_.FindEffective(tx, code, day));
      if (key.has_value()) {
        ASSIGN_OR_RETURN(resolved,
                         ResolvedFromSet(tx, code, *key, request.post_tier(), request.sector()));
        return absl::OkStatus();
      }
    }
    std::vector<std::string> enclosing(chain.begin() + 1, chain.end());
    return absl::FailedPreconditionError(absl::StrCat(
        "no indicator set is published for region ", region_code,
        enclosing.empty()
            ? ""
            : absl::StrCat(" or the regions enclosing it (", absl::StrJoin(enclosing, ", "), ")"),
        " effective on ", FormatDay(day), ": publish one first"));
  }));
  resolved.set_region(request.region());
  *resolved.mutable_date() = CivilDayToDate(day);
  return resolved;
}

absl::StatusOr<v1::IndicatorSet> IndicatorCatalog::GetDefault(CallContext&,
                                                              const v1::GetDefaultCatalogRequest&) {
  return DefaultCatalog();
}

}  // namespace kaoping::indicators
