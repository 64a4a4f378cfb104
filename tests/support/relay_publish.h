#pragma once

#include <string>

#include "absl/status/status.h"
#include "kaoping/v1/events.pb.h"

namespace kaoping::testing {

// Publishes `event` to Redis exactly as a service's outbox relay does
// (services/common/events/outbox.cc): its region first added to the
// service's region registry, then the event appended to the region's
// stream "kaoping:events:{service}:{region}". For tests of consumers that
// need events without running the service that writes them.
absl::Status RelayPublish(const std::string& redis_url, const std::string& service,
                          const v1::Event& event);

}  // namespace kaoping::testing
