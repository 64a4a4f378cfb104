#pragma once

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kaoping {

// The status a client may see: `status` itself, or, when it carries
// database or internal detail (SQL, driver text, key values), its code with
// a message naming `reference`.
absl::Status PublicStatus(const absl::Status& status, absl::string_view reference);

// What a call answers: PublicStatus under a fresh reference (the detail is
// logged under it, with the method), and a message cut to what gRPC can
// deliver (messages may quote input).
absl::Status ClientStatus(const absl::Status& status, absl::string_view method, absl::Time start);

// The one cast between Abseil and gRPC status codes (they are the same codes).
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace kaoping
