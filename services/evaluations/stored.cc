#include "services/evaluations/stored.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"

namespace kaoping::evaluations {

google::protobuf::Timestamp TimestampOfMicros(int64_t micros) {
  google::protobuf::Timestamp time;
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  time.set_seconds(seconds);
  time.set_nanos(static_cast<int32_t>(rest * 1000));
  return time;
}

absl::Status ChangedConcurrently(int64_t changed, absl::string_view name) {
  if (changed > 0) {
    return absl::OkStatus();
  }
  return absl::AbortedError(
      absl::StrCat(name, " was changed concurrently; read it again and retry"));
}

std::string Placeholders(int first, int count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (int i = 0; i < count; ++i) {
    out.push_back(absl::StrCat("$", first + i));
  }
  return absl::StrJoin(out, ", ");
}

std::string JoinKey(const std::vector<std::string>& parts) {
  std::string key;
  for (const std::string& part : parts) {
    absl::StrAppend(&key, part.size(), ":", part);
  }
  return key;
}

std::vector<std::string> SplitKey(absl::string_view key) {
  std::vector<std::string> parts;
  while (!key.empty()) {
    const size_t colon = key.find(':');
    size_t length = 0;
    if (colon == absl::string_view::npos || !absl::SimpleAtoi(key.substr(0, colon), &length) ||
        length > key.size() - colon - 1) {
      return {};
    }
    parts.emplace_back(key.substr(colon + 1, length));
    key.remove_prefix(colon + 1 + length);
  }
  return parts;
}

}  // namespace kaoping::evaluations
