#include "gateway/path_template.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kaoping::gateway {
namespace {

bool IsFieldPath(absl::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (absl::string_view part : absl::StrSplit(s, '.')) {
    if (part.empty() || absl::ascii_isdigit(part[0])) {
      return false;
    }
    for (char c : part) {
      if (!absl::ascii_isalnum(c) && c != '_') {
        return false;
      }
    }
  }
  return true;
}

bool IsLiteral(absl::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (c == '{' || c == '}' || c == '*' || c == '/' || c == ':' || c == '=' ||
        static_cast<unsigned char>(c) <= 0x20) {
      return false;
    }
  }
  return true;
}

absl::Status Invalid(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\": ", why));
}

// Splits on '/' outside braces.
std::vector<absl::string_view> TopLevelSegments(absl::string_view path) {
  std::vector<absl::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && depth == 0)) {
      out.push_back(path.substr(start, i - start));
      start = i + 1;
    } else if (path[i] == '{') {
      ++depth;
    } else if (path[i] == '}') {
      --depth;
    }
  }
  return out;
}

absl::Status AddPlainSegment(absl::string_view text, absl::string_view s, PathTemplate* t) {
  PathTemplate::Segment segment;
  if (s == "*") {
    segment.kind = PathTemplate::Kind::kWildcard;
  } else if (s == "**") {
    segment.kind = PathTemplate::Kind::kDoubleWildcard;
  } else if (IsLiteral(s)) {
    segment.literal = std::string(s);
  } else {
    return Invalid(text, absl::StrCat("bad segment \"", s, "\""));
  }
  t->segments.push_back(std::move(segment));
  return absl::OkStatus();
}

absl::Status AddVariable(absl::string_view text, absl::string_view s, PathTemplate* t) {
  s = s.substr(1, s.size() - 2);
  const size_t eq = s.find('=');
  PathTemplate::Variable variable;
  variable.field_path = std::string(s.substr(0, eq));
  if (!IsFieldPath(variable.field_path)) {
    return Invalid(text, absl::StrCat("bad field path \"", variable.field_path, "\""));
  }
  variable.start = static_cast<int>(t->segments.size());
  if (eq == absl::string_view::npos) {
    t->segments.push_back({PathTemplate::Kind::kWildcard, ""});
  } else {
    for (absl::string_view inner : absl::StrSplit(s.substr(eq + 1), '/')) {
      if (absl::StrContains(inner, '{')) {
        return Invalid(text, "variables cannot nest");
      }
      if (auto st = AddPlainSegment(text, inner, t); !st.ok()) {
        return st;
      }
    }
  }
  variable.end = static_cast<int>(t->segments.size());
  t->variables.push_back(std::move(variable));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  PathTemplate t;
  t.text = std::string(text);
  if (text.size() < 2 || text[0] != '/') {
    return Invalid(text, "must start with '/' and name something");
  }
  absl::string_view path = text.substr(1);
  const size_t last_brace = path.rfind('}');
  const size_t last_slash = path.rfind('/');
  size_t after = last_brace == absl::string_view::npos ? 0 : last_brace;
  if (last_slash != absl::string_view::npos && last_slash > after) {
    after = last_slash;
  }
  const size_t colon = path.find(':', after);
  if (colon != absl::string_view::npos) {
    t.verb = std::string(path.substr(colon + 1));
    if (!IsLiteral(t.verb)) {
      return Invalid(text, "bad custom verb");
    }
    path = path.substr(0, colon);
  }
  for (absl::string_view s : TopLevelSegments(path)) {
    absl::Status st = !s.empty() && s.front() == '{' && s.back() == '}'
                          ? AddVariable(text, s, &t)
                          : AddPlainSegment(text, s, &t);
    if (!st.ok()) {
      return st;
    }
  }
  for (size_t i = 0; i + 1 < t.segments.size(); ++i) {
    if (t.segments[i].kind == Kind::kDoubleWildcard) {
      return Invalid(text, "'**' may only end the path");
    }
  }
  return t;
}

bool SplitRequestPath(absl::string_view path, SplitPath* out) {
  if (path.empty() || path[0] != '/') {
    return false;
  }
  out->segments = absl::StrSplit(path.substr(1), '/');
  out->verb = {};
  absl::string_view& last = out->segments.back();
  const size_t colon = last.rfind(':');
  if (colon != absl::string_view::npos) {
    out->verb = last.substr(colon + 1);
    last = last.substr(0, colon);
  }
  return true;
}

bool PercentDecode(absl::string_view in, bool plus_is_space, bool keep_slash, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else if (c != '%') {
      out->push_back(c);
    } else {
      if (i + 2 >= in.size() || !absl::ascii_isxdigit(in[i + 1]) ||
          !absl::ascii_isxdigit(in[i + 2])) {
        return false;
      }
      const auto hex = [](char h) {
        return absl::ascii_isdigit(h) ? h - '0' : (h | 0x20) - 'a' + 10;
      };
      const char decoded = static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
      if (decoded == '/' && keep_slash) {
        out->append(in.substr(i, 3).data(), 3);
      } else {
        out->push_back(decoded);
      }
      i += 2;
    }
  }
  return true;
}

bool MatchTemplate(const PathTemplate& t, const SplitPath& path, std::vector<std::string>* values,
                   std::string* error) {
  if (path.verb != t.verb) {
    return false;
  }
  const size_t n = t.segments.size();
  const bool tail = t.has_double_wildcard();
  if (tail ? path.segments.size() < n - 1 : path.segments.size() != n) {
    return false;
  }
  for (size_t i = 0; i < n; ++i) {
    const PathTemplate::Segment& s = t.segments[i];
    if (s.kind == PathTemplate::Kind::kLiteral) {
      if (path.segments[i] != s.literal) {
        return false;
      }
    } else if (s.kind == PathTemplate::Kind::kWildcard && path.segments[i].empty()) {
      return false;
    }
  }
  values->clear();
  for (const PathTemplate::Variable& v : t.variables) {
    const bool multi = v.end > 0 && tail && static_cast<size_t>(v.end) == n;
    const size_t end = multi ? path.segments.size() : static_cast<size_t>(v.end);
    std::string value;
    std::string decoded;
    for (size_t i = v.start; i < end; ++i) {
      if (!PercentDecode(path.segments[i], false, multi, &decoded)) {
        *error = "bad percent-encoding in the path";
        return false;
      }
      absl::StrAppend(&value, i == static_cast<size_t>(v.start) ? "" : "/", decoded);
    }
    values->push_back(std::move(value));
  }
  return true;
}

bool TemplatesOverlap(const PathTemplate& a, const PathTemplate& b) {
  if (a.verb != b.verb) {
    return false;
  }
  const size_t na = a.segments.size();
  const size_t nb = b.segments.size();
  const size_t fixed_a = a.has_double_wildcard() ? na - 1 : na;
  const size_t fixed_b = b.has_double_wildcard() ? nb - 1 : nb;
  if (!a.has_double_wildcard() && !b.has_double_wildcard() && na != nb) {
    return false;
  }
  if (!a.has_double_wildcard() && na < fixed_b) {
    return false;
  }
  if (!b.has_double_wildcard() && nb < fixed_a) {
    return false;
  }
  for (size_t i = 0; i < std::min(fixed_a, fixed_b); ++i) {
    const auto& sa = a.segments[i];
    const auto& sb = b.segments[i];
    if (sa.kind == PathTemplate::Kind::kLiteral && sb.kind == PathTemplate::Kind::kLiteral &&
        sa.literal != sb.literal) {
      return false;
    }
  }
  return true;
}

}  // namespace kaoping::gateway
