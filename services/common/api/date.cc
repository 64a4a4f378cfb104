#include "services/common/api/date.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kaoping {

bool IsDateSet(const google::type::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

absl::StatusOr<absl::CivilDay> DateToCivilDay(absl::string_view field,
                                              const google::type::Date& date) {
  absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.year() < 1900 || date.year() > 9999 || day.year() != date.year() ||
      day.month() != date.month() || day.day() != date.day()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %04d-%02d-%02d is not a valid calendar date", field, date.year(),
                        date.month(), date.day()));
  }
  return day;
}

google::type::Date CivilDayToDate(absl::CivilDay day) {
  google::type::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

absl::CivilDay Today(const Clock& clock) {
  return absl::ToCivilDay(clock.Now(), ChinaStandardTime());
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

}  // namespace kaoping
