#pragma once

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// Calls from one service to another (DESIGN.md §3: over gRPC, with deadlines).
// A call made while serving a person carries that person's token, so that
// the other service scopes and audits it as theirs; a call a service makes on
// its own behalf (an event consumer) carries the service's token
// (ServiceIdentity).
namespace kaoping {

// The default deadline of a call to another service.
inline constexpr absl::Duration kDownstreamTimeout = absl::Seconds(5);

// A client context carrying `authorization: Bearer <bearer_token>` and a
// deadline `timeout` from now.
std::unique_ptr<grpc::ClientContext> DownstreamContext(absl::string_view bearer_token,
                                                       absl::Duration timeout = kDownstreamTimeout);

// What the caller of this service should see when a call to `service`
// (e.g. "indicators") failed: the downstream's own answer where it is about
// the caller's request (NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT,
// FAILED_PRECONDITION, UNAUTHENTICATED pass through, prefixed with the
// service), and UNAVAILABLE ("indicators unavailable; nothing was written,
// try again") when it could not answer (down, deadline, overloaded), never
// its internal detail.
absl::Status FromDownstream(absl::string_view service, const grpc::Status& status);

}  // namespace kaoping
