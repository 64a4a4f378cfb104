#include "tests/support/relay_publish.h"

#include <vector>

#include "services/common/events/redis_client.h"
#include "services/common/privacy/event_streams.h"
#include "services/common/status_macros.h"

namespace kaoping::testing {

absl::Status RelayPublish(const std::string& redis_url, const std::string& service,
                          const v1::Event& event) {
  ASSIGN_OR_RETURN(RedisOptions options, ParseRedisUrl(redis_url));
  RedisClient redis(options);
  const std::string& region = event.region_code();
  std::vector<std::vector<std::string>> commands = {
      {"SADD", privacy::EventRegionRegistryKey(service), region},
      {"XADD", privacy::EventStreamKey(service, region), "*", "id", event.id(), "type",
       event.type(), "region", region, "event", event.SerializeAsString()}};
  return redis.Pipeline(commands).status();
}

}  // namespace kaoping::testing
