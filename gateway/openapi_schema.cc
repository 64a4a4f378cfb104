#include "gateway/openapi_schema.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/descriptor.pb.h"

namespace kaoping::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

Json Typed(absl::string_view type, absl::string_view format = "") {
  Json schema = Json::Object();
  schema.Set("type", type);
  if (!format.empty()) {
    schema.Set("format", format);
  }
  return schema;
}

// The inline schema of a well-known type, or an empty object for others.
Json WellKnown(const Descriptor* message) {
  const std::string& n = message->full_name();
  if (n == "google.protobuf.Timestamp") {
    return Typed("string", "date-time");
  }
  if (n == "google.protobuf.Duration") {
    return Typed("string").Set("description", "seconds with an `s` suffix, e.g. \"1.5s\"");
  }
  if (n == "google.protobuf.FieldMask") {
    return Typed("string").Set("description", "comma-separated lowerCamelCase field paths");
  }
  if (n == "google.protobuf.Empty") {
    return Typed("object");
  }
  if (n == "google.protobuf.Struct") {
    return Typed("object").Set("additionalProperties", true);
  }
  if (n == "google.protobuf.Value") {
    return Json::Object().Set("description", "any JSON value");
  }
  if (n == "google.protobuf.ListValue") {
    return Typed("array").Set("items", Json::Object());
  }
  if (n == "google.protobuf.Any") {
    return Typed("object")
        .Set("properties", Json::Object().Set("@type", Typed("string")))
        .Set("additionalProperties", true);
  }
  static const std::map<std::string, std::pair<const char*, const char*>> kWrappers = {
      {"google.protobuf.DoubleValue", {"number", "double"}},
      {"google.protobuf.FloatValue", {"number", "float"}},
      {"google.protobuf.Int64Value", {"string", "int64"}},
      {"google.protobuf.UInt64Value", {"string", "uint64"}},
      {"google.protobuf.Int32Value", {"integer", "int32"}},
      {"google.protobuf.UInt32Value", {"integer", "int64"}},
      {"google.protobuf.BoolValue", {"boolean", ""}},
      {"google.protobuf.StringValue", {"string", ""}},
      {"google.protobuf.BytesValue", {"string", "byte"}}};
  auto it = kWrappers.find(n);
  if (it != kWrappers.end()) {
    return Typed(it->second.first, it->second.second).Set("nullable", true);
  }
  return Json();
}

bool IsWellKnown(const Descriptor* message) {
  return message->file()->name().rfind("google/protobuf/", 0) == 0;
}

// The values of the repeated enum option google.api.field_behavior, when
// this binary's API carries the annotation (found by name: no dependency).
std::vector<int> FieldBehaviors(const FieldDescriptor* field) {
  static const FieldDescriptor* extension =
      google::protobuf::DescriptorPool::generated_pool()->FindExtensionByName(
          "google.api.field_behavior");
  std::vector<int> out;
  if (extension == nullptr) {
    return out;
  }
  const google::protobuf::Message& options = field->options();
  const google::protobuf::Reflection* r = options.GetReflection();
  for (int i = 0; i < r->FieldSize(options, extension); ++i) {
    out.push_back(r->GetRepeatedEnumValue(options, extension, i));
  }
  return out;
}

constexpr int kRequired = 2;
constexpr int kOutputOnly = 3;

}  // namespace

Json SchemaSet::Ref(const std::string& full_name) {
  return Json::Object().Set("$ref", absl::StrCat("#/components/schemas/", full_name));
}

Json SchemaSet::MessageSchema(const Descriptor* message) {
  if (IsWellKnown(message)) {
    Json inline_schema = WellKnown(message);
    if (!inline_schema.empty()) {
      return inline_schema;
    }
  }
  if (referenced_.insert(message->full_name()).second) {
    pending_messages_.push_back(message);
  }
  return Ref(message->full_name());
}

