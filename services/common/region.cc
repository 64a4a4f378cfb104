#include "services/common/region.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace kaoping {

bool IsValidRegionCode(absl::string_view code) {
  if (code.size() != 6) {
    return false;
  }
  for (char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return code.substr(0, 2) != "00";
}

std::string RegionPrefix(absl::string_view code) {
  if (code.size() == 6 && code.substr(2) == "0000") {
    return std::string(code.substr(0, 2));
  }
  if (code.size() == 6 && code.substr(4) == "00") {
    return std::string(code.substr(0, 4));
  }
  return std::string(code);
}

std::vector<std::string> EnclosingRegions(absl::string_view code) {
  std::vector<std::string> out;
  if (!IsValidRegionCode(code)) {
    return out;
  }
  if (code.substr(4) != "00") {
    out.push_back(absl::StrCat(code.substr(0, 4), "00"));
  }
  if (code.substr(2) != "0000") {
    out.push_back(absl::StrCat(code.substr(0, 2), "0000"));
  }
  return out;
}

}  // namespace kaoping
