#include "services/indicators/indicator_service.h"

#include "kaoping/v1/indicators.grpc.pb.h"
#include "services/common/status_macros.h"
#include "services/indicators/indicator_policy.h"

namespace kaoping::indicators {

const RpcTable<IndicatorCatalog>& IndicatorRpcs() {
  using C = IndicatorCatalog;
  constexpr absl::string_view kSet = "regions/{region}/indicatorSets/{set}";
  constexpr absl::string_view kRegion = "regions/{region}";
  static const auto* table = new RpcTable<C>(
      v1::IndicatorService::service_full_name(),
      {
          Rpc(&C::Create, CallKind::kWrite,
              Created("parent", &v1::CreateIndicatorSetRequest::parent, kRegion, "indicatorSets",
                      &v1::CreateIndicatorSetRequest::indicator_set_id),
              kEditors),
          Rpc(&C::Get, CallKind::kRead, Named("name", &v1::GetIndicatorSetRequest::name, kSet),
              kReaders),
          Rpc(&C::List, CallKind::kRead,
              Named("parent", &v1::ListIndicatorSetsRequest::parent, kRegion), kReaders),
          Rpc(&C::Update, CallKind::kWrite,
              Named(
                  "indicator_set.name",
                  [](const v1::UpdateIndicatorSetRequest& r) -> const std::string& {
                    return r.indicator_set().name();
                  },
                  kSet),
              kEditors),
          Rpc(&C::Delete, CallKind::kWrite,
              Named("name", &v1::DeleteIndicatorSetRequest::name, kSet), kEditors),
          Rpc(&C::Publish, CallKind::kWrite,
              Named("name", &v1::PublishIndicatorSetRequest::name, kSet), kEditors),
          Rpc(&C::Retire, CallKind::kWrite,
              Named("name", &v1::RetireIndicatorSetRequest::name, kSet), kEditors),
          Rpc(&C::Resolve, CallKind::kRead,
              Named("region", &v1::ResolveCatalogRequest::region, kRegion), kResolvers),
          Rpc(&C::GetDefault, CallKind::kRead, NoRegion("the default catalog"), kAnyone),
      });
  return *table;
}

absl::StatusOr<OwnedService> IndicatorService(ServiceRuntime& runtime, ServiceDeps deps) {
  return Serve(runtime, IndicatorRpcs(), std::make_shared<IndicatorCatalog>(std::move(deps)));
}

absl::StatusOr<std::vector<OwnedService>> IndicatorServices(ServiceRuntime& runtime) {
  std::vector<OwnedService> services;
  ASSIGN_OR_RETURN(OwnedService indicators, IndicatorService(runtime, runtime.deps()));
  services.push_back(std::move(indicators));
  return services;
}

}  // namespace kaoping::indicators
