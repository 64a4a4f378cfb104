#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "google/type/date.pb.h"

// Checks of single fields of a request, each INVALID_ARGUMENT naming the
// field from the request's root ("cadres[7].display_name: at most 100
// characters").
namespace kaoping::results {

absl::Status Invalid(absl::string_view field, absl::string_view problem);

enum class TextKind {
  kLine,       // a name or title: no control characters at all
  kParagraph,  // free text: line breaks and tabs allowed
};

// Well-formed UTF-8 of at most `max_chars` characters (counted as code
// points: names are Chinese), non-empty when `required`.
absl::Status CheckText(absl::string_view field, absl::string_view text, size_t max_chars,
                       bool required = false, TextKind kind = TextKind::kLine);

// A value of the enum; unspecified (0) only when `required` is false.
absl::Status CheckEnum(absl::string_view field, const google::protobuf::EnumDescriptor& type,
                       int value, bool required);
template <typename Enum>
absl::Status CheckEnum(absl::string_view field, Enum value, bool required) {
  return CheckEnum(field, *google::protobuf::GetEnumDescriptor<Enum>(), static_cast<int>(value),
                   required);
}

// At most `max` entries.
absl::Status CheckCount(absl::string_view field, int count, int max);

}  // namespace kaoping::results
