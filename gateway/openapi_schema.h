#pragma once

#include <deque>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "gateway/json_writer.h"
#include "google/protobuf/descriptor.h"

namespace kaoping::gateway {

// JSON schemas of protobuf messages as the proto3 JSON mapping writes them
// (lowerCamelCase names, 64-bit integers as strings, enums by name, the
// well-known types in their JSON forms), for an OpenAPI 3.0 document.
// Messages and enums become components, referenced by full name; the
// `google.api.field_behavior` annotations, when the API carries them, mark
// fields required or read-only.
class SchemaSet {
 public:
  // The schema of one field's JSON value (lists and maps included).
  Json FieldSchema(const google::protobuf::FieldDescriptor* field);
  // A $ref to the message's component (or the inline form of a well-known type).
  Json MessageSchema(const google::protobuf::Descriptor* message);
  // The schema of a scalar or enum field's single value (no list).
  Json ValueSchema(const google::protobuf::FieldDescriptor* field);

  // Every component referenced so far, and those they reference.
  Json Components();

  // The shared error body {code, message, details}.
  static constexpr absl::string_view kErrorSchema = "kaoping.Error";

 private:
  Json Ref(const std::string& full_name);
  Json BuildMessage(const google::protobuf::Descriptor* message);
  Json BuildEnum(const google::protobuf::EnumDescriptor* type);

  std::deque<const google::protobuf::Descriptor*> pending_messages_;
  std::deque<const google::protobuf::EnumDescriptor*> pending_enums_;
  absl::flat_hash_set<std::string> referenced_;
};

}  // namespace kaoping::gateway
