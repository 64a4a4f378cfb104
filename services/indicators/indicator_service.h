#pragma once

#include "kaoping/v1/indicators.grpc.pb.h"
#include "services/common/server/service_runtime.h"
#include "services/common/server/unary_call.h"
#include "services/indicators/indicator_catalog.h"

namespace kaoping::indicators {

// The gRPC face of the indicator catalog: each handler authenticates,
// delegates to IndicatorCatalog and maps the result (ServeUnary).
class IndicatorService final : public v1::IndicatorService::CallbackService {
 public:
  IndicatorService(CallEnv env, ServiceDeps deps) : env_(env), catalog_(std::move(deps)) {}

  grpc::ServerUnaryReactor* CreateIndicatorSet(grpc::CallbackServerContext* context,
                                               const v1::CreateIndicatorSetRequest* request,
                                               v1::IndicatorSet* response) override;
  grpc::ServerUnaryReactor* GetIndicatorSet(grpc::CallbackServerContext* context,
                                            const v1::GetIndicatorSetRequest* request,
                                            v1::IndicatorSet* response) override;
  grpc::ServerUnaryReactor* ListIndicatorSets(grpc::CallbackServerContext* context,
                                              const v1::ListIndicatorSetsRequest* request,
                                              v1::ListIndicatorSetsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateIndicatorSet(grpc::CallbackServerContext* context,
                                               const v1::UpdateIndicatorSetRequest* request,
                                               v1::IndicatorSet* response) override;
  grpc::ServerUnaryReactor* DeleteIndicatorSet(grpc::CallbackServerContext* context,
                                               const v1::DeleteIndicatorSetRequest* request,
                                               google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* PublishIndicatorSet(grpc::CallbackServerContext* context,
                                                const v1::PublishIndicatorSetRequest* request,
                                                v1::IndicatorSet* response) override;
  grpc::ServerUnaryReactor* RetireIndicatorSet(grpc::CallbackServerContext* context,
                                               const v1::RetireIndicatorSetRequest* request,
                                               v1::IndicatorSet* response) override;
  grpc::ServerUnaryReactor* ResolveCatalog(grpc::CallbackServerContext* context,
                                           const v1::ResolveCatalogRequest* request,
                                           v1::ResolvedCatalog* response) override;
  grpc::ServerUnaryReactor* GetDefaultCatalog(grpc::CallbackServerContext* context,
                                              const v1::GetDefaultCatalogRequest* request,
                                              v1::IndicatorSet* response) override;

 private:
  CallEnv env_;
  IndicatorCatalog catalog_;
};

// What the indicators process serves, wired to its runtime (main, tests, benchmarks).
std::vector<OwnedService> IndicatorServices(ServiceRuntime& runtime);

}  // namespace kaoping::indicators
