#include "gateway/gateway.h"

#include <cstdio>
#include <cstring>

#include "gateway/openapi.h"
#include "services/common/log.h"
#include "services/common/server/process_main.h"
#include "services/common/status_macros.h"

namespace kaoping::gateway {

absl::StatusOr<RoutedApi> RouteApi(const GatewayOptions& options, const GatewaySetup& setup) {
  RoutedApi api;
  ASSIGN_OR_RETURN(api.routes, RouteTable::Build(CompiledServices(setup.api_prefixes)));
  RETURN_IF_ERROR(CheckSelectors(options, api.routes));
  api.settings = SettingsPerRoute(options, api.routes);
  return api;
}

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Start(const Config& config, GatewaySetup setup) {
  std::unique_ptr<Gateway> g(new Gateway());
  ASSIGN_OR_RETURN(g->options_, GatewayOptionsFromConfig(config));
  ASSIGN_OR_RETURN(g->options_.server.listen_address, config.Require("listen_address"));
  ASSIGN_OR_RETURN(g->api_, RouteApi(g->options_, setup));
  std::vector<std::string> served_by_others;
  for (const auto& [service, collection] : g->options_.upstream_by_segment) {
    served_by_others.push_back(service);
  }
  ASSIGN_OR_RETURN(
      g->upstreams_,
      Upstreams::FromConfig(config, CompiledServices(setup.api_prefixes), served_by_others,
                            g->options_.upstream_channels, g->options_.upstream_ca_file));
  ASSIGN_OR_RETURN(g->authenticator_, Authenticator::FromConfig(config, setup.clock));
  g->rate_limiter_ =
      std::make_unique<RateLimiter>(g->options_.system_rate, g->options_.system_burst, setup.clock);
  g->metrics_ = std::make_unique<GatewayMetrics>(g->registry_);
  ASSIGN_OR_RETURN(g->site_,
                   Site::FromConfig(config, *g->upstreams_, g->authenticator_.get(), setup.clock));
  HandlerDeps deps;
  deps.own_routes = g->site_->routes();
  deps.routes = &g->api_.routes;
  deps.settings = g->api_.settings;
  deps.upstreams = g->upstreams_.get();
  deps.authenticator = g->authenticator_.get();
  deps.rate_limiter = g->rate_limiter_.get();
  deps.metrics = g->metrics_.get();
  deps.openapi_json = OpenApiDocument(g->api_.routes, g->api_.settings);
  deps.max_token_bytes = g->options_.max_token_bytes;
  g->handler_ = std::make_unique<GatewayHandler>(std::move(deps));
  ASSIGN_OR_RETURN(g->server_, http::Server::Start(g->options_.server, g->handler_.get()));
  g->metrics_->WatchServer(g->server_.get());
  ASSIGN_OR_RETURN(g->metrics_endpoint_, http::MetricsEndpoint::FromConfig(config, &g->registry_));
  return g;
}

Gateway::~Gateway() { Shutdown(); }

std::string Gateway::metrics_address() const {
  return metrics_endpoint_ == nullptr ? "" : metrics_endpoint_->address();
}

void Gateway::Shutdown() {
  if (server_ != nullptr) {
    server_->Shutdown(options_.shutdown_grace);
  }
  if (metrics_endpoint_ != nullptr) {
    metrics_endpoint_->Shutdown();
  }
}

namespace {

int PrintOpenApi(int argc, char** argv) {
  // argv[0] is skipped by Config::Load: here it is the program's name.
  auto config = Config::Load(argc - 1, argv + 1);
  auto options = config.ok() ? GatewayOptionsFromConfig(*config) : config.status();
  auto api = options.ok() ? RouteApi(*options, GatewaySetup{}) : options.status();
  if (!api.ok()) {
    std::fprintf(stderr, "kaoping-gateway: %s\n", api.status().ToString().c_str());
    return 2;
  }
  std::printf("%s\n", OpenApiDocument(api->routes, api->settings).c_str());
  return 0;
}

}  // namespace

int GatewayMain(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--print-openapi") == 0) {
    return PrintOpenApi(argc, argv);
  }
  auto config = LoadProcessConfig(argc, argv, "gateway", [](Config&) { return absl::OkStatus(); });
  if (!config.ok()) {
    return StartFailure(config.status());
  }
  auto gateway = Gateway::Start(*config);
  if (!gateway.ok()) {
    return StartFailure(gateway.status());
  }
  LogInfo("serving", {{"address", (*gateway)->address()},
                      {"metrics", (*gateway)->metrics_address()},
                      {"config", config->source()}});
  return ServeUntilSignal([&] {
    (*gateway)->Shutdown();
    gateway->reset();
  });
}

}  // namespace kaoping::gateway
