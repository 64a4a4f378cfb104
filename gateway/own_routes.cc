#include "gateway/own_routes.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace kaoping::gateway {

std::string ClientAddress(const http::Request& request, absl::string_view header) {
  if (!header.empty()) {
    if (const std::string* value = request.Find(header); value != nullptr && !value->empty()) {
      // X-Forwarded-For lists the proxies after the client: the first is the client.
      std::vector<absl::string_view> hops = absl::StrSplit(*value, ',');
      return std::string(absl::StripAsciiWhitespace(hops.front()));
    }
  }
  absl::string_view peer = request.peer;
  if (absl::ConsumePrefix(&peer, "[")) {
    return std::string(peer.substr(0, peer.find(']')));
  }
  return std::string(peer.substr(0, peer.rfind(':')));
}

}  // namespace kaoping::gateway
