#include "services/common/privacy/event_privacy.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "kaoping/v1/privacy.pb.h"

namespace kaoping::privacy {
namespace {

absl::Status Walk(const google::protobuf::Descriptor& message, const std::string& path,
                  absl::flat_hash_set<const google::protobuf::Descriptor*>& seen) {
  if (!seen.insert(&message).second) {
    return absl::OkStatus();  // a recursive type: its fields are being checked already
  }
  for (int i = 0; i < message.field_count(); ++i) {
    const google::protobuf::FieldDescriptor& field = *message.field(i);
    const std::string field_path = absl::StrCat(path, ".", field.name());
    const v1::Sensitivity sensitivity = field.options().GetExtension(v1::sensitivity);
    if (sensitivity != v1::SENSITIVITY_UNSPECIFIED) {
      return absl::FailedPreconditionError(
          absl::StrCat(field_path, " is ", v1::Sensitivity_Name(sensitivity),
                       ": events carry no opinions or identities"));
    }
    if (field.message_type() != nullptr) {
      if (auto st = Walk(*field.message_type(), field_path, seen); !st.ok()) {
        return st;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckEventPayloadType(const google::protobuf::Descriptor& payload) {
  absl::flat_hash_set<const google::protobuf::Descriptor*> seen;
  return Walk(payload, payload.name(), seen);
}

absl::Status CheckEventPayload(const google::protobuf::Message& payload) {
  return CheckEventPayloadType(*payload.GetDescriptor());
}

}  // namespace kaoping::privacy
