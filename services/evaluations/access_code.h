#pragma once

#include <string>

#include "absl/strings/string_view.h"

// One-time access codes of invitations (Invitation.access_code): 12
// characters of Crockford base32, 60 bits, so that ~20,000 live codes in a
// county cannot be guessed. Only a hash is stored; the code is shown once.
namespace kaoping::evaluations {

std::string NewAccessCode();

// The code as a person may type it: case, spaces and '-' ignored, and the
// letters Crockford base32 reads as digits (O → 0, I and L → 1) accepted.
// Empty when it cannot be a code.
std::string NormalizeAccessCode(absl::string_view typed);

// What is stored: SHA-256 (hex) of the region and the normalized code, so
// that the same code in two regions hashes apart.
std::string AccessCodeHash(absl::string_view region_code, absl::string_view normalized_code);

}  // namespace kaoping::evaluations
