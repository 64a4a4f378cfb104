#include "services/common/server/unary_call.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/auth/authenticator.h"
#include "services/common/db/database.h"
#include "services/common/log.h"
#include "services/common/server/worker_pool.h"

namespace kaoping {
namespace {

std::atomic<uint64_t> error_counter{0};
constexpr size_t kMaxMessageBytes = 1024;

bool CarriesDetail(const absl::Status& status) {
  return db::IsDatabaseError(status) || status.code() == absl::StatusCode::kInternal ||
         status.code() == absl::StatusCode::kUnknown ||
         status.code() == absl::StatusCode::kDataLoss;
}

// The whole call, on a worker: the reactor is finished last, after which
// nothing of the call may be touched.
void RunCall(grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor,
             const CallEnv& env, const std::string& method, CallKind kind, const CallBody& body,
             absl::Time start) {
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
    const bool audit_apart = !call.region_code().empty() &&
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
  if (CarriesDetail(status)) {
    const std::string reference =
        absl::StrCat("E", absl::ToUnixMillis(start), "-", ++error_counter);
    LogError("call failed",
             {{"method", method}, {"reference", reference}, {"error", status.ToString()}});
    status = PublicStatus(status, reference);
  }
  if (status.message().size() > kMaxMessageBytes) {
    // Messages may quote input; gRPC cannot deliver one past its metadata limit.
    size_t end = kMaxMessageBytes;
    while (end > 0 && (static_cast<unsigned char>(status.message()[end]) & 0xC0) == 0x80) {
      --end;
    }
    status = absl::Status(status.code(), absl::StrCat(status.message().substr(0, end), "…"));
  }
  LogInfo("call", {{"method", method},
                   {"code", absl::StatusCodeToString(status.code())},
                   {"ms", absl::ToDoubleMilliseconds(absl::Now() - start)},
                   {"principal", subject},
                   {"resource", resource},
                   {"peer", context->peer()}});
  reactor->Finish(ToGrpcStatus(status));
}

}  // namespace

absl::Status PublicStatus(const absl::Status& status, absl::string_view reference) {
  if (!CarriesDetail(status)) {
    return status;
  }
  absl::string_view what;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      what = "storage unavailable; try again";
      break;
    case absl::StatusCode::kAborted:
      what = "the change collided with another; try again";
      break;
    case absl::StatusCode::kAlreadyExists:
      what = "already exists";
      break;
    case absl::StatusCode::kUnknown:
      what = "outcome unknown (the store was lost while saving); read before retrying";
      break;
    default:
      what = "internal error";
  }
  return absl::Status(status.code(), absl::StrCat(what, " (reference ", reference, ")"));
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) {
    return grpc::Status::OK;
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context, const CallEnv& env,
                                     std::string method, CallKind kind, CallBody body) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (env.workers == nullptr) {
    RunCall(context, reactor, env, method, kind, body, start);
    return reactor;
  }
  const bool queued = env.workers->TrySubmit(
      [context, reactor, &env, method = std::move(method), kind, body = std::move(body), start] {
        RunCall(context, reactor, env, method, kind, body, start);
      });
  if (!queued) {
    LogWarning("call refused: workers busy", {{"peer", context->peer()}});
    reactor->Finish(
        grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy; try again shortly"));
  }
  return reactor;
}

}  // namespace kaoping
