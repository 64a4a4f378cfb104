#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

// The limits every request states (protos/README.md, "Limits"): free text
// in characters (titles and remarks are Chinese: characters, not bytes) and
// repeated fields in entries, each refused with INVALID_ARGUMENT naming the
// field, e.g. "form.negative_marks[2].remark: at most 500 characters".
namespace kaoping {

// Characters (code points) of UTF-8 text.
size_t Utf8Length(absl::string_view text);

// At most `max_chars` characters; when `required`, not empty.
absl::Status CheckText(absl::string_view field, absl::string_view text, size_t max_chars,
                       bool required = false);

// A repeated field a client sends: its documented limit, checked before its
// entries so that a huge list is refused at once, naming the field.
absl::Status CheckCount(absl::string_view field, int count, int max, int min = 0);

}  // namespace kaoping
