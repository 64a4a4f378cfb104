#pragma once

#include "absl/status/statusor.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/results/decision_store.h"
#include "services/results/results_context.h"

namespace kaoping::results {

// Decisions actually taken about cadres (结果运用), immutable, each with the
// cadre's eligibility on its date and the archive entry it rested on, so
// that the use of results can be counted. A PROMOTION or RANK_ADVANCEMENT
// of a cadre not eligible then needs a deviation_reason.
class Decisions {
 public:
  explicit Decisions(ResultsContext& context) : context_(context) {}

  // Idempotent on request_id.
  absl::StatusOr<v1::Decision> CreateDecision(const Principal& caller, AuditScope& audit,
                                              const v1::CreateDecisionRequest& request);
  absl::StatusOr<v1::Decision> GetDecision(const Principal& caller, AuditScope& audit,
                                           const v1::GetDecisionRequest& request);
  absl::StatusOr<v1::ListDecisionsResponse> ListDecisions(const Principal& caller,
                                                          AuditScope& audit,
                                                          const v1::ListDecisionsRequest& request);

 private:
  // The decision as it will be stored (without name and times), after
  // every check that needs the store.
  absl::StatusOr<v1::Decision> Checked(db::Transaction& tx, const std::string& region_code,
                                       const v1::Decision& given, std::string* unit_id) const;

  ResultsContext& context_;
  DecisionStore store_;
};

}  // namespace kaoping::results
