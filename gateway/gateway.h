#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/gateway_handler.h"
#include "gateway/gateway_metrics.h"
#include "gateway/gateway_options.h"
#include "gateway/rate_limiter.h"
#include "gateway/route_table.h"
#include "gateway/site.h"
#include "gateway/upstreams.h"
#include "services/common/auth/authenticator.h"
#include "services/common/clock.h"
#include "services/common/config.h"
#include "services/common/http/metrics_endpoint.h"
#include "services/common/http/server.h"
#include "services/common/metrics/registry.h"

namespace kaoping::gateway {

// What the process routes: the API files compiled into the binary whose
// names start with one of the prefixes (tests add their own protos).
struct GatewaySetup {
  std::vector<std::string> api_prefixes = {"kaoping/"};
  const Clock* clock = &SystemClock::Get();
};

// The routes and per-route settings of a configuration (no network).
struct RoutedApi {
  RouteTable routes;
  std::vector<RouteSettings> settings;
};
absl::StatusOr<RoutedApi> RouteApi(const GatewayOptions& options, const GatewaySetup& setup);

// The gateway process: routes, upstream channels, JWT verification, rate
// limits, metrics, the OpenAPI document, the HTTP server, and the metrics
// listener when `metrics_address` is set.
class Gateway {
 public:
  static absl::StatusOr<std::unique_ptr<Gateway>> Start(const Config& config,
                                                        GatewaySetup setup = {});
  ~Gateway();

  // host:port of the HTTP server actually bound.
  std::string address() const { return server_->address(); }
  int port() const { return server_->port(); }
  // Empty without `metrics_address`.
  std::string metrics_address() const;
  metrics::Registry& registry() { return registry_; }
  Site& site() { return *site_; }

  // Stops accepting, lets requests in flight finish within shutdown_grace,
  // cancels the rest. Idempotent.
  void Shutdown();

 private:
  Gateway() = default;

  GatewayOptions options_;
  RoutedApi api_;
  std::unique_ptr<Upstreams> upstreams_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<RateLimiter> rate_limiter_;
  metrics::Registry registry_;
  std::unique_ptr<GatewayMetrics> metrics_;
  // Pages, dashboards, public access; outlives the handler that uses it.
  std::unique_ptr<Site> site_;
  // Declared before the servers: they are destroyed first.
  std::unique_ptr<GatewayHandler> handler_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<http::MetricsEndpoint> metrics_endpoint_;
};

// The body of main(): `--print-openapi` prints the OpenAPI document;
// otherwise serves until SIGINT/SIGTERM. 2 on bad configuration.
int GatewayMain(int argc, char** argv);

}  // namespace kaoping::gateway
