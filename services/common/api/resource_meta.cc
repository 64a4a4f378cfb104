#include "services/common/api/resource_meta.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/crypto.h"

namespace kaoping {

std::string ComputeEtag(absl::string_view name, int64_t revision,
                        const google::protobuf::Timestamp& create_time) {
  return Sha256Hex(absl::StrCat(name, "#", create_time.seconds(), ".", create_time.nanos(), "#",
                                revision))
      .substr(0, 20);
}

absl::Status CheckEtag(absl::string_view field, absl::string_view supplied,
                       absl::string_view current, absl::string_view name) {
  if (supplied.empty() || supplied == current) {
    return absl::OkStatus();
  }
  return absl::AbortedError(
      absl::StrCat(field, ": stale; ", name, " was changed since it was read: read it again"));
}

absl::StatusOr<absl::flat_hash_set<std::string>> ResolveUpdateMask(
    const google::protobuf::FieldMask& mask, const google::protobuf::Message& patch,
    const std::vector<std::string>& updatable) {
  absl::flat_hash_set<std::string> allowed(updatable.begin(), updatable.end());
  if (mask.paths_size() == 1 && mask.paths(0) == "*") {
    return allowed;
  }
  absl::flat_hash_set<std::string> paths;
  if (mask.paths_size() == 0) {
    const auto* descriptor = patch.GetDescriptor();
    const auto* reflection = patch.GetReflection();
    for (const std::string& path : updatable) {
      const auto* field = descriptor->FindFieldByName(path);
      if (field == nullptr) {
        continue;
      }
      const bool populated = field->is_repeated() ? reflection->FieldSize(patch, field) > 0
                                                  : reflection->HasField(patch, field);
      if (populated) {
        paths.insert(path);
      }
    }
    return paths;
  }
  for (int i = 0; i < mask.paths_size(); ++i) {
    if (!allowed.contains(mask.paths(i))) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask.paths[", i, "]: \"", mask.paths(i),
                       "\" cannot be updated; updatable: ", absl::StrJoin(updatable, ", ")));
    }
    paths.insert(mask.paths(i));
  }
  return paths;
}

google::protobuf::Timestamp ToProtoTimestamp(absl::Time time) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(time);
  ts.set_seconds(micros / 1000000 - (micros % 1000000 < 0 ? 1 : 0));
  ts.set_nanos(static_cast<int32_t>(((micros % 1000000) + 1000000) % 1000000 * 1000));
  return ts;
}

}  // namespace kaoping
