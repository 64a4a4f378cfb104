#include "services/indicators/indicator_service.h"

#include "services/common/status_macros.h"

namespace kaoping::indicators {
namespace {

constexpr char kService[] = "kaoping.v1.IndicatorService/";

// Serves one RPC whose domain method returns StatusOr<Response>. The body
// runs on a worker after this returns: it captures by value (gRPC keeps
// request and response alive until the call finishes).
template <typename Request, typename Response, typename Method>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const CallEnv& env,
                                const char* name, CallKind kind, const Request* request,
                                Response* response, Method method) {
  return ServeUnary(context, env, absl::StrCat(kService, name), kind,
                    [request, response, method](CallContext& call) -> absl::Status {
                      ASSIGN_OR_RETURN(*response, method(call, *request));
                      return absl::OkStatus();
                    });
}

}  // namespace

grpc::ServerUnaryReactor* IndicatorService::CreateIndicatorSet(
    grpc::CallbackServerContext* context, const v1::CreateIndicatorSetRequest* request,
    v1::IndicatorSet* response) {
  return Serve(context, env_, "CreateIndicatorSet", CallKind::kWrite, request, response,
               [this](CallContext& c, const auto& r) { return catalog_.Create(c, r); });
}

grpc::ServerUnaryReactor* IndicatorService::GetIndicatorSet(
    grpc::CallbackServerContext* context, const v1::GetIndicatorSetRequest* request,
    v1::IndicatorSet* response) {
  return Serve(context, env_, "GetIndicatorSet", CallKind::kRead, request, response,
               [this](CallContext& c, const auto& r) { return catalog_.Get(c, r); });
}

grpc::ServerUnaryReactor* IndicatorService::ListIndicatorSets(
    grpc::CallbackServerContext* context, const v1::ListIndicatorSetsRequest* request,
    v1::ListIndicatorSetsResponse* response) {
  return Serve(context, env_, "ListIndicatorSets", CallKind::kRead, request, response,
               [this](CallContext& c, const auto& r) { return catalog_.List(c, r); });
}

grpc::ServerUnaryReactor* IndicatorService::UpdateIndicatorSet(
    grpc::CallbackServerContext* context, const v1::UpdateIndicatorSetRequest* request,
    v1::IndicatorSet* response) {
  return Serve(context, env_, "UpdateIndicatorSet", CallKind::kWrite, request, response,
               [this](CallContext& c, const auto& r) { return catalog_.Update(c, r); });
}

grpc::ServerUnaryReactor* IndicatorService::DeleteIndicatorSet(
    grpc::CallbackServerContext* context, const v1::DeleteIndicatorSetRequest* request,
    google::protobuf::Empty*) {
  return ServeUnary(context, env_, absl::StrCat(kService, "DeleteIndicatorSet"), CallKind::kWrite,
                    [this, request](CallContext& call) { return catalog_.Delete(call, *request); });
}

grpc::ServerUnaryReactor* IndicatorService::PublishIndicatorSet(
    grpc::CallbackServerContext* context, const v1::PublishIndicatorSetRequest* request,
    v1::IndicatorSet* response) {
  return Serve(context, env_, "PublishIndicatorSet", CallKind::kWrite, request, response,
               [this](CallContext& c, const auto& r) { return catalog_.Publish(c, r); });
}

grpc::ServerUnaryReactor* IndicatorService::RetireIndicatorSet(
    grpc::CallbackServerContext* context, const v1::RetireIndicatorSetRequest* request,
    v1::IndicatorSet* response) {
  return Serve(context, env_, "RetireIndicatorSet", CallKind::kWrite, request, response,
               [this](CallContext& c, const auto& r) { return catalog_.Retire(c, r); });
}

grpc::ServerUnaryReactor* IndicatorService::ResolveCatalog(grpc::CallbackServerContext* context,
                                                           const v1::ResolveCatalogRequest* request,
                                                           v1::ResolvedCatalog* response) {
  return Serve(context, env_, "ResolveCatalog", CallKind::kRead, request, response,
               [this](CallContext& c, const auto& r) { return catalog_.Resolve(c, r); });
}

grpc::ServerUnaryReactor* IndicatorService::GetDefaultCatalog(
    grpc::CallbackServerContext* context, const v1::GetDefaultCatalogRequest* request,
    v1::IndicatorSet* response) {
  return Serve(context, env_, "GetDefaultCatalog", CallKind::kRead, request, response,
               [this](CallContext& c, const auto& r) { return catalog_.GetDefault(c, r); });
}

std::vector<OwnedService> IndicatorServices(ServiceRuntime& runtime) {
  std::vector<OwnedService> services;
  services.push_back({v1::IndicatorService::service_full_name(),
                      std::make_unique<IndicatorService>(runtime.call_env(), runtime.deps())});
  return services;
}

}  // namespace kaoping::indicators
