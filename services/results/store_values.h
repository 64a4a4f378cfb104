#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"
#include "services/common/db/database.h"

// How the results stores turn columns into values and back: serialized
// resources with their revision, dates as YYYY-MM-DD text (text order is
// date order), times as microseconds, IN lists of bounded shapes.
namespace kaoping::results {

// A stored resource with the revision its etag and optimistic writes rest on.
template <typename Resource>
struct Revised {
  Resource resource;
  int64_t revision = 0;
};

template <typename Resource>
absl::StatusOr<Resource> DecodeContent(const db::Value& content) {
  Resource resource;
  if (!resource.ParseFromString(content.AsBlob())) {
    return absl::DataLossError(
        absl::StrCat("a stored ", Resource::descriptor()->name(), " does not parse"));
  }
  return resource;
}

// Rows of (content, revision).
template <typename Resource>
absl::StatusOr<std::vector<Revised<Resource>>> DecodeRevised(const db::Rows& rows) {
  std::vector<Revised<Resource>> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) {
    absl::StatusOr<Resource> resource = DecodeContent<Resource>(row[0]);
    if (!resource.ok()) {
      return resource.status();
    }
    out.push_back({*std::move(resource), row[1].AsInt()});
  }
  return out;
}

// Rows of (content).
template <typename Resource>
absl::StatusOr<std::vector<Resource>> DecodeAll(const db::Rows& rows) {
  std::vector<Resource> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) {
    absl::StatusOr<Resource> resource = DecodeContent<Resource>(row[0]);
    if (!resource.ok()) {
      return resource.status();
    }
    out.push_back(*std::move(resource));
  }
  return out;
}

// "2026-11-26", or NULL for an unset date.
db::Value DayOrNull(const google::type::Date& date);
std::string DayText(const google::type::Date& date);
std::optional<absl::CivilDay> ParseDay(const db::Value& value);
int64_t Micros(const google::protobuf::Timestamp& time);

// Placeholders "$n, …" for an IN list of `values`, appended to `params`
// and padded up to a few fixed lengths by repeating the last value, so
// that a store prepares a handful of statements rather than one per length.
std::string InList(db::Params& params, const std::vector<std::string>& values);

// " AND column = $n" appended to `sql` when `value` is set.
void AndEquals(db::Params& params, std::string& sql, absl::string_view column,
               const std::string& value);

// ABORTED naming the resource when an optimistic write changed no row.
absl::Status ChangedOne(int64_t changed, absl::string_view name);

// A keyset position encoded in a page token: parts joined by '\n' (no
// part of a key holds a newline: ids, dates, decimal numbers; display
// names are checked to have none).
std::string JoinKey(const std::vector<std::string>& parts);
// The parts (none for an empty key: the first page), or INVALID_ARGUMENT
// naming page_token when the count differs.
absl::StatusOr<std::vector<std::string>> SplitKey(absl::string_view key, size_t parts);

}  // namespace kaoping::results
