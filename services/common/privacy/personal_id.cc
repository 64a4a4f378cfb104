#include "services/common/privacy/personal_id.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace kaoping::privacy {
namespace {

bool IsDigit(char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }

int Number(absl::string_view digits) {
  int n = 0;
  for (char c : digits) {
    n = n * 10 + (c - '0');
  }
  return n;
}

bool ValidDate(int year, int month, int day) {
  const absl::CivilDay date(year, month, day);
  return date.year() == year && date.month() == month && date.day() == day;
}

// GB 11643: weights 2^(17-i) mod 11, check character from the weighted sum mod 11.
char CheckCharacter(absl::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheck[sum % 11];
}

bool IsEighteenDigitId(absl::string_view run) {
  for (int i = 0; i < 17; ++i) {
    if (!IsDigit(run[i])) {
      return false;
    }
  }
  const int year = Number(run.substr(6, 4));
  return year >= 1900 && year <= 2100 &&
         ValidDate(year, Number(run.substr(10, 2)), Number(run.substr(12, 2))) &&
         absl::ascii_toupper(static_cast<unsigned char>(run[17])) ==
             CheckCharacter(run.substr(0, 17));
}

bool IsFifteenDigitId(absl::string_view run) {
  for (char c : run) {
    if (!IsDigit(c)) {
      return false;
    }
  }
  return ValidDate(1900 + Number(run.substr(6, 2)), Number(run.substr(8, 2)),
                   Number(run.substr(10, 2)));
}

bool IsIdRunCharacter(char c) { return IsDigit(c) || c == 'x' || c == 'X'; }

}  // namespace

bool ContainsResidentIdNumber(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (!IsIdRunCharacter(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && IsIdRunCharacter(text[end])) {
      ++end;
    }
    const absl::string_view run = text.substr(i, end - i);
    if ((run.size() == 18 && IsEighteenDigitId(run)) ||
        (run.size() == 15 && IsFifteenDigitId(run))) {
      return true;
    }
    i = end;
  }
  return false;
}

absl::Status RefuseResidentIdNumber(absl::string_view field, absl::string_view value) {
  if (!ContainsResidentIdNumber(value)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field,
                   ": looks like a resident ID number (公民身份号码); personal ID numbers may not"
                   " be used as ids: use the cadre management system's own record id"));
}

}  // namespace kaoping::privacy