Json SchemaSet::ValueSchema(const FieldDescriptor* field) {
  switch (field->type()) {
    case FieldDescriptor::TYPE_DOUBLE:
      return Typed("number", "double");
    case FieldDescriptor::TYPE_FLOAT:
      return Typed("number", "float");
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_SFIXED64:
      return Typed("string", "int64");
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_FIXED64:
      return Typed("string", "uint64");
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_SINT32:
    case FieldDescriptor::TYPE_SFIXED32:
      return Typed("integer", "int32");
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_FIXED32:
      return Typed("integer", "int64");
    case FieldDescriptor::TYPE_BOOL:
      return Typed("boolean");
    case FieldDescriptor::TYPE_STRING:
      return Typed("string");
    case FieldDescriptor::TYPE_BYTES:
      return Typed("string", "byte");
    case FieldDescriptor::TYPE_ENUM:
      if (referenced_.insert(field->enum_type()->full_name()).second) {
        pending_enums_.push_back(field->enum_type());
      }
      return Ref(field->enum_type()->full_name());
    case FieldDescriptor::TYPE_MESSAGE:
    case FieldDescriptor::TYPE_GROUP:
      return MessageSchema(field->message_type());
  }
  return Json::Object();
}

Json SchemaSet::FieldSchema(const FieldDescriptor* field) {
  if (field->is_map()) {
    return Typed("object").Set("additionalProperties",
                               ValueSchema(field->message_type()->map_value()));
  }
  if (field->is_repeated()) {
    return Typed("array").Set("items", ValueSchema(field));
  }
  return ValueSchema(field);
}

Json SchemaSet::BuildMessage(const Descriptor* message) {
  Json properties = Json::Object();
  Json required = Json::Array();
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    Json schema = FieldSchema(field);
    const std::vector<int> behaviors = FieldBehaviors(field);
    const bool output_only =
        std::find(behaviors.begin(), behaviors.end(), kOutputOnly) != behaviors.end();
    if (output_only || field->options().deprecated()) {
      // $ref admits no siblings in OpenAPI 3.0: wrap it.
      if (schema.Find("$ref") != nullptr) {
        schema = Json::Object().Set("allOf", Json::Array().Add(std::move(schema)));
      }
      if (output_only) {
        schema.Set("readOnly", true);
      }
      if (field->options().deprecated()) {
        schema.Set("deprecated", true);
      }
    }
    if (std::find(behaviors.begin(), behaviors.end(), kRequired) != behaviors.end()) {
      required.Add(field->json_name());
    }
    properties.Set(field->json_name(), std::move(schema));
  }
  Json schema = Typed("object");
  schema.Set("description", absl::StrCat("protobuf message ", message->full_name()));
  schema.Set("properties", std::move(properties));
  if (!required.empty()) {
    schema.Set("required", std::move(required));
  }
  return schema;
}

Json SchemaSet::BuildEnum(const google::protobuf::EnumDescriptor* type) {
  Json values = Json::Array();
  for (int i = 0; i < type->value_count(); ++i) {
    values.Add(type->value(i)->name());
  }
  return Typed("string")
      .Set("description", absl::StrCat("protobuf enum ", type->full_name()))
      .Set("enum", std::move(values));
}

Json SchemaSet::Components() {
  std::map<std::string, Json> built;
  while (!pending_messages_.empty() || !pending_enums_.empty()) {
    if (!pending_messages_.empty()) {
      const Descriptor* m = pending_messages_.front();
      pending_messages_.pop_front();
      built[m->full_name()] = BuildMessage(m);
    } else {
      const auto* e = pending_enums_.front();
      pending_enums_.pop_front();
      built[e->full_name()] = BuildEnum(e);
    }
  }
  Json components = Json::Object();
  components.Set(
      kErrorSchema,
      Typed("object")
          .Set("description",
               "Every error: the gRPC status code (google.rpc.Code), a message a "
               "person can act on, and details (google.protobuf.Any)")
          .Set("properties",
               Json::Object()
                   .Set("code", Typed("integer", "int32"))
                   .Set("message", Typed("string"))
                   .Set("details", Typed("array").Set(
                                       "items", WellKnown(google::protobuf::Any::descriptor()))))
          .Set("required", Json::Array().Add("code").Add("message").Add("details")));
  for (auto& [name, schema] : built) {
    components.Set(name, std::move(schema));
  }
  return components;
}

}  // namespace kaoping::gateway
