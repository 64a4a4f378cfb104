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

// Metadata every mutable resource shares: etags, update masks, timestamps.
namespace kaoping {

// An opaque etag for one revision of one incarnation of a resource.
std::string ComputeEtag(absl::string_view name, int64_t revision,
                        const google::protobuf::Timestamp& create_time);

// AIP-154: an etag sent back must be current; empty means "no check".
// Stale is ABORTED, naming the resource.
absl::Status CheckEtag(absl::string_view field, absl::string_view supplied,
                       absl::string_view current, absl::string_view name);

// The paths to update (AIP-134): those of the mask; every updatable path for
// "*" (full replacement); and for an empty mask, the updatable fields the
// patch populates (non-empty), so that a patch without a mask never clears
// what it does not mention. A path outside `updatable` is INVALID_ARGUMENT
// naming it and listing what may be updated. Paths are top-level fields.
absl::StatusOr<absl::flat_hash_set<std::string>> ResolveUpdateMask(
    const google::protobuf::FieldMask& mask, const google::protobuf::Message& patch,
    const std::vector<std::string>& updatable);

google::protobuf::Timestamp ToProtoTimestamp(absl::Time time);

}  // namespace kaoping
