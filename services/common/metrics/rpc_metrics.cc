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

RpcMetrics::Method::Method(RpcMetrics* owner, std::string method)
    : owner_(owner), method_(std::move(method)), duration_(owner->duration_.With({method_})) {}

void RpcMetrics::Method::Record(absl::StatusCode code, absl::Duration latency) {
  const size_t i = static_cast<size_t>(code) < kCodes
                       ? static_cast<size_t>(code)
                       : static_cast<size_t>(absl::StatusCode::kUnknown);
  Counter* counter = calls_[i].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Racing first calls get the same series from the family.
    counter =
        &owner_->calls_.With({method_, absl::StatusCodeToString(static_cast<absl::StatusCode>(i))});
    calls_[i].store(counter, std::memory_order_release);
  }
  counter->Increment();
  duration_.Observe(absl::ToDoubleSeconds(latency));
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
