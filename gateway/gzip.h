#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "services/common/http/message.h"

namespace kaoping::gateway {

// `data` as a gzip stream (level: zlib's 1..9), or "" if zlib fails. For
// answers compressed once and served many times (web files, cached
// dashboards).
std::string Gzip(absl::string_view data, int level = 9);

// Whether the client said it takes gzip (accept-encoding).
bool AcceptsGzip(const http::Request& request);

}  // namespace kaoping::gateway
