#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/common/db/database.h"

// What every store of the service shares: contents are serialized messages,
// times are microseconds since the epoch, and a changed row is ABORTED when
// someone changed it in between.
namespace kaoping::evaluations {

template <typename Message>
absl::StatusOr<Message> Decode(const db::Value& content, absl::string_view what) {
  Message message;
  if (!message.ParseFromString(content.AsBlob())) {
    return absl::DataLossError(absl::StrCat("a stored ", what, " does not parse"));
  }
  return message;
}

inline db::Blob Encode(const google::protobuf::Message& message) {
  return db::Blob{message.SerializeAsString()};
}

inline int64_t Micros(const google::protobuf::Timestamp& time) {
  return time.seconds() * 1000000 + time.nanos() / 1000;
}
inline int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }
google::protobuf::Timestamp TimestampOfMicros(int64_t micros);

// A row that `changed` says was not updated: someone else changed it first.
absl::Status ChangedConcurrently(int64_t changed, absl::string_view name);

// "$first, $first+1, …" for `count` parameters.
std::string Placeholders(int first, int count);

// A keyset position of several columns as one page-token key, and back
// (length-prefixed, so that any text round-trips); empty when malformed.
std::string JoinKey(const std::vector<std::string>& parts);
std::vector<std::string> SplitKey(absl::string_view key);

}  // namespace kaoping::evaluations
