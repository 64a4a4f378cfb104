#include "services/common/api/resource_meta.h"

#include "absl/strings/str_cat.h"
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

google::protobuf::Timestamp ToProtoTimestamp(absl::Time time) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(time);
  ts.set_seconds(micros / 1000000 - (micros % 1000000 < 0 ? 1 : 0));
  ts.set_nanos(static_cast<int32_t>(((micros % 1000000) + 1000000) % 1000000 * 1000));
  return ts;
}

}  // namespace kaoping
