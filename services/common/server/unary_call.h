#pragma once

#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "services/common/server/call_context.h"

namespace kaoping {

// Runs a unary RPC: authenticate → body → audit → access log → finish.
// INTERNAL and UNKNOWN errors reach the client without their detail (which
// may quote SQL); the detail goes to the log under a reference the client sees.
grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context, const CallEnv& env,
                                     absl::string_view method, CallKind kind,
                                     absl::FunctionRef<absl::Status(CallContext&)> body);

// The one cast between Abseil and gRPC status codes (they are the same codes).
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace kaoping
