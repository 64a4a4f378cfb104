#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace kaoping {

// Keyset pagination: a page token carries the last key returned and a
// fingerprint of the query, so a token cannot be replayed against another
// query (INVALID_ARGUMENT naming page_token).
struct PageRequest {
  int limit = 50;
  std::string after_key;  // empty: from the start
};

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

// A page holds at most this many bytes of items, whatever page_size says:
// it ends early (with a next_page_token) rather than grow past what a
// client may receive. Clients must accept responses of at least
// kMaxResponseBytes (the CLI and the gateway set their receive limit to it).
inline constexpr size_t kMaxPageBytes = size_t{2} << 20;       // 2 MiB
inline constexpr size_t kMaxResponseBytes = size_t{16} << 20;  // 16 MiB

absl::StatusOr<PageRequest> ParsePageRequest(int32_t page_size, absl::string_view page_token,
                                             absl::string_view query_fingerprint);
std::string MakePageToken(absl::string_view last_key, absl::string_view query_fingerprint);

// How many of the items, of these encoded sizes in list order, go on one
// page: at most `limit`, and no more than fit in `max_bytes` — except that
// the first item always goes (one item never exceeds what a resource may
// weigh, so a page always moves the listing forward).
size_t ItemsOnPage(const std::vector<size_t>& item_bytes, int limit, size_t max_bytes);

// One page of a List: the items that fit and the token of the next page
// (empty on the last one).
template <typename Item>
struct Page {
  std::vector<Item> items;
  std::string next_page_token;
};

// Cuts a page from `items` read in key order, as the store returns them:
// up to page.limit + 1 rows (the extra row only tells that more follow).
// `key_of(item)` is the keyset key the next page starts after.
template <typename Item, typename KeyOf>
Page<Item> CutPage(std::vector<Item> items, const PageRequest& page,
                   absl::string_view query_fingerprint, KeyOf key_of,
                   size_t max_bytes = kMaxPageBytes) {
  std::vector<size_t> sizes;
  sizes.reserve(items.size());
  for (const Item& item : items) {
    sizes.push_back(static_cast<const google::protobuf::Message&>(item).ByteSizeLong());
  }
  const size_t keep = ItemsOnPage(sizes, page.limit, max_bytes);
  Page<Item> out;
  const bool more = keep < items.size();
  items.resize(keep);
  if (more && keep > 0) {
    out.next_page_token = MakePageToken(key_of(items.back()), query_fingerprint);
  }
  out.items = std::move(items);
  return out;
}

}  // namespace kaoping
