#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace kaoping::gateway {

// Sets (or, for a repeated field, adds) one field of `message` from the text
// of a path segment or query parameter, with the proto3 JSON mapping's
// spelling: numbers as decimal, bools as true/false, enums by name (or
// number), bytes as base64, Timestamp/Duration/FieldMask as their JSON
// strings, wrappers as their value. `what` names the parameter in errors:
// INVALID_ARGUMENT: query parameter pageSize: "ten" is not an integer.
absl::Status SetFieldFromText(google::protobuf::Message* message,
                              const google::protobuf::FieldDescriptor* field,
                              absl::string_view text, absl::string_view what);

// True for the message types whose JSON form is one string or number
// (well-known types and wrappers), which a query parameter can carry.
bool IsScalarLike(const google::protobuf::Descriptor* message);

}  // namespace kaoping::gateway
