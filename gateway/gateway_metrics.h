#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/http/server.h"
#include "services/common/metrics/registry.h"

namespace kaoping::gateway {

// What the gateway reports at /metrics:
//   kaoping_gateway_requests_total{route,code}      HTTP requests by route and HTTP status
//   kaoping_gateway_request_duration_seconds{route} latency histogram
//   kaoping_gateway_upstream_calls_total{method,code}  gRPC calls by method and gRPC code
//   kaoping_gateway_rate_limited_total              requests refused by a client's rate limit
//   kaoping_gateway_connections, kaoping_gateway_inflight_requests
// `route` is the RPC's full name, or "openapi", "healthz", "unrouted":
// never raw request paths, so that series stay few.
class GatewayMetrics {
 public:
  explicit GatewayMetrics(metrics::Registry& registry);

  void RecordRequest(absl::string_view route, int http_status, absl::Duration latency);
  void RecordUpstream(absl::string_view method, absl::StatusCode code);
  void RecordRateLimited() { rate_limited_.Increment(); }
  // Gauges of the server's connections and requests in flight.
  void WatchServer(const http::Server* server);

 private:
  metrics::Registry& registry_;
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& duration_;
  metrics::Family<metrics::Counter>& upstream_;
  metrics::Counter& rate_limited_;
};

}  // namespace kaoping::gateway
