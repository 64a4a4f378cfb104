#pragma once

#include "absl/status/statusor.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/results/results_context.h"
#include "services/results/results_names.h"
#include "services/results/roster_store.h"

namespace kaoping::results {

// Units and cadres read and corrected one by one (ImportRoster is
// roster_import.h). A correction by hand lasts until the next import
// carries the row: the cadre management system is the system of record.
class Roster {
 public:
  explicit Roster(ResultsContext& context) : context_(context) {}

  absl::StatusOr<v1::Unit> GetUnit(const Principal& caller, AuditScope& audit,
                                   const v1::GetUnitRequest& request);
  absl::StatusOr<v1::ListUnitsResponse> ListUnits(const Principal& caller, AuditScope& audit,
                                                  const v1::ListUnitsRequest& request);
  // ABORTED on a stale etag; FAILED_PRECONDITION dissolving a unit that
  // still has ACTIVE cadres.
  absl::StatusOr<v1::Unit> UpdateUnit(const Principal& caller, AuditScope& audit,
                                      const v1::UpdateUnitRequest& request);
  // A CADRE reads their own record only (NOT_FOUND otherwise).
  absl::StatusOr<v1::Cadre> GetCadre(const Principal& caller, AuditScope& audit,
                                     const v1::GetCadreRequest& request);
  absl::StatusOr<v1::ListCadresResponse> ListCadres(const Principal& caller, AuditScope& audit,
                                                    const v1::ListCadresRequest& request);
  absl::StatusOr<v1::BatchGetCadresResponse> BatchGetCadres(
      const Principal& caller, AuditScope& audit, const v1::BatchGetCadresRequest& request);
  // ABORTED on a stale etag; FAILED_PRECONDITION moving a cadre into a
  // DISSOLVED unit.
  absl::StatusOr<v1::Cadre> UpdateCadre(const Principal& caller, AuditScope& audit,
                                        const v1::UpdateCadreRequest& request);

 private:
  // A unit with its cadre_count filled in.
  absl::StatusOr<v1::Unit> Counted(db::Transaction& tx, const std::string& region_code,
                                   v1::Unit unit) const;
  absl::Status CheckUnitChange(db::Transaction& tx, const UnitKey& key,
                               const v1::Unit& updated) const;
  absl::StatusOr<v1::Unit> UnitOfCadre(db::Transaction& tx, const std::string& region_code,
                                       const v1::Cadre& cadre) const;

  ResultsContext& context_;
  RosterStore store_;
};

}  // namespace kaoping::results
