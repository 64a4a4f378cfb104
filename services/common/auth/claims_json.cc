#include "services/common/auth/claims_json.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace kaoping {
namespace {

constexpr int kMaxDepth = 16;

class Reader {
 public:
  explicit Reader(absl::string_view text) : text_(text) {}

  absl::StatusOr<ClaimMap> Object() {
    ClaimMap members;
    SkipSpace();
    if (!Consume('{')) {
      return Error("expected an object");
    }
    SkipSpace();
    if (!Consume('}')) {
      do {
        SkipSpace();
        std::string name;
        if (!String(&name)) {
          return Error("expected a member name");
        }
        SkipSpace();
        if (!Consume(':')) {
          return Error("expected ':'");
        }
        ClaimValue value;
        if (!Value(&value, 1)) {
          return Error("malformed value");
        }
        if (!members.emplace(std::move(name), std::move(value)).second) {
          return Error("a member appears twice");
        }
        SkipSpace();
      } while (Consume(','));
      if (!Consume('}')) {
        return Error("expected ',' or '}'");
      }
    }
    SkipSpace();
    if (pos_ != text_.size()) {
      return Error("text after the object");
    }
    return members;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(what, " at byte ", pos_));
  }

  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  // A value; at depth 1 (a member of the top object) its kind is kept.
  bool Value(ClaimValue* out, int depth) {
    SkipSpace();
    if (pos_ >= text_.size() || depth > kMaxDepth) {
      return false;
    }
    const char c = text_[pos_];
    if (c == '"') {
      out->kind = ClaimValue::Kind::kString;
      return String(&out->string);
    }
    if (c == '[') {
      return Array(out, depth);
    }
    if (c == '{') {
      return NestedObject(depth);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      out->kind = ClaimValue::Kind::kNumber;
      return Number(&out->number);
    }
    out->kind = ClaimValue::Kind::kOther;
    for (absl::string_view literal : {"true", "false", "null"}) {
      if (text_.substr(pos_, literal.size()) == literal) {
        pos_ += literal.size();
        return true;
      }
    }
    return false;
  }

  bool Array(ClaimValue* out, int depth) {
    ++pos_;  // '['
    out->kind = ClaimValue::Kind::kStringArray;
    SkipSpace();
    if (Consume(']')) {
      return true;
    }
    do {
      ClaimValue element;
      if (!Value(&element, depth + 1)) {
        return false;
      }
      if (element.kind == ClaimValue::Kind::kString) {
        out->strings.push_back(std::move(element.string));
      } else {
        out->kind = ClaimValue::Kind::kOther;
      }
      SkipSpace();
    } while (Consume(','));
    if (out->kind != ClaimValue::Kind::kStringArray) {
      out->strings.clear();
    }
    return Consume(']');
  }

  bool NestedObject(int depth) {
    ++pos_;  // '{'
    SkipSpace();
    if (Consume('}')) {
      return true;
    }
    do {
      SkipSpace();
      std::string name;
      ClaimValue value;
      if (!String(&name)) {
        return false;
      }
      SkipSpace();
      if (!Consume(':') || !Value(&value, depth + 1)) {
        return false;
      }
      SkipSpace();
    } while (Consume(','));
    return Consume('}');
  }

  bool Number(double* out) {
    const size_t start = pos_;
    Consume('-');
    if (Consume('0')) {
    } else if (!Digits()) {
      return false;
    }
    if (Consume('.') && !Digits()) {
      return false;
    }
    if (Consume('e') || Consume('E')) {
      if (!Consume('+')) {
        Consume('-');
      }
      if (!Digits()) {
        return false;
      }
    }
    // Out of range reads as ±inf; callers range-check numbers anyway.
    if (!absl::SimpleAtod(text_.substr(start, pos_ - start), out)) {
      *out = text_[start] == '-' ? -HUGE_VAL : HUGE_VAL;
    }
    return true;
  }

  bool Digits() {
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      ++pos_;
    }
    return pos_ > start;
  }

  bool Hex4(uint32_t* out) {
    if (pos_ + 4 > text_.size()) {
      return false;
    }
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v |= c - 'A' + 10;
      } else {
        return false;
      }
    }
    *out = v;
    return true;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool Escape(std::string* out) {
    if (pos_ >= text_.size()) {
      return false;
    }
    const char c = text_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out->push_back(c);
        return true;
      case 'b':
        out->push_back('\b');
        return true;
      case 'f':
        out->push_back('\f');
        return true;
      case 'n':
        out->push_back('\n');
        return true;
      case 'r':
        out->push_back('\r');
        return true;
      case 't':
        out->push_back('\t');
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    uint32_t cp = 0;
    if (!Hex4(&cp) || (cp >= 0xDC00 && cp <= 0xDFFF)) {
      return false;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low = 0;
      if (!Consume('\\') || !Consume('u') || !Hex4(&low) || low < 0xDC00 || low > 0xDFFF) {
        return false;
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(cp, out);
    return true;
  }

  // One UTF-8 sequence of 2-4 bytes starting at pos_, shortest form, no
  // surrogates, at most U+10FFFF.
  bool Utf8Sequence(std::string* out) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text_[i]); };
    const unsigned char lead = byte(pos_);
    int length = 0;
    uint32_t cp = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      cp = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      cp = lead & 0x07;
    } else {
      return false;
    }
    if (pos_ + length > text_.size()) {
      return false;
    }
    for (int i = 1; i < length; ++i) {
      if ((byte(pos_ + i) & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (byte(pos_ + i) & 0x3F);
    }
    const bool shortest =
        (length == 3 && cp >= 0x800) || (length == 4 && cp >= 0x10000) || length == 2;
    if (!shortest || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    out->append(text_.data() + pos_, length);
    pos_ += length;
    return true;
  }

  bool String(std::string* out) {
    if (!Consume('"')) {
      return false;
    }
    while (pos_ < text_.size()) {
      const unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        ++pos_;
        if (!Escape(out)) {
          return false;
        }
      } else if (c < 0x20) {
        return false;
      } else if (c < 0x80) {
        out->push_back(static_cast<char>(c));
        ++pos_;
      } else if (!Utf8Sequence(out)) {
        return false;
      }
    }
    return false;
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<ClaimMap> ParseClaimsJson(absl::string_view json) { return Reader(json).Object(); }

}  // namespace kaoping
