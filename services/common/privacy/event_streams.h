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

// The set of region codes that have a stream of `service`, kept by the
// relay ("kaoping:events:{service}:regions"): how a consumer of a city or
// province finds a county's stream that appears after it started.
std::string EventRegionRegistryKey(absl::string_view service);

// A region prefix standing for every region (a consumer serving the whole
// deployment); an empty prefix stands for none.
inline constexpr absl::string_view kEveryRegion = "*";

// The region code of a stream key of `service`; empty when the key is not one.
std::string StreamRegion(absl::string_view service, absl::string_view stream_key);

// Whether a consumer serving these region prefixes (as in a JWT `regions`
// claim: "510114", "5101"; or kEveryRegion) may read the stream.
bool ConsumerMayRead(const std::vector<std::string>& region_prefixes, absl::string_view service,
                     absl::string_view stream_key);

// Redis ACL key patterns that give a consumer exactly the streams of its
// region prefixes and their dead-letter streams ("{stream}:dead:{group}"):
// "~kaoping:events:evaluations:510114", "~kaoping:events:evaluations:510114:*"
// for a county, "~kaoping:events:evaluations:5101*" for a city; and, when a
// prefix is not a full code (its streams are found as they appear),
// read-only access to the region registry ("%R~kaoping:events:evaluations:regions").
std::vector<std::string> ConsumerAclKeyPatterns(absl::string_view service,
                                                const std::vector<std::string>& region_prefixes);

}  // namespace kaoping::privacy
