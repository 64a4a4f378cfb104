#include "services/common/server/rpc_dispatcher.h"

#include <chrono>

#include <grpcpp/impl/codegen/server_callback_handlers.h>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/server/public_status.h"

namespace kaoping {
namespace {

// Why a call that never started did not: nothing of it ran.
absl::Status NotStarted(const grpc::CallbackServerContext& context) {
  if (context.IsCancelled()) {
    return absl::CancelledError("the call was cancelled before it started");
  }
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("the deadline passed before the call started");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Call::Admit(const CallResource& resource) {
  audit_.SetResource(resource.region_code, resource.name);
  absl::Status status = Authorize(rule_, principal_, resource);
  refused_ = !status.ok();
  return status;
}

RpcDispatcher::RpcDispatcher(CallEnv env, std::vector<RpcRoute> routes)
    : env_(env), routes_(std::move(routes)) {
  if (env_.metrics != nullptr) {
    for (const RpcRoute& route : routes_) {
      metrics_.push_back(std::make_unique<metrics::RpcMetrics::Method>(env_.metrics, route.method));
    }
  }
}

struct RpcDispatcher::Pending {
  const RpcRoute* route;
  metrics::RpcMetrics::Method* metrics;  // null without metrics
  grpc::CallbackServerContext* context;
  grpc::ServerUnaryReactor* reactor;
  const grpc::ByteBuffer* request;
  grpc::ByteBuffer* response;
  absl::Time start;
};

grpc::ServerUnaryReactor* RpcDispatcher::Serve(size_t index, grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) {
  const Pending call{&routes_[index], metrics_.empty() ? nullptr : metrics_[index].get(),
                     context,         context->DefaultReactor(),
                     request,         response,
                     absl::Now()};
  const bool queued = env_.workers->TrySubmit(
      [this, call](bool run) {
        if (run) {
          Run(call);
        } else {
          Finish(call, absl::UnavailableError("the server is shutting down; try again"));
        }
      },
      request->Length());
  if (!queued) {
    LogWarning("call refused: workers busy", {{"method", call.route->method}});
    Finish(call, absl::ResourceExhaustedError("server busy; try again shortly"));
  }
  return call.reactor;
}

void RpcDispatcher::Run(const Pending& call) const {
  std::string subject = "-";
  std::string resource;
  absl::Status status = NotStarted(*call.context);
  if (status.ok()) {
    auto principal = env_.authenticator->Authenticate(*call.context);
    if (!principal.ok()) {
      status = principal.status();
    } else {
      subject = (*principal)->subject;
      status = RunAuthenticated(*call.route, **principal, *call.request, call.response, &resource);
    }
  }
  status = ClientStatus(status, call.route->method, call.start);
  LogInfo("call", {{"method", call.route->method},
                   {"code", absl::StatusCodeToString(status.code())},
                   {"ms", absl::ToDoubleMilliseconds(absl::Now() - call.start)},
                   {"principal", subject},
                   {"resource", resource},
                   {"peer", call.context->peer()}});
  Finish(call, status);
}

void RpcDispatcher::Finish(const Pending& call, const absl::Status& status) const {
  if (call.metrics != nullptr) {
    call.metrics->Record(status.code(), absl::Now() - call.start);
  }
  call.reactor->Finish(ToGrpcStatus(status));
}

absl::Status RpcDispatcher::RunAuthenticated(const RpcRoute& route, const Principal& principal,
                                             const grpc::ByteBuffer& request,
                                             grpc::ByteBuffer* response,
                                             std::string* resource) const {
  Call call(principal, route.rule, env_.audit, route.method);
  absl::Status status = route.run(call, request, response);
  AuditOutcome(route, principal, call, &status);
  *resource = call.audit().resource();
  return status;
}

void RpcDispatcher::AuditOutcome(const RpcRoute& route, const Principal& principal,
                                 const Call& call, absl::Status* status) const {
  const AuditScope& audit = call.audit();
  const std::string& region = audit.region_code();
  if (region.empty()) {
    return;  // about no region (or no resource could be read from the request)
  }
  bool apart = false;
  if (status->ok()) {
    // A write that recorded nothing is audited apart rather than not at all.
    apart = route.kind == CallKind::kAuditedRead ||
            (route.kind == CallKind::kWrite && !audit.settled());
  } else if (principal.CoversRegion(region)) {
    // A failed write's in-transaction entry was rolled back with it.
    apart = call.refused() || route.kind != CallKind::kRead;
  } else if (call.refused() || route.kind != CallKind::kRead) {
    env_.refusals->Note(principal.subject, route.method, region, audit.resource(), status->code());
    return;
  }
  if (!apart) {
    return;
  }
  const std::string outcome =
      status->ok() ? "OK" : std::string(absl::StatusCodeToString(status->code()));
  if (absl::Status st = audit.RecordApart(*env_.db, outcome); !st.ok()) {
    LogError("audit append failed",
             {{"method", route.method}, {"resource", audit.resource()}, {"error", st.ToString()}});
    if (status->ok() && route.kind == CallKind::kAuditedRead) {
      // A read that cannot be audited is not served.
      *status = absl::UnavailableError("audit log unavailable; try again");
    }
  }
}

DispatchedService::DispatchedService(const google::protobuf::ServiceDescriptor* descriptor,
                                     std::unique_ptr<RpcDispatcher> dispatcher,
                                     std::shared_ptr<void> owned)
    : dispatcher_(std::move(dispatcher)), owned_(std::move(owned)) {
  for (int i = 0; i < descriptor->method_count(); ++i) {
    method_paths_.push_back(
        absl::StrCat("/", descriptor->full_name(), "/", descriptor->method(i)->name()));
  }
  for (int i = 0; i < descriptor->method_count(); ++i) {
    AddMethod(new grpc::internal::RpcServiceMethod(method_paths_[i].c_str(),
                                                   grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
    MarkMethodRawCallback(
        i, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
               [dispatcher = dispatcher_.get(), i](grpc::CallbackServerContext* context,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) {
                 return dispatcher->Serve(i, context, request, response);
               }));
  }
}

}  // namespace kaoping
