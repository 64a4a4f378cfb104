#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

// Update masks (AIP-134, AIP-161), nested paths included: "scoring" replaces
// the whole scoring config, "scoring.trim_fraction" one field of it,
// "rater.phone" one field of an invitation's rater.
namespace kaoping {

// The paths to update. `updatable` lists what a method lets change: top-level
// fields ("display_name", "scoring") and nested ones ("rater.phone").
//   - A mask path is allowed when it is in `updatable`, or lies below an
//     entry of it ("scoring.trim_fraction" below "scoring") and names a
//     field. Anything else is INVALID_ARGUMENT naming update_mask.paths[i]
//     and listing what may be updated.
//   - "*" alone: every updatable entry (full replacement).
//   - An empty mask: what the patch populates (so that a patch never clears
//     what it does not mention), descending into kaoping messages so that
//     {"scoring": {"trimFraction": 0.2}} updates scoring.trim_fraction only.
absl::StatusOr<absl::flat_hash_set<std::string>> ResolveUpdateMask(
    const google::protobuf::FieldMask& mask, const google::protobuf::Message& patch,
    const std::vector<std::string>& updatable);

// Copies the fields at `paths` (as ResolveUpdateMask returns them) from
// `patch` to `target`, of the same type: repeated fields and messages are
// replaced whole, and a path whose field the patch leaves unset clears it.
void ApplyUpdateMask(const absl::flat_hash_set<std::string>& paths,
                     const google::protobuf::Message& patch, google::protobuf::Message& target);

}  // namespace kaoping
