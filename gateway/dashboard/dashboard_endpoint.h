#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/dashboard/dashboard_cache.h"
#include "gateway/dashboard/statistics_source.h"
#include "gateway/own_routes.h"
#include "services/common/auth/authenticator.h"
#include "services/common/auth/policy.h"
#include "services/common/clock.h"
#include "services/common/server/worker_pool.h"

namespace kaoping::gateway {

// Who may read a region's dashboard: the statistics RPCs' own rule
// (protos/README.md): REGION_ADMIN and AUDITOR of the region or of a city or
// province enclosing it, SYSTEM with `dashboards:read`.
inline constexpr Rule kDashboardReaders{.roles = {Role::kRegionAdmin, Role::kAuditor},
                                        .system_scope = "dashboards:read",
                                        .region = RegionRelation::kCovers,
                                        .own_unit_roles = {},
                                        .refuse_as_not_found = false};

struct DashboardEndpointOptions {
  // Threads that wait on Redis and the services (never the HTTP threads).
  int threads = 8;
  size_t max_queued = 1000;
  // Years of trend unless the request says `years`.
  int trend_years = 5;
  int64_t min_cell_size = 3;
};

// GET /v1/regions/{region}/dashboard[?year=2026&kind=ANNUAL&years=5]: the
// region's dashboard (gateway/dashboard/dashboard.proto as JSON). The token
// is verified and kDashboardReaders applied before the cache is looked at,
// so a cached answer never reaches a caller who may not read it; then the
// cache answers, or the statistics are fetched with the caller's token,
// composed, suppressed again and stored. `x-kaoping-cache` says which
// (hit, miss, shared, bypass).
class DashboardEndpoint final : public OwnRoutes {
 public:
  DashboardEndpoint(DashboardEndpointOptions options, const Authenticator* authenticator,
                    StatisticsSource* source, DashboardCache* cache, const Clock* clock);
  ~DashboardEndpoint() override;

  absl::string_view Claims(absl::string_view path) const override;
  void Handle(http::Request request, http::Responder respond) override;

  // The query of a request's path and query string; INVALID_ARGUMENT naming
  // the parameter.
  absl::StatusOr<DashboardQuery> ParseQuery(absl::string_view path, absl::string_view query) const;

 private:
  // `accepts_gzip`: the client takes gzip (a cached answer's compressed copy is sent).
  http::Response Serve(const std::string& bearer_token, const DashboardQuery& query,
                       bool accepts_gzip);

  DashboardEndpointOptions options_;
  const Authenticator* authenticator_;
  StatisticsSource* source_;
  DashboardCache* cache_;
  const Clock* clock_;
  WorkerPool pool_;
};

}  // namespace kaoping::gateway
