#pragma once

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

// Text from callers ends up in logs and error messages; these say which of
// its characters must be escaped there. Shared by JsonQuote (log.h) and
// QuoteInput (api/resource_name.h).
namespace kaoping {

// The code point of the UTF-8 sequence at s[*pos], advancing *pos past it;
// -1 for a byte that starts no valid sequence (then *pos advances by one).
int32_t NextCodePoint(absl::string_view s, size_t* pos);

// Characters that change how text displays or splits: C0 and C1 controls,
// DEL, line and paragraph separators, bidirectional overrides and isolates.
bool IsUnsafeCodePoint(int32_t code_point);

}  // namespace kaoping
