#pragma once

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "services/common/config.h"
#include "services/common/db/database.h"
#include "services/common/http/metrics_endpoint.h"
#include "services/common/metrics/registry.h"
#include "services/common/metrics/rpc_metrics.h"

namespace kaoping::http {

// Everything a service process needs to be scraped: a registry, the RPC
// metrics its call path records into, the outbox lag read from its store,
// and the listener on `metrics_address` (none when the key is unset).
//
// Wiring into a service's runtime (ServiceRuntime::Create):
//   ASSIGN_OR_RETURN(metrics_, ServiceMetrics::Start(config, db_.get()));
//   metrics_->rpc().SetQueueDepth([workers] { return workers->queued(); });
// and in the call path, once a call is answered:
//   env.metrics->RecordCall(full_method, status.code(), absl::Now() - start);
class ServiceMetrics {
 public:
  static absl::StatusOr<std::unique_ptr<ServiceMetrics>> Start(const Config& config,
                                                               db::Database* db);

  metrics::Registry& registry() { return registry_; }
  metrics::RpcMetrics& rpc() { return rpc_; }
  // Empty without `metrics_address`.
  std::string address() const { return endpoint_ == nullptr ? "" : endpoint_->address(); }

 private:
  ServiceMetrics() = default;
  metrics::Registry registry_;
  metrics::RpcMetrics rpc_{registry_};
  std::unique_ptr<MetricsEndpoint> endpoint_;
};

}  // namespace kaoping::http
