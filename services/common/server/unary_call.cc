#include "services/common/server/unary_call.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/auth/authenticator.h"
#include "services/common/log.h"

namespace kaoping {
namespace {

std::atomic<uint64_t> error_reference{0};

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) {
    return grpc::Status::OK;
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context, const CallEnv& env,
                                     absl::string_view method, CallKind kind,
                                     absl::FunctionRef<absl::Status(CallContext&)> body) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Principal> principal = env.authenticator->Authenticate(*context);
  absl::Status status;
  std::string subject = "-";
  std::string resource;
  if (!principal.ok()) {
    status = principal.status();
  } else {
    subject = principal->subject;
    CallContext call(*principal, method, env);
    status = body(call);
    resource = call.resource();
    // A failed write's in-transaction entry was rolled back with it.
    const bool audit_apart =
        !call.region_code().empty() &&
        ((kind == CallKind::kWrite && (!status.ok() || !call.audited())) ||
         kind == CallKind::kAuditedRead);
    if (audit_apart) {
      const std::string outcome =
          status.ok() ? "OK" : std::string(absl::StatusCodeToString(status.code()));
      if (auto st = env.audit->AppendStandalone(*env.db, call.Record(outcome, "")); !st.ok()) {
        LogError("audit append failed",
                 {{"method", method}, {"resource", resource}, {"error", st.ToString()}});
        if (status.ok() && kind == CallKind::kAuditedRead) {
          // A read that cannot be audited is not served.
          status = absl::UnavailableError("audit log unavailable; try again");
        }
      }
    }
  }
  if (status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kUnknown) {
    const std::string reference = absl::StrCat("E", absl::ToUnixMillis(start), "-", ++error_reference);
    LogError("internal error", {{"method", method}, {"reference", reference},
                                {"error", status.ToString()}});
    status = absl::Status(status.code(),
                          absl::StrCat("internal error (reference ", reference, ")"));
  }
  LogInfo("call", {{"method", method},
                   {"code", absl::StatusCodeToString(status.code())},
                   {"ms", absl::ToDoubleMilliseconds(absl::Now() - start)},
                   {"principal", subject},
                   {"resource", resource},
                   {"peer", context->peer()}});
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace kaoping
