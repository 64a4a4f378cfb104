#include "services/common/api/pagination.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"

namespace kaoping {
namespace {

std::string QueryTag(absl::string_view fingerprint) { return Sha256Hex(fingerprint).substr(0, 16); }

}  // namespace

absl::StatusOr<PageRequest> ParsePageRequest(int32_t page_size, absl::string_view page_token,
                                             absl::string_view query_fingerprint) {
  PageRequest page;
  if (page_size < 0) {
    return absl::InvalidArgumentError("page_size: must not be negative");
  }
  page.limit = page_size == 0 ? kDefaultPageSize : std::min<int>(page_size, kMaxPageSize);
  if (page_token.empty()) {
    return page;
  }
  std::string decoded;
  const std::string tag = QueryTag(query_fingerprint);
  if (!Base64UrlDecode(page_token, &decoded) || decoded.size() < tag.size() + 1 ||
      decoded.substr(0, tag.size()) != tag || decoded[tag.size()] != '|') {
    return absl::InvalidArgumentError(
        "page_token: not a token returned by this query (the filter must stay the same)");
  }
  page.after_key = decoded.substr(tag.size() + 1);
  return page;
}

std::string MakePageToken(absl::string_view last_key, absl::string_view query_fingerprint) {
  return Base64UrlEncode(absl::StrCat(QueryTag(query_fingerprint), "|", last_key));
}

size_t ItemsOnPage(const std::vector<size_t>& item_bytes, int limit, size_t max_bytes) {
  // Each item of a repeated field costs its bytes plus a tag and a length
  // prefix (at most 1 + 5 bytes).
  constexpr size_t kFieldOverhead = 6;
  size_t used = 0;
  size_t count = 0;
  while (count < item_bytes.size() && count < static_cast<size_t>(std::max(limit, 0))) {
    const size_t next = item_bytes[count] + kFieldOverhead;
    if (count > 0 && used + next > max_bytes) {
      break;
    }
    used += next;
    ++count;
  }
  return count;
}

}  // namespace kaoping
