#include "services/common/api/text_limits.h"

#include "absl/strings/str_cat.h"

namespace kaoping {

size_t Utf8Length(absl::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) {
    n += (c & 0xC0) != 0x80;
  }
  return n;
}

absl::Status CheckText(absl::string_view field, absl::string_view text, size_t max_chars,
                       bool required) {
  if (required && text.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  }
  if (Utf8Length(text) > max_chars) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": at most ", max_chars, " characters, got ", Utf8Length(text)));
  }
  return absl::OkStatus();
}

absl::Status CheckCount(absl::string_view field, int count, int max, int min) {
  if (count < min) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": at least ", min, min == 1 ? " entry" : " entries", " required"));
  }
  if (count > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": at most ", max, " entries, got ", count));
  }
  return absl::OkStatus();
}

}  // namespace kaoping
