#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.grpc.pb.h"
#include "services/appraisals/appraisals.h"
#include "services/common/server/rpc_table.h"
#include "services/common/server/service_runtime.h"

namespace kaoping::appraisals {

// The RPCs of kaoping.v1.AppraisalService: one row each (the domain method,
// call kind, resource, rule of appraisal_policy.h).
const RpcTable<Appraisals>& AppraisalRpcs();

// The appraisals process's own configuration keys (beside the runtime's):
//   evaluations_address   host:port (or a gRPC target) of EvaluationService (required)
//   evaluations_deadline  deadline of each call to it (default 5s)
const std::vector<std::string>& AppraisalConfigKeys();

// AppraisalService on `deps`, asking evaluations through `evaluations`
// (the real stub, or a test's mock).
absl::StatusOr<OwnedService> AppraisalService(
    ServiceRuntime& runtime, ServiceDeps deps,
    std::shared_ptr<v1::EvaluationService::StubInterface> evaluations);

// What the appraisals process serves, wired to its runtime: evaluations at
// `evaluations_address` over runtime.ChannelTo (TLS from configuration).
absl::StatusOr<std::vector<OwnedService>> AppraisalServices(ServiceRuntime& runtime);

}  // namespace kaoping::appraisals
