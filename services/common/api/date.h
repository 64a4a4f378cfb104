#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "google/type/date.pb.h"
#include "services/common/clock.h"

namespace kaoping {

// A complete calendar date (year, month and day all set and valid), or
// INVALID_ARGUMENT naming the field.
absl::StatusOr<absl::CivilDay> DateToCivilDay(absl::string_view field,
                                              const google::type::Date& date);
google::type::Date CivilDayToDate(absl::CivilDay day);
bool IsDateSet(const google::type::Date& date);

// Today in China Standard Time.
absl::CivilDay Today(const Clock& clock);

// "2026-11-26", as stored in SQL so that text order is date order.
std::string FormatDay(absl::CivilDay day);

}  // namespace kaoping
