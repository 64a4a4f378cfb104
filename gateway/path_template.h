#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kaoping::gateway {

// A `google.api.http` path template (google/api/http.proto):
//   Template = "/" Segments [ Verb ] ;
//   Segments = Segment { "/" Segment } ;
//   Segment  = "*" | "**" | LITERAL | Variable ;
//   Variable = "{" FieldPath [ "=" Segments ] "}" ;
//   Verb     = ":" LITERAL ;
// e.g. "/v1/{name=regions/*/indicatorSets/*}:publish". `**` may only end the path.
struct PathTemplate {
  enum class Kind { kLiteral, kWildcard, kDoubleWildcard };
  struct Segment {
    Kind kind = Kind::kLiteral;
    std::string literal;
  };
  // A variable binds the path segments [start, end) to a request field.
  struct Variable {
    std::string field_path;  // "indicator_set.name"
    int start = 0;
    int end = 0;
  };

  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  bool has_double_wildcard() const {
    return !segments.empty() && segments.back().kind == Kind::kDoubleWildcard;
  }

  std::string text;
  std::vector<Segment> segments;
  std::vector<Variable> variables;
  std::string verb;
};

// A request path split for matching: raw (still percent-encoded) segments
// and the custom verb after the last ':' of the last segment.
struct SplitPath {
  std::vector<absl::string_view> segments;
  absl::string_view verb;
};
// False unless the path is absolute.
bool SplitRequestPath(absl::string_view path, SplitPath* out);

// True if the template matches; then `values` holds each variable's value,
// percent-decoded (a multi-segment variable keeps %2F encoded). A decoding
// error (bad escape) is reported through `error`.
bool MatchTemplate(const PathTemplate& path_template, const SplitPath& path,
                   std::vector<std::string>* values, std::string* error);

// True if some request path could match both templates (the same verb, and
// literals that never differ where both have one).
bool TemplatesOverlap(const PathTemplate& a, const PathTemplate& b);

// Percent-decoding of one path segment or query component.
// `plus_is_space`: query strings (application/x-www-form-urlencoded).
bool PercentDecode(absl::string_view in, bool plus_is_space, bool keep_slash, std::string* out);

}  // namespace kaoping::gateway
