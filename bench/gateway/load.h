#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"

// Closed-loop load at a fixed number of connections, each with one request
// outstanding: a warm-up, then a measured window; latencies kept per
// request for percentiles.
namespace kaoping::bench {

struct LoadResult {
  double requests_per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  int64_t errors = 0;
};

struct LoadOptions {
  int connections = 64;
  absl::Duration warmup = absl::Seconds(1);
  absl::Duration measure = absl::Seconds(4);
  // HTTP only: requests per second over all connections, each connection
  // sending on its own schedule (latency counted from the scheduled time, so
  // a late answer delays nothing unseen); 0: each sends again at once.
  double rate = 0;
};

// HTTP/1.1 keep-alive connections to `address`, each sending `request`
// (raw bytes) again as soon as the answer arrives; answers other than 200
// count as errors.
LoadResult RunHttpLoad(const std::string& address, const std::string& request,
                       const LoadOptions& options);

// gRPC: `options.connections` channels (one TCP connection each), each with
// one call of `method` outstanding at a time.
LoadResult RunGrpcLoad(const std::string& address, const std::string& method,
                       const std::string& request_bytes, const std::string& authorization,
                       const LoadOptions& options);

}  // namespace kaoping::bench
