#include "gateway/dashboard/dashboard_invalidation.h"

#include "absl/strings/str_cat.h"
#include "services/common/region.h"

namespace kaoping::gateway {

DashboardInvalidation::DashboardInvalidation(const RedisOptions& redis,
                                             const std::vector<std::string>& services,
                                             const std::string& consumer,
                                             absl::Duration discover_interval,
                                             DashboardCache* cache) {
  EventHandler bump = [cache](const v1::Event& event) -> absl::Status {
    if (!IsValidRegionCode(event.region_code())) {
      return absl::InvalidArgumentError(
          absl::StrCat("event ", event.id(), ": region_code is not a region"));
    }
    return cache->Bump(event.region_code());
  };
  for (const std::string& service : services) {
    StreamConsumerOptions options;
    options.service = service;
    options.discover_interval = discover_interval;
    options.group = kGroup;
    options.consumer = consumer;
    consumers_.push_back(std::make_unique<StreamConsumer>(redis, options, bump));
  }
}

void DashboardInvalidation::Start() {
  for (auto& consumer : consumers_) {
    consumer->Start();
  }
}

DashboardInvalidation::~DashboardInvalidation() {
  for (auto& consumer : consumers_) {
    consumer->Stop();
  }
}

absl::StatusOr<int> DashboardInvalidation::PollOnce() {
  int applied = 0;
  for (auto& consumer : consumers_) {
    if (absl::Status group = consumer->EnsureGroup(); !group.ok()) {
      return group;
    }
    auto polled = consumer->PollOnce();
    if (!polled.ok()) {
      return polled.status();
    }
    applied += *polled;
  }
  return applied;
}

}  // namespace kaoping::gateway
