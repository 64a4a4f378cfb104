#include "services/common/http/metrics_endpoint.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace kaoping::http {

void MetricsHandler::Handle(Request request, Responder respond) {
  absl::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  if (path != "/metrics") {
    return respond(ErrorResponse(absl::StatusCode::kNotFound, "only /metrics is served here"));
  }
  if (request.method != "GET") {
    Response response = ErrorResponse(
        absl::StatusCode::kUnimplemented,
        absl::StrCat("method ", request.method, " not allowed on /metrics; allowed: GET"), 405);
    response.headers.push_back({"allow", "GET"});
    return respond(std::move(response));
  }
  Response response;
  response.content_type = std::string(metrics::kContentType);
  response.body = registry_->Render();
  respond(std::move(response));
}

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::FromConfig(
    const Config& config, const metrics::Registry* registry) {
  if (!config.Has("metrics_address")) {
    return nullptr;
  }
  ASSIGN_OR_RETURN(std::string address, config.Require("metrics_address"));
  ServerOptions options;
  options.listen_address = address;
  options.threads = 1;
  options.max_body_bytes = 0;
  options.max_connections = 64;
  options.max_inflight = 16;
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint(registry));
  auto server = Server::Start(options, &endpoint->handler_);
  if (!server.ok()) {
    return absl::Status(server.status().code(),
                        absl::StrCat("metrics_address: ", server.status().message()));
  }
  endpoint->server_ = std::move(*server);
  return endpoint;
}

}  // namespace kaoping::http
