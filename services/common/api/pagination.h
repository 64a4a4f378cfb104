#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kaoping {

// Keyset pagination: a page token carries the last key returned and a
// fingerprint of the query, so a token cannot be replayed against another
// query (INVALID_ARGUMENT naming page_token).
struct PageRequest {
  int limit = 50;
  std::string after_key;  // empty: from the start
};

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

absl::StatusOr<PageRequest> ParsePageRequest(int32_t page_size, absl::string_view page_token,
                                             absl::string_view query_fingerprint);
std::string MakePageToken(absl::string_view last_key, absl::string_view query_fingerprint);

}  // namespace kaoping
