#pragma once

#include <map>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// Calling any kaoping RPC by name, without its generated stub: the CLI, the
// tests' health probes, and the gateway's transcoding use this.
namespace kaoping {

using CallMetadata = std::map<std::string, std::string>;

// Calls "/package.Service/Method" with serialized request bytes.
absl::StatusOr<std::string> CallRaw(grpc::Channel& channel, const std::string& full_method,
                                    const std::string& request, const CallMetadata& metadata,
                                    absl::Duration deadline);

// Calls a method of the compiled-in API with a JSON request (canonical
// proto3 JSON mapping); returns the JSON response. `method` is
// "kaoping.v1.IndicatorService/ResolveCatalog" or "IndicatorService/ResolveCatalog".
absl::StatusOr<std::string> CallJson(grpc::Channel& channel, absl::string_view method,
                                     absl::string_view json, const CallMetadata& metadata,
                                     absl::Duration deadline);

// grpc.health.v1.Health/Check: true when SERVING. `service` "" is the server as a whole.
absl::StatusOr<bool> CheckHealth(grpc::Channel& channel, const std::string& service,
                                 absl::Duration deadline);

}  // namespace kaoping
