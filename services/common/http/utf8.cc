#include "services/common/http/utf8.h"

namespace kaoping::http {
namespace {

// Length of the well-formed UTF-8 character at the start of `s`, or 0.
size_t CharLength(absl::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto continuation = [&](size_t i) { return i < s.size() && (byte(i) & 0xC0) == 0x80; };
  const unsigned char b = byte(0);
  if (b < 0x80) {
    return 1;
  }
  if (b >= 0xC2 && b <= 0xDF) {
    return continuation(1) ? 2 : 0;
  }
  if (b >= 0xE0 && b <= 0xEF) {
    if (!continuation(1) || !continuation(2)) {
      return 0;
    }
    const unsigned char b1 = byte(1);
    if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 > 0x9F)) {
      return 0;  // overlong, or a surrogate
    }
    return 3;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) {
      return 0;
    }
    const unsigned char b1 = byte(1);
    if ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 > 0x8F)) {
      return 0;  // overlong, or past U+10FFFF
    }
    return 4;
  }
  return 0;
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  while (!text.empty()) {
    const size_t n = CharLength(text);
    if (n == 0) {
      return false;
    }
    text.remove_prefix(n);
  }
  return true;
}

std::string QuotableUtf8(absl::string_view text, size_t max_bytes) {
  std::string out;
  while (!text.empty()) {
    size_t n = CharLength(text);
    absl::string_view piece = n == 0 ? absl::string_view("\xEF\xBF\xBD") : text.substr(0, n);
    if (out.size() + piece.size() > max_bytes) {
      out += "…";
      break;
    }
    out.append(piece.data(), piece.size());
    text.remove_prefix(n == 0 ? 1 : n);
  }
  return out;
}

}  // namespace kaoping::http
