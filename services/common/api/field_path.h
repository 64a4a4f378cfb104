#pragma once

#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

// Dotted field paths ("scoring.trim_fraction", "rater.phone") resolved
// against a message type: what update masks, views and filters name.
namespace kaoping {

// The fields a path names, outermost first; empty when a segment is not a
// field, or a segment before the last is not a singular message field.
std::vector<const google::protobuf::FieldDescriptor*> ResolveFieldPath(
    const google::protobuf::Descriptor& type, absl::string_view path);

// Whether the path's last field holds a value in `message` (a non-empty
// repeated field, a present or non-default singular one); false when an
// enclosing message is absent.
bool FieldPathIsSet(const google::protobuf::Message& message,
                    const std::vector<const google::protobuf::FieldDescriptor*>& fields);

// Clears the path's last field in `message`; nothing when an enclosing
// message is absent.
void ClearFieldPath(google::protobuf::Message& message,
                    const std::vector<const google::protobuf::FieldDescriptor*>& fields);

}  // namespace kaoping
