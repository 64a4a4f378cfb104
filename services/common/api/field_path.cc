#include "services/common/api/field_path.h"

#include "absl/strings/str_split.h"

namespace kaoping {

std::vector<const google::protobuf::FieldDescriptor*> ResolveFieldPath(
    const google::protobuf::Descriptor& type, absl::string_view path) {
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  const google::protobuf::Descriptor* current = &type;
  for (absl::string_view segment : absl::StrSplit(path, '.')) {
    if (current == nullptr) {
      return {};  // the previous segment was not a message to descend into
    }
    const auto* field = current->FindFieldByName(std::string(segment));
    if (field == nullptr) {
      return {};
    }
    fields.push_back(field);
    current = field->is_repeated() ? nullptr : field->message_type();
  }
  return fields;
}

bool FieldPathIsSet(const google::protobuf::Message& message,
                    const std::vector<const google::protobuf::FieldDescriptor*>& fields) {
  const google::protobuf::Message* current = &message;
  for (size_t i = 0; i + 1 < fields.size(); ++i) {
    if (!current->GetReflection()->HasField(*current, fields[i])) {
      return false;
    }
    current = &current->GetReflection()->GetMessage(*current, fields[i]);
  }
  const auto* last = fields.back();
  return last->is_repeated() ? current->GetReflection()->FieldSize(*current, last) > 0
                             : current->GetReflection()->HasField(*current, last);
}

void ClearFieldPath(google::protobuf::Message& message,
                    const std::vector<const google::protobuf::FieldDescriptor*>& fields) {
  google::protobuf::Message* current = &message;
  for (size_t i = 0; i + 1 < fields.size(); ++i) {
    if (!current->GetReflection()->HasField(*current, fields[i])) {
      return;
    }
    current = current->GetReflection()->MutableMessage(current, fields[i]);
  }
  current->GetReflection()->ClearField(current, fields.back());
}

}  // namespace kaoping
