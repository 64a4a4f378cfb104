#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

// Per-region event streams (events.proto): a service writes one Redis
// Stream per region, and a consumer reads only the streams of the regions
// it serves, so that a county's subscriber never receives another county's
// events. In production each consumer's Redis user is limited to its
// streams by ACL key patterns made here.
namespace kaoping::privacy {

// "kaoping:events:{service}:{region_code}", e.g. "kaoping:events:evaluations:510114".
std::string EventStreamKey(absl::string_view service, absl::string_view region_code);

// The region code of a stream key of `service`; empty when the key is not one.
std::string StreamRegion(absl::string_view service, absl::string_view stream_key);

// Whether a consumer serving these region prefixes (as in a JWT `regions`
// claim: "510114", "5101") may read the stream.
bool ConsumerMayRead(const std::vector<std::string>& region_prefixes, absl::string_view service,
                     absl::string_view stream_key);

// Redis ACL key patterns ("~kaoping:events:evaluations:5101*") that give a
// consumer exactly the streams of its region prefixes.
std::vector<std::string> ConsumerAclKeyPatterns(absl::string_view service,
                                                const std::vector<std::string>& region_prefixes);

}  // namespace kaoping::privacy
