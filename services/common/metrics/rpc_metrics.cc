#include "services/common/metrics/rpc_metrics.h"

namespace kaoping::metrics {

RpcMetrics::RpcMetrics(Registry& registry)
    : registry_(registry),
      calls_(registry.AddCounter("kaoping_rpc_calls_total",
                                 "RPCs served, by full method name and gRPC status code",
                                 {"method", "code"})),
      duration_(registry.AddHistogram("kaoping_rpc_duration_seconds",
                                      "RPC latency from arrival to answer, queueing included",
                                      {"method"})) {}

void RpcMetrics::RecordCall(absl::string_view method, absl::StatusCode code,
                            absl::Duration latency) {
  const std::string name(method);
  calls_.With({name, absl::StatusCodeToString(code)}).Increment();
  duration_.With({name}).Observe(absl::ToDoubleSeconds(latency));
}

void RpcMetrics::SetQueueDepth(std::function<int64_t()> depth) {
  registry_.AddGaugeCallback("kaoping_rpc_queue_depth", "RPC bodies waiting for a worker thread",
                             [depth = std::move(depth)]() -> std::optional<double> {
                               return static_cast<double>(depth());
                             });
}

void RpcMetrics::SetOutboxPending(std::function<std::optional<int64_t>()> pending) {
  registry_.AddGaugeCallback(
      "kaoping_outbox_pending_events",
      "Events committed to the outbox and not yet relayed to Redis (outbox lag)",
      [pending = std::move(pending)]() -> std::optional<double> {
        std::optional<int64_t> n = pending();
        if (!n.has_value()) {
          return std::nullopt;
        }
        return static_cast<double>(*n);
      });
}

}  // namespace kaoping::metrics
