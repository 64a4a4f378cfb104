#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace kaoping::http {

// True if `text` is well-formed UTF-8 (no overlongs, surrogates or code
// points past U+10FFFF): protobuf string fields and JSON need it.
bool IsValidUtf8(absl::string_view text);

// `text` with each ill-formed byte replaced by U+FFFD, cut to at most
// `max_bytes` bytes (never inside a character, "…" appended when cut):
// safe to quote untrusted input in a message.
std::string QuotableUtf8(absl::string_view text, size_t max_bytes = 200);

}  // namespace kaoping::http
