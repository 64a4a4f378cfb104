#pragma once

#include "absl/status/statusor.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/results/policy_store.h"
#include "services/results/results_context.h"

namespace kaoping::results {

// The use-of-results policy resource of a region (use_policy.h has its
// rules): the defaults until first updated, versioned by revision, every
// update audited with an event. A new revision applies to eligibility
// from the next read on; vetoes imposed keep their end date, proposed
// handlings stay.
class Policies {
 public:
  explicit Policies(ResultsContext& context) : context_(context) {}

  absl::StatusOr<v1::Policy> GetPolicy(const Principal& caller, AuditScope& audit,
                                       const v1::GetPolicyRequest& request);
  // ABORTED on a stale etag.
  absl::StatusOr<v1::Policy> UpdatePolicy(const Principal& caller, AuditScope& audit,
                                          const v1::UpdatePolicyRequest& request);

 private:
  ResultsContext& context_;
  PolicyStore store_;
};

}  // namespace kaoping::results
