#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "kaoping/v1/audit.pb.h"
#include "services/common/audit/audit_log.h"
#include "services/common/auth/policy.h"
#include "services/common/auth/principal.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"
#include "services/common/server/rpc_table.h"
#include "services/common/server/service_runtime.h"

// AuditService (protos/kaoping/v1/audit.proto): every service process serves
// its own audit log, regions/{region}/auditLogs/{service}, to the auditors
// of the county; ServiceRuntime::StartServer adds it beside the service's own.
namespace kaoping {

// ListAuditRecords, VerifyAuditLog: only AUDITOR holding the county's own
// code (city and province grants and every other role: NOT_FOUND). Every
// call is audited (CallKind::kAuditedRead).
inline constexpr Rule kCountyAuditors{.roles = {Role::kAuditor},
                                      .system_scope = "",
                                      .region = RegionRelation::kOwn,
                                      .own_unit_roles = {},
                                      .refuse_as_not_found = true};

// The audit log of one service, as its auditors read it.
class AuditRecords {
 public:
  AuditRecords(std::string service, db::Database* db, const AuditLog* log, const Clock* clock)
      : service_(std::move(service)), db_(db), log_(log), clock_(clock) {}

  // Newest first, paged by sequence; filters by principal, method,
  // resource (itself or under it) and time.
  absl::StatusOr<v1::ListAuditRecordsResponse> List(const Principal& caller, AuditScope& audit,
                                                    const v1::ListAuditRecordsRequest& request);
  // Walks the region's chain and reports every problem found.
  absl::StatusOr<v1::AuditLogVerification> Verify(const Principal& caller, AuditScope& audit,
                                                  const v1::VerifyAuditLogRequest& request);

  // Problems listed in a verification; the rest are counted.
  static constexpr int kMaxProblems = 100;
  static constexpr int kDefaultAuditPageSize = 100;

 private:
  // NOT_FOUND unless `name`'s {audit_log} is this service's own log.
  absl::Status CheckOwnLog(absl::string_view name) const;

  std::string service_;
  db::Database* db_;
  const AuditLog* log_;
  const Clock* clock_;
};

const RpcTable<AuditRecords>& AuditRpcs();

// The AuditService of the runtime's service, on its store and audit log.
absl::StatusOr<OwnedService> ServeAuditLog(ServiceRuntime& runtime);

}  // namespace kaoping
