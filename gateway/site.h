#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/dashboard/dashboard_cache.h"
#include "gateway/dashboard/dashboard_endpoint.h"
#include "gateway/dashboard/dashboard_invalidation.h"
#include "gateway/dashboard/statistics_source.h"
#include "gateway/own_routes.h"
#include "gateway/public/public_endpoint.h"
#include "gateway/upstreams.h"
#include "gateway/web_files.h"
#include "services/common/auth/authenticator.h"
#include "services/common/auth/service_identity.h"
#include "services/common/clock.h"
#include "services/common/config.h"

namespace kaoping::gateway {

// What the gateway serves beside the API's routes, from configuration
// (gateway/README.md, "Pages, dashboards, public access"): the web pages,
// the dashboards with their Redis cache and the consumer of events that
// keeps them current, anonymous public access and code redemption with the
// gateway's own credential.
class Site {
 public:
  static absl::StatusOr<std::unique_ptr<Site>> FromConfig(const Config& config,
                                                          const Upstreams& upstreams,
                                                          const Authenticator* authenticator,
                                                          const Clock* clock);
  ~Site();

  // In the order the handler asks them.
  std::vector<OwnRoutes*> routes() const;
  DashboardCache& dashboard_cache() { return *cache_; }
  PublicEndpoint& public_endpoint() { return *public_; }

 private:
  Site() = default;

  std::unique_ptr<ServiceIdentity> identity_;
  std::unique_ptr<DashboardCache> cache_;
  std::unique_ptr<GrpcStatisticsSource> source_;
  std::unique_ptr<WebFiles> web_;
  std::unique_ptr<DashboardEndpoint> dashboards_;
  std::unique_ptr<PublicEndpoint> public_;
  // Last: stops consuming before the cache it bumps is destroyed.
  std::unique_ptr<DashboardInvalidation> invalidation_;
};

}  // namespace kaoping::gateway
