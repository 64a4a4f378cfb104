#pragma once

#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/evaluations/context.h"

namespace kaoping::evaluations {

// Leads (问题线索) and their verification (核实甄别) by the assessment team:
// OPEN → VERIFYING → CONFIRMED, PARTLY_CONFIRMED or UNFOUNDED, final.
// So far reading one lead and the verification: creating leads by hand or
// push, listing and updating them are not written yet (README.md).
class Leads {
 public:
  explicit Leads(Context& context) : ctx_(context) {}

  absl::StatusOr<v1::Lead> StartLeadVerification(const Principal& caller, AuditScope& audit,
                                                 const v1::StartLeadVerificationRequest& request);
  absl::StatusOr<v1::Lead> VerifyLead(const Principal& caller, AuditScope& audit,
                                      const v1::VerifyLeadRequest& request);

  absl::StatusOr<v1::Lead> GetLead(const Principal& caller, AuditScope& audit,
                                   const v1::GetLeadRequest& request);

 private:
  // The lead about to change: etag current, the caller the county's team.
  absl::StatusOr<StoredLead> LoadForChange(db::Transaction& tx, const std::string& region_code,
                                           const std::string& lead_id, const std::string& name,
                                           const std::string& etag) const;

  Context& ctx_;
};

}  // namespace kaoping::evaluations
