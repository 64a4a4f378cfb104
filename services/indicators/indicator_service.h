#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/server/rpc_table.h"
#include "services/common/server/service_runtime.h"
#include "services/indicators/indicator_catalog.h"

namespace kaoping::indicators {

// The RPCs of kaoping.v1.IndicatorService: one row each (the domain method,
// call kind, resource, rule of indicator_policy.h).
const RpcTable<IndicatorCatalog>& IndicatorRpcs();

// IndicatorService served by a catalog on `deps` (the runtime's, or a test's variant).
absl::StatusOr<OwnedService> IndicatorService(ServiceRuntime& runtime, ServiceDeps deps);

// What the indicators process serves, wired to its runtime (main, tests, benchmarks).
absl::StatusOr<std::vector<OwnedService>> IndicatorServices(ServiceRuntime& runtime);

}  // namespace kaoping::indicators
