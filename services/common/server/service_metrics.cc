#include "services/common/server/service_metrics.h"

#include "services/common/events/outbox.h"
#include "services/common/status_macros.h"

namespace kaoping {

absl::StatusOr<std::unique_ptr<ServiceMetrics>> ServiceMetrics::Start(const Config& config,
                                                                      db::Database* db) {
  std::unique_ptr<ServiceMetrics> metrics(new ServiceMetrics());
  metrics->rpc_.SetOutboxPending([db]() -> std::optional<int64_t> {
    absl::StatusOr<int64_t> pending = Outbox::CountPending(*db);
    if (!pending.ok()) {
      return std::nullopt;  // the store is down: no sample rather than a wrong one
    }
    return *pending;
  });
  ASSIGN_OR_RETURN(metrics->endpoint_,
                   http::MetricsEndpoint::FromConfig(config, &metrics->registry_));
  return metrics;
}

void ServiceMetrics::Stop() {
  if (endpoint_ != nullptr) {
    endpoint_->Shutdown();
  }
}

}  // namespace kaoping
