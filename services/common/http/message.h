#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kaoping::http {

struct Header {
  std::string name;  // lower case
  std::string value;
};

// One HTTP request as the server read it (limits already enforced).
struct Request {
  std::string method;  // as sent: "GET", "POST", …
  std::string target;  // origin form: "/v1/regions/510114/indicatorSets?pageSize=10"
  std::vector<Header> headers;
  std::string body;
  std::string peer;  // "ip:port" of the client

  // The first value of a header (`name` in lower case), or null.
  const std::string* Find(absl::string_view name) const;
  int Count(absl::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<Header> headers;  // beside Content-Type and Content-Length
};

// The canonical mapping of gRPC codes to HTTP status codes (google/rpc/code.proto).
int HttpStatusForCode(absl::StatusCode code);

// The JSON error body every kaoping HTTP answer uses:
// {"code": <gRPC code number>, "message": "…", "details": [<details_json>…]}.
std::string ErrorBody(absl::StatusCode code, absl::string_view message,
                      const std::vector<std::string>& details_json = {});

// An error answer: the HTTP status of `code` unless `http_status` is given.
Response ErrorResponse(absl::StatusCode code, absl::string_view message, int http_status = 0);

}  // namespace kaoping::http
