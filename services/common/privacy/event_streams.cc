#include "services/common/privacy/event_streams.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/region.h"

namespace kaoping::privacy {

std::string EventStreamKey(absl::string_view service, absl::string_view region_code) {
  return absl::StrCat("kaoping:events:", service, ":", region_code);
}

std::string EventRegionRegistryKey(absl::string_view service) {
  return absl::StrCat("kaoping:events:", service, ":regions");
}

std::string StreamRegion(absl::string_view service, absl::string_view stream_key) {
  const std::string prefix = absl::StrCat("kaoping:events:", service, ":");
  if (!absl::StartsWith(stream_key, prefix)) {
    return "";
  }
  const absl::string_view code = stream_key.substr(prefix.size());
  return IsValidRegionCode(code) ? std::string(code) : "";
}

bool ConsumerMayRead(const std::vector<std::string>& region_prefixes, absl::string_view service,
                     absl::string_view stream_key) {
  const std::string region = StreamRegion(service, stream_key);
  if (region.empty()) {
    return false;
  }
  for (const std::string& prefix : region_prefixes) {
    if (prefix == kEveryRegion || (!prefix.empty() && absl::StartsWith(region, prefix))) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> ConsumerAclKeyPatterns(absl::string_view service,
                                                const std::vector<std::string>& region_prefixes) {
  std::vector<std::string> patterns;
  bool discovers = false;
  for (const std::string& prefix : region_prefixes) {
    if (prefix.empty()) {
      continue;  // an empty prefix is no grant, not every region
    }
    if (prefix == kEveryRegion) {
      patterns.push_back(absl::StrCat("~", EventStreamKey(service, "*")));
      discovers = true;
    } else if (prefix.size() == 6) {
      // One stream, and its dead-letter streams.
      patterns.push_back(absl::StrCat("~", EventStreamKey(service, prefix)));
      patterns.push_back(absl::StrCat("~", EventStreamKey(service, prefix), ":*"));
    } else {
      patterns.push_back(absl::StrCat("~", EventStreamKey(service, prefix), "*"));
      discovers = true;
    }
  }
  if (discovers) {
    patterns.push_back(absl::StrCat("%R~", EventRegionRegistryKey(service)));
  }
  return patterns;
}

}  // namespace kaoping::privacy
