#include "services/results/event_consumers.h"

#include <unistd.h>

#include "services/common/events/outbox.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"

namespace kaoping::results {
namespace {

constexpr char kGroup[] = "results";

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') {
    return "results";
  }
  return name;
}

// Applies events of `type` with `apply`; acknowledges any other type.
EventHandler Only(const std::string& type, std::function<absl::Status(const v1::Event&)> apply) {
  return [type, apply = std::move(apply)](const v1::Event& event) {
    return event.type() == type ? apply(event) : absl::OkStatus();
  };
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventConsumers>> EventConsumers::Start(
    const Config& config, const Upstreams& upstreams, AppraisalApplication& appraisals,
    LeadApplication& leads) {
  std::unique_ptr<EventConsumers> consumers(new EventConsumers());
  const std::string redis_url = config.Get("redis_url", "none");
  if (redis_url == "none") {
    return consumers;
  }
  ASSIGN_OR_RETURN(const RedisOptions redis, ParseRedisUrl(redis_url));
  StreamConsumerOptions options;
  options.group = kGroup;
  options.consumer = config.Get("event_consumer_name", HostName());
  ASSIGN_OR_RETURN(options.claim_idle, config.GetDuration("event_claim_idle", options.claim_idle));
  ASSIGN_OR_RETURN(options.discover_interval,
                   config.GetDuration("event_discover_interval", options.discover_interval));
  options.max_attempts = kMaxAttempts;
  auto add = [&](absl::string_view service, bool configured, EventHandler handler) {
    if (!configured) {
      LogWarning("events not consumed: the service is not configured",
                 {{"stream", EventStreamName(service)},
                  {"missing_key", absl::StrCat(service, "_address")}});
      return;
    }
    StreamConsumerOptions stream = options;
    stream.service = std::string(service);  // every region's stream, found as they appear
    consumers->consumers_.push_back(
        std::make_unique<StreamConsumer>(redis, std::move(stream), std::move(handler)));
  };
  add("appraisals", upstreams.has_appraisals(),
      Only(v1::AppraisalConcluded::descriptor()->full_name(),
           [&appraisals](const v1::Event& event) {
             return appraisals.OnAppraisalConcluded(event);
           }));
  add("evaluations", upstreams.has_evaluations(),
      Only(v1::LeadVerified::descriptor()->full_name(),
           [&leads](const v1::Event& event) { return leads.OnLeadVerified(event); }));
  for (auto& consumer : consumers->consumers_) {
    consumer->Start();  // creates its group first, retrying while Redis is away
  }
  return consumers;
}

EventConsumers::~EventConsumers() {
  for (auto& consumer : consumers_) {
    consumer->Stop();
  }
}

}  // namespace kaoping::results
