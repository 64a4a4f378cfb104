#include "services/common/privacy/field_access.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/field_mask_util.h"

namespace kaoping::privacy {
namespace {

// A filter is set when it holds a value: a non-empty repeated field, or a
// field present (for proto3 scalars reflection calls a non-default value
// present).
bool IsSet(const google::protobuf::Message& message,
           const google::protobuf::FieldDescriptor& field) {
  const auto* reflection = message.GetReflection();
  return field.is_repeated() ? reflection->FieldSize(message, &field) > 0
                             : reflection->HasField(message, &field);
}

}  // namespace

bool ReadableFields::CanRead(const std::string& path) const {
  for (const std::string& p : paths_) {
    if (p == "*" || p == path || absl::StartsWith(path, absl::StrCat(p, "."))) {
      return true;
    }
  }
  return false;
}

absl::Status CheckFiltersReadable(const google::protobuf::Message& request,
                                  absl::Span<const FilterBinding> filters,
                                  const ReadableFields& readable) {
  const auto* descriptor = request.GetDescriptor();
  for (const FilterBinding& filter : filters) {
    const auto* field = descriptor->FindFieldByName(filter.request_field);
    if (field == nullptr) {
      return absl::InternalError(absl::StrCat("filter table names ", filter.request_field,
                                              ", which ", descriptor->full_name(), " lacks"));
    }
    if (IsSet(request, *field) && !readable.CanRead(filter.resource_path)) {
      return absl::PermissionDeniedError(
          absl::StrCat(filter.request_field, ": filtering on ", filter.resource_path,
                       " is not allowed to this caller, who cannot read it"));
    }
  }
  return absl::OkStatus();
}

void TrimToReadable(const ReadableFields& readable, google::protobuf::Message& resource) {
  for (const std::string& path : readable.paths()) {
    if (path == "*") {
      return;
    }
  }
  google::protobuf::FieldMask mask;
  for (const std::string& path : readable.paths()) {
    mask.add_paths(path);
  }
  google::protobuf::util::FieldMaskUtil::TrimMessage(mask, &resource);
}

}  // namespace kaoping::privacy
