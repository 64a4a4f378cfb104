#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace kaoping::signing {

// SM3 (GB/T 32905-2016) of data: 32 raw bytes.
std::string Sm3(absl::string_view data);

// SHA-256 (FIPS 180-4) of data: 32 raw bytes.
std::string Sha256(absl::string_view data);

}  // namespace kaoping::signing
