#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/route_table.h"
#include "services/common/config.h"
#include "services/common/http/server.h"

namespace kaoping::gateway {

// A method selector as in google.api's service config: a method's full
// name ("kaoping.v1.EvaluationService.AggregateCampaign"), a service's
// methods ("kaoping.v1.ResultsService.*") or every method ("*").
bool SelectorMatches(absl::string_view selector, const google::protobuf::MethodDescriptor* method);

// The gateway's settings, from configuration (README.md lists the keys).
struct GatewayOptions {
  http::ServerOptions server;
  // Deadline of an upstream call unless a method timeout says otherwise.
  absl::Duration upstream_timeout = absl::Seconds(30);
  // Longer (or shorter) deadlines per method selector, first match wins.
  std::vector<std::pair<std::string, absl::Duration>> method_timeouts;
  // Services every backend serves for itself (the audit log reads): the
  // path segment after this collection names the API whose upstream
  // answers, e.g. kaoping.v1.AuditService=auditLogs routes
  // regions/510114/auditLogs/indicators/records to `indicators_address`.
  std::vector<std::pair<std::string, std::string>> upstream_by_segment;
  // Methods the gateway never serves (internal scopes: the gateway itself
  // or re-application call them over gRPC).
  std::vector<std::string> internal_methods;
  // A bearer token longer than this is refused here (431): gRPC limits
  // metadata, and an oversized header would fail on the shared channel.
  size_t max_token_bytes = 4096;
  // Requests a second (and burst) per SYSTEM principal, by `sub`.
  double system_rate = 20;
  double system_burst = 40;
  // HTTP/2 connections per upstream, calls spread over them.
  int upstream_channels = 2;
  // PEM roots to verify the services' certificates; empty: plaintext gRPC.
  std::string upstream_ca_file;
  absl::Duration shutdown_grace = absl::Seconds(10);
};

absl::StatusOr<GatewayOptions> GatewayOptionsFromConfig(const Config& config);

// Every selector must name at least one routed method: a typo or a renamed
// RPC stops the gateway at start-up instead of silently doing nothing.
absl::Status CheckSelectors(const GatewayOptions& options, const RouteTable& routes);

// The settings of each route (same order as routes.routes()).
struct RouteSettings {
  absl::Duration deadline;
  bool internal = false;
  // Non-empty: the upstream is named by the segment after this collection.
  std::string upstream_collection;
};
std::vector<RouteSettings> SettingsPerRoute(const GatewayOptions& options,
                                            const RouteTable& routes);

}  // namespace kaoping::gateway
