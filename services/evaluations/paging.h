#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/common/api/pagination.h"

namespace kaoping::evaluations {

// A page cut from rows scanned in key order (up to page.limit + 1, as the
// store returns them) of which only some may be shown to the caller (a
// rater's own, a party secretary's units): shown ones up to page_size and
// 2 MiB; the next page starts after the last row this one scanned, so that
// no row is skipped or repeated whatever was hidden.
template <typename Item, typename KeyOf>
Page<Item> VisiblePage(std::vector<Item> scanned, const std::vector<bool>& shown,
                       const PageRequest& page, absl::string_view fingerprint, KeyOf key_of) {
  const bool more = static_cast<int>(scanned.size()) > page.limit;
  const size_t window = more ? static_cast<size_t>(page.limit) : scanned.size();
  std::vector<Item> visible;
  std::vector<size_t> sizes;
  std::string last_scanned_key;
  for (size_t i = 0; i < window; ++i) {
    if (i + 1 == window) {
      last_scanned_key = key_of(scanned[i]);
    }
    if (shown[i]) {
      sizes.push_back(scanned[i].ByteSizeLong());
      visible.push_back(std::move(scanned[i]));
    }
  }
  Page<Item> out;
  const size_t keep = ItemsOnPage(sizes, page.limit, kMaxPageBytes);
  if (keep < visible.size()) {
    visible.resize(keep);
    out.next_page_token = MakePageToken(key_of(visible.back()), fingerprint);
  } else if (more) {
    out.next_page_token = MakePageToken(last_scanned_key, fingerprint);
  }
  out.items = std::move(visible);
  return out;
}

}  // namespace kaoping::evaluations
