#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "services/common/http/server.h"

namespace kaoping::gateway {

// A part of the gateway that serves paths of its own beside the API's
// routes: the web pages, the dashboards, anonymous public access. The
// gateway asks each in turn before it matches an API route; the one that
// claims a path answers it (the gateway logs and counts the answer).
class OwnRoutes : public http::Handler {
 public:
  // The route label (metrics, access log) of `path`, or "" when these
  // routes do not serve it.
  virtual absl::string_view Claims(absl::string_view path) const = 0;
};

// The client's address for per-client limits: the value of `header` when
// one is configured (a reverse proxy in front sets it) and present, else
// the peer's IP without its port ("[::1]:4242" → "::1").
std::string ClientAddress(const http::Request& request, absl::string_view header);

}  // namespace kaoping::gateway
