#include "services/common/client/downstream.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace kaoping {

std::unique_ptr<grpc::ClientContext> DownstreamContext(absl::string_view bearer_token,
                                                       absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", bearer_token));
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

absl::Status FromDownstream(absl::string_view service, const grpc::Status& status) {
  if (status.ok()) {
    return absl::OkStatus();
  }
  const auto code = static_cast<absl::StatusCode>(status.error_code());
  switch (code) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kAborted:
      return absl::Status(code, absl::StrCat(service, ": ", status.error_message()));
    default:
      return absl::UnavailableError(absl::StrCat(service, " unavailable (",
                                                 absl::StatusCodeToString(code),
                                                 "); nothing was written, try again"));
  }
}

}  // namespace kaoping
