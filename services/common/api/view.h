#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "kaoping/v1/common.pb.h"

// Views (AIP-157): List methods answer BASIC unless FULL is asked for, Get
// methods FULL unless BASIC is asked for, so that a page of large resources
// stays small. What BASIC leaves out is declared per resource by the
// service (and documented on the resource in the protos).
namespace kaoping {

enum class ViewKind { kBasic, kFull };

// The view a List request asked for: VIEW_UNSPECIFIED is BASIC. An unknown
// value is INVALID_ARGUMENT naming `field`.
absl::StatusOr<ViewKind> ListView(absl::string_view field, v1::View view);
// The same for Get: VIEW_UNSPECIFIED is FULL.
absl::StatusOr<ViewKind> GetView(absl::string_view field, v1::View view);

// For BASIC, clears the fields a resource's BASIC view leaves out (field
// paths, e.g. {"dimensions", "profiles"} or {"content.summary"}); FULL
// changes nothing. A path naming no field of the resource is ignored.
void ApplyView(ViewKind view, const std::vector<std::string>& omitted_in_basic,
               google::protobuf::Message& resource);

}  // namespace kaoping
