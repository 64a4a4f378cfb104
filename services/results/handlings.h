#pragma once

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/results/archive_writer.h"
#include "services/results/handling_store.h"
#include "services/results/results_context.h"

namespace kaoping::results {

// Handlings (组织处理) from proposal to outcome: PROPOSED (automatically, or
// by hand) → DECIDED with a due date → CARRIED_OUT, or DISMISSED from
// PROPOSED or DECIDED; each change with its event. Who reads what:
// results_policy.h, HandlingAudienceOf.
class Handlings {
 public:
  explicit Handlings(ResultsContext& context) : context_(context), writer_(context.deps) {}

  // Idempotent on request_id.
  absl::StatusOr<v1::Handling> CreateHandling(const Principal& caller, AuditScope& audit,
                                              const v1::CreateHandlingRequest& request);
  absl::StatusOr<v1::Handling> GetHandling(const Principal& caller, AuditScope& audit,
                                           const v1::GetHandlingRequest& request);
  absl::StatusOr<v1::ListHandlingsResponse> ListHandlings(const Principal& caller,
                                                          AuditScope& audit,
                                                          const v1::ListHandlingsRequest& request);
  absl::StatusOr<v1::Handling> DecideHandling(const Principal& caller, AuditScope& audit,
                                              const v1::DecideHandlingRequest& request);
  absl::StatusOr<v1::Handling> CarryOutHandling(const Principal& caller, AuditScope& audit,
                                                const v1::CarryOutHandlingRequest& request);
  absl::StatusOr<v1::Handling> DismissHandling(const Principal& caller, AuditScope& audit,
                                               const v1::DismissHandlingRequest& request);

 private:
  // A state change: loads the handling (NOT_FOUND, stale etag ABORTED,
  // FAILED_PRECONDITION unless in one of `from`), lets `change` edit it,
  // stores it with its event and audit entry.
  absl::StatusOr<v1::Handling> Transition(
      const Principal& caller, AuditScope& audit, const std::string& name, const std::string& etag,
      std::initializer_list<v1::HandlingState> from, v1::HandlingState to,
      const std::function<absl::Status(db::Transaction&, v1::Handling&)>& change);
  absl::StatusOr<v1::Handling> Proposal(db::Transaction& tx, const std::string& region_code,
                                        const v1::Handling& given, v1::Cadre* profile) const;

  ResultsContext& context_;
  ArchiveWriter writer_;
  HandlingStore store_;
};

// The handling with `overdue` computed for today: DECIDED and past due.
v1::Handling WithOverdue(v1::Handling handling, absl::CivilDay today);

}  // namespace kaoping::results
