#include "services/results/field_checks.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kaoping::results {
namespace {

// The number of code points of well-formed UTF-8 (no overlong forms,
// surrogates or values past U+10FFFF), or -1; `control` is set when a C0
// or C1 control character, or DEL, occurs outside tab and line breaks.
int64_t CodePoints(absl::string_view text, bool& control, bool& line_break) {
  int64_t count = 0;
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80           ? 1
                    : (lead >> 5) == 0x6  ? 2
                    : (lead >> 4) == 0xE  ? 3
                    : (lead >> 3) == 0x1E ? 4
                                          : 0;
    if (length == 0 || i + length > text.size()) {
      return -1;
    }
    uint32_t cp = length == 1 ? lead : lead & (0xFF >> (length + 1));
    for (size_t k = 1; k < length; ++k) {
      const unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) {
        return -1;
      }
      cp = (cp << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kSmallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return -1;
    }
    if (cp == '\n' || cp == '\r') {
      line_break = true;
    } else if (cp < 0x20 ? cp != '\t' : (cp >= 0x7F && cp < 0xA0)) {
      control = true;
    }
    ++count;
    i += length;
  }
  return count;
}

}  // namespace

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

absl::Status CheckText(absl::string_view field, absl::string_view text, size_t max_chars,
                       bool required, TextKind kind) {
  if (required && text.empty()) {
    return Invalid(field, "required");
  }
  bool control = false;
  bool line_break = false;
  const int64_t chars = CodePoints(text, control, line_break);
  if (chars < 0) {
    return Invalid(field, "is not valid UTF-8");
  }
  if (control || (kind == TextKind::kLine && line_break)) {
    return Invalid(field, kind == TextKind::kLine ? "must be one line without control characters"
                                                  : "must not hold control characters");
  }
  if (static_cast<size_t>(chars) > max_chars) {
    return Invalid(field, absl::StrCat("at most ", max_chars, " characters, got ", chars));
  }
  return absl::OkStatus();
}

absl::Status CheckEnum(absl::string_view field, const google::protobuf::EnumDescriptor& type,
                       int value, bool required) {
  if (type.FindValueByNumber(value) != nullptr && (value != 0 || !required)) {
    return absl::OkStatus();
  }
  std::vector<std::string> names;
  for (int i = 1; i < type.value_count(); ++i) {
    names.push_back(type.value(i)->name());
  }
  return Invalid(field, absl::StrCat(value == 0 ? "required, " : "", "must be one of ",
                                     absl::StrJoin(names, ", ")));
}

absl::Status CheckCount(absl::string_view field, int count, int max) {
  if (count > max) {
    return Invalid(field, absl::StrCat("at most ", max, " entries, got ", count));
  }
  return absl::OkStatus();
}

}  // namespace kaoping::results
