#include "services/evaluations/access_code.h"

#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"

namespace kaoping::evaluations {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t kLength = 12;

}  // namespace

std::string NewAccessCode() {
  const std::string bytes = RandomBytes(8);
  uint64_t bits = 0;
  for (unsigned char byte : bytes) {
    bits = (bits << 8) | byte;
  }
  std::string code(kLength, '0');
  for (size_t i = 0; i < kLength; ++i) {
    code[i] = kAlphabet[bits & 31];
    bits >>= 5;
  }
  return code;
}

std::string NormalizeAccessCode(absl::string_view typed) {
  std::string code;
  for (char c : typed) {
    if (c == '-' || c == ' ') {
      continue;
    }
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
    if (c == 'O') {
      c = '0';
    } else if (c == 'I' || c == 'L') {
      c = '1';
    }
    if (absl::string_view(kAlphabet).find(c) == absl::string_view::npos) {
      return "";
    }
    code.push_back(c);
  }
  return code.size() == kLength ? code : "";
}

std::string AccessCodeHash(absl::string_view region_code, absl::string_view normalized_code) {
  return Sha256Hex(absl::StrCat(region_code, ":", normalized_code));
}

}  // namespace kaoping::evaluations
