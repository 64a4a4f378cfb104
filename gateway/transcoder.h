#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/route_table.h"
#include "google/protobuf/message.h"

// HTTP/JSON ⇄ protobuf for a matched route, with the canonical proto3 JSON
// mapping (protobuf's util/json_util.h), as google/api/http.proto specifies:
// the body (all fields, one field, or none), then the path's variables, then
// query parameters for the fields neither binds.
namespace kaoping::gateway {

// Fills `request` (empty, of the route's input type). INVALID_ARGUMENT
// naming the parameter or the body's field when the input does not fit.
absl::Status BuildRequest(const RouteTable::Match& match, absl::string_view query,
                          absl::string_view body, google::protobuf::Message* request);

// The HTTP body of a response (its response_body field when the rule names one).
absl::StatusOr<std::string> ResponseToJson(const Route& route,
                                           const google::protobuf::Message& response);

}  // namespace kaoping::gateway
