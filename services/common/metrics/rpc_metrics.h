#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/metrics/registry.h"

namespace kaoping::metrics {

// What a service process reports about itself, Prometheus-named:
//   kaoping_rpc_calls_total{method,code}        calls by full method name and gRPC code
//   kaoping_rpc_duration_seconds{method}        latency histogram (queueing included)
//   kaoping_rpc_queue_depth                     calls waiting for a worker
//   kaoping_outbox_pending_events               events not yet relayed (outbox lag)
// The call path records each finished call; the gauges are read at scrape time.
class RpcMetrics {
 public:
  explicit RpcMetrics(Registry& registry);

  // The series of one method, resolved once (a dispatcher keeps one per
  // route): recording a call is then a few atomic additions, no lookup.
  class Method {
   public:
    Method(RpcMetrics* owner, std::string method);
    void Record(absl::StatusCode code, absl::Duration latency);

   private:
    static constexpr size_t kCodes = 17;  // gRPC's codes, OK .. UNAUTHENTICATED
    RpcMetrics* owner_;
    std::string method_;
    Histogram& duration_;
    // Created on a code's first call, so that a scrape lists the codes seen.
    std::array<std::atomic<Counter*>, kCodes> calls_{};
  };

  // `method` is the full name, "kaoping.v1.IndicatorService/GetIndicatorSet".
  void RecordCall(absl::string_view method, absl::StatusCode code, absl::Duration latency);

  // Sources of the gauges; set once at start-up.
  void SetQueueDepth(std::function<int64_t()> depth);
  void SetOutboxPending(std::function<std::optional<int64_t>()> pending);

 private:
  Registry& registry_;
  Family<Counter>& calls_;
  Family<Histogram>& duration_;
};

}  // namespace kaoping::metrics
