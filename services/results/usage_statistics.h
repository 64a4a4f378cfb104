#pragma once

#include "absl/status/statusor.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/results/results_context.h"
#include "services/results/usage_store.h"

namespace kaoping::results {

// GetUsageStatistics: how often results were used in a county (a row per
// unit), a city (per county) or a province (per city), over a period,
// suppressed as usage_figures.h says. data_version moves with every event
// results writes for those regions, so the gateway can cache by it.
class UsageStatistics {
 public:
  explicit UsageStatistics(ResultsContext& context) : context_(context) {}

  absl::StatusOr<v1::UsageStatistics> GetUsageStatistics(
      const Principal& caller, AuditScope& audit, const v1::GetUsageStatisticsRequest& request);

 private:
  ResultsContext& context_;
  UsageStore store_;
};

}  // namespace kaoping::results
