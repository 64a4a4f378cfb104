#pragma once

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/empty.pb.h"
#include "kaoping/v1/indicators.pb.h"
#include "services/common/server/call_context.h"
#include "services/common/server/service_deps.h"
#include "services/indicators/store.h"

namespace kaoping::indicators {

// The indicator catalog's rules, one method per RPC, no gRPC in here:
// authorize (region scope → NOT_FOUND, role → PERMISSION_DENIED), validate
// (INVALID_ARGUMENT naming the field), then read or change the store in one
// transaction together with its audit entry, idempotency record and events.
class IndicatorCatalog {
 public:
  explicit IndicatorCatalog(ServiceDeps deps) : deps_(std::move(deps)) {}

  absl::StatusOr<v1::IndicatorSet> Create(CallContext& call,
                                          const v1::CreateIndicatorSetRequest& request);
  absl::StatusOr<v1::IndicatorSet> Get(CallContext& call,
                                       const v1::GetIndicatorSetRequest& request);
  absl::StatusOr<v1::ListIndicatorSetsResponse> List(CallContext& call,
                                                     const v1::ListIndicatorSetsRequest& request);
  absl::StatusOr<v1::IndicatorSet> Update(CallContext& call,
                                          const v1::UpdateIndicatorSetRequest& request);
  absl::Status Delete(CallContext& call, const v1::DeleteIndicatorSetRequest& request);
  absl::StatusOr<v1::IndicatorSet> Publish(CallContext& call,
                                           const v1::PublishIndicatorSetRequest& request);
  absl::StatusOr<v1::IndicatorSet> Retire(CallContext& call,
                                          const v1::RetireIndicatorSetRequest& request);
  absl::StatusOr<v1::ResolvedCatalog> Resolve(CallContext& call,
                                              const v1::ResolveCatalogRequest& request);
  absl::StatusOr<v1::IndicatorSet> GetDefault(CallContext& call,
                                              const v1::GetDefaultCatalogRequest& request);

 private:
  // Content of a new draft per `source`: the request, the default, or another set.
  absl::StatusOr<v1::IndicatorSet> DraftContent(db::Transaction& tx, const Principal& principal,
                                                const v1::CreateIndicatorSetRequest& request);
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
  // Loads a set for a change by a REGION_ADMIN: scope, role, existence, etag.
  absl::StatusOr<v1::IndicatorSet> LoadForChange(db::Transaction& tx, CallContext& call,
                                                 const SetRef& ref, std::string* region_code,
                                                 std::string* set_id);
  // The day a date names (today when unset), refused when in the past.
  absl::StatusOr<absl::CivilDay> DayFromTodayOn(absl::string_view field,
                                                const google::type::Date& date) const;
  // Marks a stored set as changed now: revision, update time, etag.
  void Touch(v1::IndicatorSet& set) const;
  // A publication or retirement: the new state, its event and its audit
  // entry, in the caller's transaction.
  absl::Status CommitTransition(db::Transaction& tx, CallContext& call,
                                const std::string& region_code, const std::string& set_id,
                                int64_t expected_revision, const v1::IndicatorSet& set,
                                const google::protobuf::Message& event,
                                absl::string_view audit_detail);

  ServiceDeps deps_;
  IndicatorStore store_;

  // Published content never changes, so resolved catalogs are cached by
  // (set, revision, tier, sector); bounded by clearing when full.
  absl::Mutex cache_mutex_;
  absl::flat_hash_map<std::string, std::shared_ptr<const v1::ResolvedCatalog>> resolved_cache_
      ABSL_GUARDED_BY(cache_mutex_);
};

}  // namespace kaoping::indicators
