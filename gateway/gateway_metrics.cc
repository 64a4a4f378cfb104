#include "gateway/gateway_metrics.h"

#include "absl/strings/str_cat.h"

namespace kaoping::gateway {

GatewayMetrics::GatewayMetrics(metrics::Registry& registry)
    : registry_(registry),
      requests_(registry.AddCounter("kaoping_gateway_requests_total",
                                    "HTTP requests answered, by route (RPC) and HTTP status",
                                    {"route", "code"})),
      duration_(registry.AddHistogram("kaoping_gateway_request_duration_seconds",
                                      "HTTP request latency in the gateway, upstream included",
                                      {"route"})),
      upstream_(registry.AddCounter("kaoping_gateway_upstream_calls_total",
                                    "gRPC calls to the services, by method and gRPC status code",
                                    {"method", "code"})),
      rate_limited_(registry
                        .AddCounter("kaoping_gateway_rate_limited_total",
                                    "Requests refused because a machine client exceeded its rate")
                        .With({})) {}

void GatewayMetrics::RecordRequest(absl::string_view route, int http_status,
                                   absl::Duration latency) {
  const std::string name(route);
  requests_.With({name, absl::StrCat(http_status)}).Increment();
  duration_.With({name}).Observe(absl::ToDoubleSeconds(latency));
}

void GatewayMetrics::RecordUpstream(absl::string_view method, absl::StatusCode code) {
  upstream_.With({std::string(method), absl::StatusCodeToString(code)}).Increment();
}

void GatewayMetrics::WatchServer(const http::Server* server) {
  registry_.AddGaugeCallback(
      "kaoping_gateway_connections", "Open client connections",
      [server]() -> std::optional<double> { return static_cast<double>(server->connections()); });
  registry_.AddGaugeCallback(
      "kaoping_gateway_inflight_requests",
      "Requests read and not yet answered (the gateway's queue)",
      [server]() -> std::optional<double> { return static_cast<double>(server->inflight()); });
}

}  // namespace kaoping::gateway
