#include "services/results/store_values.h"

#include <algorithm>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/api/date.h"

namespace kaoping::results {

db::Value DayOrNull(const google::type::Date& date) {
  if (!IsDateSet(date)) {
    return db::Value();
  }
  return db::Value(DayText(date));
}

std::string DayText(const google::type::Date& date) {
  return FormatDay(absl::CivilDay(date.year(), date.month(), date.day()));
}

std::optional<absl::CivilDay> ParseDay(const db::Value& value) {
  absl::CivilDay day;
  if (value.is_null() || !absl::ParseCivilTime(value.AsText(), &day)) {
    return std::nullopt;
  }
  return day;
}

int64_t Micros(const google::protobuf::Timestamp& time) {
  return time.seconds() * 1000000 + time.nanos() / 1000;
}

std::string InList(db::Params& params, const std::vector<std::string>& values) {
  size_t length = values.size();
  for (size_t bucket : {1, 4, 16, 64, 256, 1024}) {
    if (bucket >= values.size()) {
      length = bucket;
      break;
    }
  }
  std::vector<std::string> placeholders;
  for (size_t i = 0; i < length; ++i) {
    params.emplace_back(values.empty() ? std::string() : values[std::min(i, values.size() - 1)]);
    placeholders.push_back(absl::StrCat("$", params.size()));
  }
  return absl::StrJoin(placeholders, ", ");
}

void AndEquals(db::Params& params, std::string& sql, absl::string_view column,
               const std::string& value) {
  if (value.empty()) {
    return;
  }
  params.emplace_back(value);
  absl::StrAppend(&sql, " AND ", column, " = $", params.size());
}

absl::Status ChangedOne(int64_t changed, absl::string_view name) {
  if (changed == 0) {
    return absl::AbortedError(
        absl::StrCat(name, " was changed concurrently; read it again and retry"));
  }
  return absl::OkStatus();
}

std::string JoinKey(const std::vector<std::string>& parts) { return absl::StrJoin(parts, "\n"); }

absl::StatusOr<std::vector<std::string>> SplitKey(absl::string_view key, size_t parts) {
  if (key.empty()) {
    return std::vector<std::string>();
  }
  std::vector<std::string> split = absl::StrSplit(key, '\n');
  if (split.size() != parts) {
    return absl::InvalidArgumentError("page_token: not a token returned by this query");
  }
  return split;
}

}  // namespace kaoping::results
