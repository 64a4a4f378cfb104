#include "gateway/gateway_options.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/status_macros.h"

namespace kaoping::gateway {
namespace {

// Bulk pushes and exports run for minutes on a county's data (aggregation
// itself is started and then polled: AggregationRun).
constexpr absl::string_view kDefaultMethodTimeouts =
    "kaoping.v1.EvaluationService.BatchSubmitForms=120s,"
    "kaoping.v1.EvaluationService.BatchCreateSubjects=120s,"
    "kaoping.v1.EvaluationService.BatchCreateInvitations=120s,"
    "kaoping.v1.EvaluationService.BatchCreateLeads=120s,"
    "kaoping.v1.ResultsService.ImportRoster=300s,"
    "kaoping.v1.ResultsService.ExportArchive=120s";

// protos/README.md: the internal scopes invitations:redeem and archive:write.
constexpr absl::string_view kDefaultInternalMethods =
    "kaoping.v1.EvaluationService.RedeemInvitationCode,"
    "kaoping.v1.ResultsService.ApplyAppraisal";

// audit.proto: every service serves its own log; the gateway routes by `{audit_log}`.
constexpr absl::string_view kDefaultUpstreamBySegment = "kaoping.v1.AuditService=auditLogs";

std::vector<std::string> ListValue(const Config& config, absl::string_view key,
                                   absl::string_view fallback) {
  std::vector<std::string> out;
  for (absl::string_view item :
       absl::StrSplit(config.Get(key, fallback), absl::ByAnyChar(", "), absl::SkipEmpty())) {
    out.emplace_back(item);
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, absl::Duration>>> ParseTimeouts(
    const Config& config) {
  std::vector<std::pair<std::string, absl::Duration>> out;
  for (const std::string& item : ListValue(config, "method_timeouts", kDefaultMethodTimeouts)) {
    std::vector<std::string> parts = absl::StrSplit(item, absl::MaxSplits('=', 1));
    absl::Duration d;
    if (parts.size() != 2 || parts[0].empty() || !absl::ParseDuration(parts[1], &d) ||
        d <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "configuration: `method_timeouts`: \"", item,
          "\" is not selector=duration, e.g. kaoping.v1.EvaluationService.AggregateCampaign=600s"));
    }
    out.emplace_back(parts[0], d);
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseSegmentRouting(
    const Config& config) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& item :
       ListValue(config, "upstream_by_segment", kDefaultUpstreamBySegment)) {
    std::vector<std::string> parts = absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("configuration: `upstream_by_segment`: \"", item,
                       "\" is not service=collection, e.g. kaoping.v1.AuditService=auditLogs"));
    }
    out.emplace_back(parts[0], parts[1]);
  }
  return out;
}

absl::StatusOr<double> PositiveNumber(const Config& config, absl::string_view key,
                                      double fallback) {
  if (!config.Has(key)) {
    return fallback;
  }
  double v = 0;
  if (!absl::SimpleAtod(config.Get(key, ""), &v) || !(v > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration: `", key, "` must be a number > 0"));
  }
  return v;
}

}  // namespace

bool SelectorMatches(absl::string_view selector, const google::protobuf::MethodDescriptor* method) {
  if (selector == "*") {
    return true;
  }
  if (absl::EndsWith(selector, ".*")) {
    return method->service()->full_name() == selector.substr(0, selector.size() - 2);
  }
  return method->full_name() == selector;
}

absl::StatusOr<GatewayOptions> GatewayOptionsFromConfig(const Config& config) {
  GatewayOptions o;
  // Required when serving (Gateway::Start); not to print the OpenAPI document.
  ASSIGN_OR_RETURN(
      o.server, http::ServerOptionsFromConfig(config, "http_", config.Get("listen_address", "")));
  ASSIGN_OR_RETURN(o.upstream_timeout, config.GetDuration("upstream_timeout", o.upstream_timeout));
  if (o.upstream_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("configuration: `upstream_timeout` must be positive");
  }
  ASSIGN_OR_RETURN(o.method_timeouts, ParseTimeouts(config));
  o.internal_methods = ListValue(config, "internal_methods", kDefaultInternalMethods);
  ASSIGN_OR_RETURN(o.upstream_by_segment, ParseSegmentRouting(config));
  ASSIGN_OR_RETURN(int64_t token, config.GetInt("max_token_bytes", 4096));
  ASSIGN_OR_RETURN(int64_t channels, config.GetInt("upstream_channels", 2));
  if (token < 256 || token > 6144 || channels < 1 || channels > 64) {
    // gRPC's default metadata limit is 8 KiB: the token must fit beside the rest.
    return absl::InvalidArgumentError(
        "configuration: `max_token_bytes` must be 256..6144 and `upstream_channels` 1..64");
  }
  o.max_token_bytes = static_cast<size_t>(token);
  o.upstream_channels = static_cast<int>(channels);
  ASSIGN_OR_RETURN(o.system_rate, PositiveNumber(config, "system_rate_limit", o.system_rate));
  ASSIGN_OR_RETURN(o.system_burst, PositiveNumber(config, "system_rate_burst", o.system_burst));
  o.upstream_ca_file = config.Get("upstream_ca_file", "");
  ASSIGN_OR_RETURN(o.shutdown_grace, config.GetDuration("shutdown_grace", o.shutdown_grace));
  return o;
}

absl::Status CheckSelectors(const GatewayOptions& options, const RouteTable& routes) {
  auto check = [&](absl::string_view key, absl::string_view selector) -> absl::Status {
    for (const Route& route : routes.routes()) {
      if (SelectorMatches(selector, route.method)) {
        return absl::OkStatus();
      }
    }
    return absl::InvalidArgumentError(
        absl::StrCat("configuration: `", key, "`: \"", selector, "\" names no method of the API"));
  };
  for (const auto& [selector, deadline] : options.method_timeouts) {
    RETURN_IF_ERROR(check("method_timeouts", selector));
  }
  for (const std::string& selector : options.internal_methods) {
    RETURN_IF_ERROR(check("internal_methods", selector));
  }
  for (const auto& [service, collection] : options.upstream_by_segment) {
    RETURN_IF_ERROR(check("upstream_by_segment", absl::StrCat(service, ".*")));
  }
  return absl::OkStatus();
}

std::vector<RouteSettings> SettingsPerRoute(const GatewayOptions& options,
                                            const RouteTable& routes) {
  std::vector<RouteSettings> out;
  for (const Route& route : routes.routes()) {
    RouteSettings s;
    s.deadline = options.upstream_timeout;
    for (const auto& [selector, deadline] : options.method_timeouts) {
      if (SelectorMatches(selector, route.method)) {
        s.deadline = deadline;
        break;
      }
    }
    for (const std::string& selector : options.internal_methods) {
      s.internal = s.internal || SelectorMatches(selector, route.method);
    }
    for (const auto& [service, collection] : options.upstream_by_segment) {
      if (route.method->service()->full_name() == service) {
        s.upstream_collection = collection;
      }
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace kaoping::gateway
