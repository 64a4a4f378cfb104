#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/path_template.h"
#include "google/protobuf/descriptor.h"

namespace kaoping::gateway {

using FieldPath = std::vector<const google::protobuf::FieldDescriptor*>;

// One HTTP binding of an RPC, from its `google.api.http` rule (or one of
// the rule's additional_bindings).
struct Route {
  enum class Body { kNone, kAll, kField };

  const google::protobuf::MethodDescriptor* method = nullptr;
  // "kaoping.v1.IndicatorService/GetIndicatorSet": metrics, logs, gRPC path.
  std::string full_method;
  std::string http_method;  // "GET", "POST", …
  PathTemplate path;
  std::vector<FieldPath> variable_fields;  // one per path.variables
  Body body = Body::kNone;
  const google::protobuf::FieldDescriptor* body_field = nullptr;      // kField
  const google::protobuf::FieldDescriptor* response_field = nullptr;  // response_body
};

// The API files (file names starting with one of `prefixes`, e.g.
// "kaoping/") compiled into this binary; their services with HTTP rules
// become routes.
std::vector<const google::protobuf::ServiceDescriptor*> CompiledServices(
    const std::vector<std::string>& prefixes);

// Every route of some services, built once at start-up from their
// descriptors: no code per RPC.
class RouteTable {
 public:
  // INVALID_ARGUMENT naming the method when a rule is malformed, names a
  // field the request lacks, or could match the same request as another.
  static absl::StatusOr<RouteTable> Build(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  struct Match {
    enum class Outcome { kFound, kNoRoute, kWrongMethod, kBadPath };
    Outcome outcome = Outcome::kNoRoute;
    const Route* route = nullptr;
    std::vector<std::string> values;   // kFound: one per variable
    std::vector<std::string> allowed;  // kWrongMethod: methods the path has
    std::string error;                 // kBadPath
  };
  // `path` without the query string.
  Match Find(absl::string_view http_method, absl::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  // Routes by (segment count, verb); routes ending in `**` are tried on every path.
  absl::flat_hash_map<std::pair<size_t, std::string>, std::vector<size_t>> by_shape_;
  std::vector<size_t> open_ended_;
};

// Resolves "a.b.c" (proto field names) in `message`; every part but the last
// must be a singular message field.
absl::StatusOr<FieldPath> ResolveFieldPath(const google::protobuf::Descriptor* message,
                                           absl::string_view path);

}  // namespace kaoping::gateway
