#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gateway/dashboard/dashboard_cache.h"
#include "services/common/events/stream_consumer.h"

namespace kaoping::gateway {

// Keeps cached dashboards current: consumes the services' event streams
// (one consumer group, "gateway-dashboards", shared by every gateway) and
// bumps the version counter of each event's region and of the regions
// enclosing it. An event whose bump fails (Redis down) stays pending and is
// applied again later; applying one twice only invalidates twice.
class DashboardInvalidation {
 public:
  // `services`: whose streams are read, e.g. {"evaluations", "results"}:
  // every region's stream, a region's new stream found within
  // `discover_interval` of its first event.
  DashboardInvalidation(const RedisOptions& redis, const std::vector<std::string>& services,
                        const std::string& consumer, absl::Duration discover_interval,
                        DashboardCache* cache);
  ~DashboardInvalidation();

  // Consumes in the background until destroyed.
  void Start();
  // Or: applies what is waiting, once, on the calling thread (tests).
  absl::StatusOr<int> PollOnce();

  static constexpr char kGroup[] = "gateway-dashboards";

 private:
  std::vector<std::unique_ptr<StreamConsumer>> consumers_;
};

}  // namespace kaoping::gateway
