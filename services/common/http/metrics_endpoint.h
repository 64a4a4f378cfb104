#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "services/common/config.h"
#include "services/common/http/server.h"
#include "services/common/metrics/registry.h"

namespace kaoping::http {

// Serves GET /metrics (Prometheus text) from a registry; anything else is 404.
class MetricsHandler final : public Handler {
 public:
  explicit MetricsHandler(const metrics::Registry* registry) : registry_(registry) {}
  void Handle(Request request, Responder respond) override;

 private:
  const metrics::Registry* registry_;
};

// A process's metrics listener: a small HTTP server on `metrics_address`
// (host:port) serving the registry at /metrics. Null when the key is unset.
class MetricsEndpoint {
 public:
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> FromConfig(
      const Config& config, const metrics::Registry* registry);

  std::string address() const { return server_->address(); }
  void Shutdown() { server_->Shutdown(absl::ZeroDuration()); }

 private:
  explicit MetricsEndpoint(const metrics::Registry* registry) : handler_(registry) {}
  MetricsHandler handler_;
  std::unique_ptr<Server> server_;
};

}  // namespace kaoping::http
