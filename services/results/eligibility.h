#pragma once

#include "absl/status/statusor.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/results/results_context.h"

namespace kaoping::results {

// GetEligibility and BatchGetEligibility: the busiest reads of the suite,
// answered from the eligibility view (one indexed read per call) and the
// rule of eligibility_rule.h.
class Eligibilities {
 public:
  explicit Eligibilities(ResultsContext& context) : context_(context) {}

  // A CADRE asks about themselves only (NOT_FOUND otherwise).
  absl::StatusOr<v1::Eligibility> GetEligibility(const Principal& caller, AuditScope& audit,
                                                 const v1::GetEligibilityRequest& request);
  // Up to 1000 cadres, answered per cadre: an unknown one is an error row.
  absl::StatusOr<v1::BatchGetEligibilityResponse> BatchGetEligibility(
      const Principal& caller, AuditScope& audit, const v1::BatchGetEligibilityRequest& request);

  static constexpr int kMaxBatch = 1000;

 private:
  ResultsContext& context_;
};

}  // namespace kaoping::results
