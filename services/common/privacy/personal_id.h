#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

// Resident ID numbers (公民身份号码, GB 11643) are personal information that
// must never become a resource name or an identifier other systems copy
// around. Cadre management systems sometimes use them as cadre ids; the
// roster import refuses such ids so that they never reach a URL, a log, an
// audit record or an event.
namespace kaoping::privacy {

// True when `text` holds something that reads as a resident ID number: a
// run of 18 characters, 17 digits and a digit or X (either case), whose
// digits 7-14 are a valid birth date and whose last character is the GB
// 11643 check character; or a run of exactly 15 digits (the pre-1999 form)
// whose digits 7-12 are a valid date YYMMDD. Runs are maximal sequences
// of digits and X, so "c-110101199003077777" is caught as well.
bool ContainsResidentIdNumber(absl::string_view text);

// INVALID_ARGUMENT naming `field` when `value` contains a resident ID
// number (without repeating the number in the message).
absl::Status RefuseResidentIdNumber(absl::string_view field, absl::string_view value);

}  // namespace kaoping::privacy
