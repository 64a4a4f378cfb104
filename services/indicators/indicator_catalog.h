#pragma once

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/empty.pb.h"
#include "kaoping/v1/indicators.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/common/service_deps.h"
#include "services/indicators/store.h"

namespace kaoping::indicators {

// The indicator catalog's rules, one method per RPC, no gRPC in here. The
// runtime has already authenticated the caller, read the resource and
// applied the RPC's rule (indicator_policy.h); a method validates
// (INVALID_ARGUMENT naming the field), applies what depends on stored state
// (drafts are seen only by CanSeeDrafts), then reads or changes the store in
// one transaction together with its audit entry, idempotency record and
// events.
class IndicatorCatalog {
 public:
  explicit IndicatorCatalog(ServiceDeps deps) : deps_(std::move(deps)) {}

  // Idempotent on request_id (a replay returns the first set: it holds no secret).
  absl::StatusOr<v1::IndicatorSet> Create(const Principal& caller, AuditScope& audit,
                                          const v1::CreateIndicatorSetRequest& request);
  absl::StatusOr<v1::IndicatorSet> Get(const Principal& caller, AuditScope& audit,
                                       const v1::GetIndicatorSetRequest& request);
  absl::StatusOr<v1::ListIndicatorSetsResponse> List(const Principal& caller, AuditScope& audit,
                                                     const v1::ListIndicatorSetsRequest& request);
  absl::StatusOr<v1::IndicatorSet> Update(const Principal& caller, AuditScope& audit,
                                          const v1::UpdateIndicatorSetRequest& request);
  absl::Status Delete(const Principal& caller, AuditScope& audit,
                      const v1::DeleteIndicatorSetRequest& request);
  absl::StatusOr<v1::IndicatorSet> Publish(const Principal& caller, AuditScope& audit,
                                           const v1::PublishIndicatorSetRequest& request);
  absl::StatusOr<v1::IndicatorSet> Retire(const Principal& caller, AuditScope& audit,
                                          const v1::RetireIndicatorSetRequest& request);
  absl::StatusOr<v1::ResolvedCatalog> Resolve(const Principal& caller, AuditScope& audit,
                                              const v1::ResolveCatalogRequest& request);
  absl::StatusOr<v1::IndicatorSet> GetDefault(const Principal& caller, AuditScope& audit,
                                              const v1::GetDefaultCatalogRequest& request);

 private:
  // A new draft as the request describes it (not yet stored).
  absl::StatusOr<v1::IndicatorSet> NewDraft(db::Transaction& tx, const Principal& caller,
                                            const v1::CreateIndicatorSetRequest& request,
                                            const std::string& name) const;
  // Content of a new draft per `source`: the request, the default, or another set.
  absl::StatusOr<v1::IndicatorSet> DraftContent(db::Transaction& tx, const Principal& caller,
                                                const v1::CreateIndicatorSetRequest& request) const;
  // A resolved catalog from the cache, or computed from the stored set.
  absl::StatusOr<v1::ResolvedCatalog> ResolvedFromSet(db::Transaction& tx,
                                                      const std::string& region_code,
                                                      const IndicatorStore::SetKey& key,
                                                      v1::PostTier tier, v1::Sector sector);
  // A set named in a request, with the fields errors should name.
  struct SetRef {
    absl::string_view name_field;
    const std::string& name;
    absl::string_view etag_field;
    const std::string& etag;
  };
  // A stored set about to change, with its key.
  struct Loaded {
    v1::IndicatorSet set;
    std::string region_code;
    std::string set_id;
  };
  // Loads a set for a change: existence, then the etag.
  absl::StatusOr<Loaded> LoadForChange(db::Transaction& tx, const SetRef& ref) const;
  // The day a date names (today when unset), refused when in the past.
  absl::StatusOr<absl::CivilDay> DayFromTodayOn(absl::string_view field,
                                                const google::type::Date& date) const;
  // Marks a stored set as changed now: revision, update time, etag.
  void Touch(v1::IndicatorSet& set) const;
  // A publication or retirement: the new state, its event and its audit
  // entry, in the caller's transaction.
  absl::Status CommitTransition(db::Transaction& tx, const Principal& caller, AuditScope& audit,
                                const Loaded& loaded, int64_t expected_revision,
                                const google::protobuf::Message& event,
                                absl::string_view audit_detail) const;

  ServiceDeps deps_;
  IndicatorStore store_;

  // Published content never changes, so resolved catalogs are cached by
  // (set, revision, tier, sector); bounded by clearing when full.
  absl::Mutex cache_mutex_;
  absl::flat_hash_map<std::string, std::shared_ptr<const v1::ResolvedCatalog>> resolved_cache_
      ABSL_GUARDED_BY(cache_mutex_);
};

}  // namespace kaoping::indicators
