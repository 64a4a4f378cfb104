#pragma once

#include <functional>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "services/common/server/call_context.h"

namespace kaoping {

// The body of an RPC: everything after authentication. It may run on another
// thread than the handler that started it, so it captures by value.
using CallBody = std::function<absl::Status(CallContext&)>;

// Runs a unary RPC on the service's workers: authenticate → body → audit →
// access log → finish. A full queue is RESOURCE_EXHAUSTED. Errors carrying
// database or internal detail (SQL, driver text) reach the client as their
// code and a reference only; the detail goes to the log under it.
grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context, const CallEnv& env,
                                     std::string method, CallKind kind, CallBody body);

// The status a client may see: `status` itself, or, when it carries
// database or internal detail, its code with a message naming `reference`.
absl::Status PublicStatus(const absl::Status& status, absl::string_view reference);

// The one cast between Abseil and gRPC status codes (they are the same codes).
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace kaoping
