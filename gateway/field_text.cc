#include "gateway/field_text.h"

#include <cmath>
#include <limits>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/http/utf8.h"

namespace kaoping::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status Bad(absl::string_view what, absl::string_view text, absl::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": \"", http::QuotableUtf8(text), "\" is not ", expected));
}

bool IsWrapper(const google::protobuf::Descriptor* d) {
  const std::string& n = d->full_name();
  return n == "google.protobuf.DoubleValue" || n == "google.protobuf.FloatValue" ||
         n == "google.protobuf.Int64Value" || n == "google.protobuf.UInt64Value" ||
         n == "google.protobuf.Int32Value" || n == "google.protobuf.UInt32Value" ||
         n == "google.protobuf.BoolValue" || n == "google.protobuf.StringValue" ||
         n == "google.protobuf.BytesValue";
}

bool IsJsonString(const google::protobuf::Descriptor* d) {
  const std::string& n = d->full_name();
  return n == "google.protobuf.Timestamp" || n == "google.protobuf.Duration" ||
         n == "google.protobuf.FieldMask";
}

template <typename T>
bool ParseInteger(absl::string_view text, T* out) {
  if constexpr (std::is_signed_v<T>) {
    int64_t v = 0;
    if (!absl::SimpleAtoi(text, &v) || v < std::numeric_limits<T>::min() ||
        v > std::numeric_limits<T>::max()) {
      return false;
    }
    *out = static_cast<T>(v);
  } else {
    if (!text.empty() && text[0] == '-') {
      return false;
    }
    uint64_t v = 0;
    if (!absl::SimpleAtoi(text, &v) || v > std::numeric_limits<T>::max()) {
      return false;
    }
    *out = static_cast<T>(v);
  }
  return true;
}

absl::Status SetMessageField(Message* message, const FieldDescriptor* field, absl::string_view text,
                             absl::string_view what) {
  const Reflection* r = message->GetReflection();
  const google::protobuf::Descriptor* type = field->message_type();
  Message* target =
      field->is_repeated() ? r->AddMessage(message, field) : r->MutableMessage(message, field);
  if (IsWrapper(type)) {
    return SetFieldFromText(target, type->FindFieldByNumber(1), text, what);
  }
  if (!IsJsonString(type)) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": a message (", type->full_name(), "); set its fields one by one, e.g. ", what, ".",
        type->field_count() > 0 ? type->field(0)->json_name() : "field"));
  }
  // Their JSON strings are plain ASCII: nothing to escape.
  for (char c : text) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
      return Bad(what, text, absl::StrCat("a valid ", type->name()));
    }
  }
  const std::string json = absl::StrCat("\"", text, "\"");
  auto st = google::protobuf::util::JsonStringToMessage(json, target);
  if (!st.ok()) {
    return Bad(what, text, absl::StrCat("a valid ", type->name()));
  }
  return absl::OkStatus();
}

absl::Status SetEnum(Message* message, const FieldDescriptor* field, absl::string_view text,
                     absl::string_view what) {
  const google::protobuf::EnumDescriptor* type = field->enum_type();
  const google::protobuf::EnumValueDescriptor* value = type->FindValueByName(std::string(text));
  int number = 0;
  if (value == nullptr && absl::SimpleAtoi(text, &number)) {
    value = type->FindValueByNumber(number);
  }
  if (value == nullptr) {
    std::string names;
    for (int i = 0; i < type->value_count() && i < 20; ++i) {
      absl::StrAppend(&names, i == 0 ? "" : ", ", type->value(i)->name());
    }
    return Bad(what, text, absl::StrCat("one of ", names));
  }
  const Reflection* r = message->GetReflection();
  if (field->is_repeated()) {
    r->AddEnum(message, field, value);
  } else {
    r->SetEnum(message, field, value);
  }
  return absl::OkStatus();
}

}  // namespace

bool IsScalarLike(const google::protobuf::Descriptor* message) {
  return IsWrapper(message) || IsJsonString(message);
}

absl::Status SetFieldFromText(Message* message, const FieldDescriptor* field,
                              absl::string_view text, absl::string_view what) {
  const Reflection* r = message->GetReflection();
  const bool add = field->is_repeated();
#define KAOPING_SET(Kind, value) \
  (add ? r->Add##Kind(message, field, value) : r->Set##Kind(message, field, value))
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string value;
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        if (!absl::Base64Unescape(text, &value) && !absl::WebSafeBase64Unescape(text, &value)) {
          return Bad(what, text, "base64");
        }
      } else if (!http::IsValidUtf8(text)) {
        return Bad(what, text, "valid UTF-8");
      } else {
        value = std::string(text);
      }
      KAOPING_SET(String, std::move(value));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v = 0;
      if (!ParseInteger(text, &v)) {
        return Bad(what, text, "a 32-bit integer");
      }
      KAOPING_SET(Int32, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v = 0;
      if (!ParseInteger(text, &v)) {
        return Bad(what, text, "a 64-bit integer");
      }
      KAOPING_SET(Int64, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v = 0;
      if (!ParseInteger(text, &v)) {
        return Bad(what, text, "an unsigned 32-bit integer");
      }
      KAOPING_SET(UInt32, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v = 0;
      if (!ParseInteger(text, &v)) {
        return Bad(what, text, "an unsigned 64-bit integer");
      }
      KAOPING_SET(UInt64, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v = 0;
      if (!absl::SimpleAtod(text, &v) || std::isnan(v) != (text == "NaN")) {
        return Bad(what, text, "a number");
      }
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        KAOPING_SET(Double, v);
      } else {
        KAOPING_SET(Float, static_cast<float>(v));
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (text != "true" && text != "false") {
        return Bad(what, text, "true or false");
      }
      KAOPING_SET(Bool, text == "true");
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM:
      return SetEnum(message, field, text, what);
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return SetMessageField(message, field, text, what);
  }
#undef KAOPING_SET
  return absl::InvalidArgumentError(absl::StrCat(what, ": unsupported field type"));
}

}  // namespace kaoping::gateway
