#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "gateway/gateway_metrics.h"
#include "gateway/gateway_options.h"
#include "gateway/own_routes.h"
#include "gateway/rate_limiter.h"
#include "gateway/route_table.h"
#include "gateway/upstreams.h"
#include "services/common/auth/authenticator.h"
#include "services/common/http/server.h"

namespace kaoping::gateway {

// What the handler is given; it owns none of it.
struct HandlerDeps {
  const RouteTable* routes = nullptr;
  std::vector<RouteSettings> settings;  // per route
  const Upstreams* upstreams = nullptr;
  const Authenticator* authenticator = nullptr;
  RateLimiter* rate_limiter = nullptr;
  GatewayMetrics* metrics = nullptr;
  std::string openapi_json;
  size_t max_token_bytes = 4096;
  // Paths served beside the API (pages, dashboards, public access), asked
  // in order before any route is matched.
  std::vector<OwnRoutes*> own_routes;
};

// Serves every route: match → authenticate (the bearer JWT, verified here
// and forwarded; services verify it again) → rate limit of machine clients
// → transcode → gRPC call with the route's deadline → JSON, or the error
// body {code, message, details} under the canonical HTTP status. Also
// /openapi.json and /healthz, and hands the paths its own routes claim to
// them (logged and counted like the rest). Never blocks: the upstream call completes on
// gRPC's callback threads.
class GatewayHandler final : public http::Handler {
 public:
  explicit GatewayHandler(HandlerDeps deps);
  // Cancels and waits for upstream calls still outstanding.
  ~GatewayHandler() override;

  void Handle(http::Request request, http::Responder respond) override;
  void CancelOutstanding() override;

 private:
  struct Call;
  // Who asked what, for the access log.
  struct Asked {
    std::string method;
    std::string path;
    std::string peer;
    std::string subject = "-";
  };

  std::optional<http::Response> ServeOwn(const http::Request& request,
                                         absl::string_view path) const;
  std::optional<http::Response> Authenticate(const http::Request& request,
                                             std::string* subject) const;
  std::optional<http::Response> Transcode(const RouteTable::Match& match, absl::string_view query,
                                          const http::Request& request, Call* call) const;
  // The route's upstream, or the refusal (no such API, none configured).
  std::optional<http::Response> ChooseUpstream(size_t index, absl::string_view path,
                                               Call* call) const;
  void StartCall(std::unique_ptr<Call> call);
  void OnCallDone(Call* call, const grpc::Status& status);
  http::Response UpstreamError(const Call& call, const grpc::Status& status) const;
  void Reply(absl::string_view route, absl::Time start, const Asked& asked, http::Response response,
             http::Responder& respond) const;

  HandlerDeps deps_;
  std::vector<std::string> grpc_paths_;  // per route: "/package.Service/Method"
  absl::Mutex mutex_;
  absl::flat_hash_set<Call*> outstanding_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace kaoping::gateway
