#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/common/api/update_mask.h"  // ResolveUpdateMask, once declared here

// Metadata every mutable resource shares: etags and timestamps (update
// masks: update_mask.h).
namespace kaoping {

// An opaque etag for one revision of one incarnation of a resource.
std::string ComputeEtag(absl::string_view name, int64_t revision,
                        const google::protobuf::Timestamp& create_time);

// AIP-154: an etag sent back must be current; empty means "no check".
// Stale is ABORTED, naming the resource.
absl::Status CheckEtag(absl::string_view field, absl::string_view supplied,
                       absl::string_view current, absl::string_view name);

google::protobuf::Timestamp ToProtoTimestamp(absl::Time time);

}  // namespace kaoping
