#include "services/results/sealed_fields.h"

#include <vector>

#include "kaoping/v1/privacy.pb.h"

namespace kaoping::results {

void ClearSealedIdentities(google::protobuf::Message& message) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->options().GetExtension(v1::sensitivity) == v1::SEALED_IDENTITY) {
      reflection->ClearField(&message, field);
      continue;
    }
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      continue;
    }
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        ClearSealedIdentities(*reflection->MutableRepeatedMessage(&message, field, i));
      }
    } else {
      ClearSealedIdentities(*reflection->MutableMessage(&message, field));
    }
  }
}

}  // namespace kaoping::results
