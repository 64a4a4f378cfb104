#include "services/common/api/resource_name.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "services/common/region.h"
#include "services/common/text_escape.h"

namespace kaoping {

namespace {

// Writes input between quotes with every character that could change how
// the message displays or splits written as an escape: \n, \t, \x1b,
// \u202e, and \xff for a byte that is not UTF-8.
std::string Escaped(absl::string_view input) {
  std::string out;
  for (size_t pos = 0; pos < input.size();) {
    const size_t start = pos;
    const int32_t c = NextCodePoint(input, &pos);
    if (c == '"' || c == '\\') {
      absl::StrAppend(&out, "\\", input.substr(start, 1));
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == -1 || (c < 0x80 && IsUnsafeCodePoint(c))) {
      absl::StrAppendFormat(&out, "\\x%02x", static_cast<unsigned char>(input[start]));
    } else if (IsUnsafeCodePoint(c)) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      absl::StrAppend(&out, input.substr(start, pos - start));
    }
  }
  return out;
}

}  // namespace

std::string QuoteInput(absl::string_view input) {
  constexpr size_t kMax = 64;
  if (input.size() <= kMax) {
    return absl::StrCat("\"", Escaped(input), "\"");
  }
  size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(input[end]) & 0xC0) == 0x80) {
    --end;
  }
  return absl::StrCat("\"", Escaped(input.substr(0, end)), "…\" (", input.size(), " bytes)");
}

std::string RegionName(absl::string_view region_code) {
  return absl::StrCat("regions/", region_code);
}

absl::StatusOr<std::string> ParseRegionName(absl::string_view field, absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 2 || parts[0] != "regions" || !IsValidRegionCode(parts[1])) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": ", QuoteInput(name), " is not regions/{region} with a 6-digit GB/T 2260 code"));
  }
  return std::string(parts[1]);
}

absl::StatusOr<RegionChild> ParseRegionChild(absl::string_view field, absl::string_view name,
                                             absl::string_view collection) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "regions" || !IsValidRegionCode(parts[1]) ||
      parts[2] != collection || parts[3].empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": ", QuoteInput(name), " is not regions/{region}/", collection, "/{id}"));
  }
  if (auto st = ValidateResourceId(field, parts[3]); !st.ok()) {
    return st;
  }
  return RegionChild{std::string(parts[1]), std::string(parts[3])};
}

std::string RegionChildName(absl::string_view region_code, absl::string_view collection,
                            absl::string_view id) {
  return absl::StrCat("regions/", region_code, "/", collection, "/", id);
}

bool IsValidResourceId(absl::string_view id) {
  bool ok = !id.empty() && id.size() <= 63 && id.front() != '-';
  for (char c : id) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  }
  return ok;
}

absl::Status ValidateResourceId(absl::string_view field, absl::string_view id) {
  if (!IsValidResourceId(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", QuoteInput(id),
                     " must be 1-63 lowercase letters, digits or '-', not starting with '-'"));
  }
  return absl::OkStatus();
}

}  // namespace kaoping
