#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/config.h"
#include "services/common/db/database.h"
#include "services/common/http/metrics_endpoint.h"
#include "services/common/metrics/registry.h"
#include "services/common/metrics/rpc_metrics.h"

namespace kaoping {

// Everything a service process needs to be scraped: a registry, the RPC
// metrics its dispatchers record into (calls by method and code, latency),
// the outbox lag read from its store, and the listener on `metrics_address`
// (none when the key is unset). ServiceRuntime owns one; the worker queue
// depth is wired there.
class ServiceMetrics {
 public:
  static absl::StatusOr<std::unique_ptr<ServiceMetrics>> Start(const Config& config,
                                                               db::Database* db);
  // Stops the listener (idempotent): before the sources its gauges read
  // (the workers) go away.
  void Stop();

  metrics::Registry& registry() { return registry_; }
  metrics::RpcMetrics& rpc() { return rpc_; }
  // Empty without `metrics_address`.
  std::string address() const { return endpoint_ == nullptr ? "" : endpoint_->address(); }

 private:
  ServiceMetrics() = default;
  metrics::Registry registry_;
  metrics::RpcMetrics rpc_{registry_};
  std::unique_ptr<http::MetricsEndpoint> endpoint_;
};

}  // namespace kaoping
