#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "kaoping/v1/events.pb.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/results/results_context.h"
#include "services/results/roster_store.h"

namespace kaoping::results {

// ImportRoster (results.proto): the cadre management system's push of
// units and cadres, answered row by row. Units come first so that cadres
// may name units of the same push. A bad row is rejected with its field and
// the rest goes on; a SNAPSHOT also deactivates what it leaves out, unless
// that would deactivate more than a fifth of the ACTIVE cadres (a truncated
// file must not empty the roster). Idempotent on request_id; rows equal to
// what is stored are counted unchanged and not written.
class RosterImport {
 public:
  explicit RosterImport(ResultsContext& context) : context_(context) {}

  absl::StatusOr<v1::ImportRosterResponse> ImportRoster(const Principal& caller, AuditScope& audit,
                                                        const v1::ImportRosterRequest& request);

  static constexpr int kMaxRows = 10000;
  // A SNAPSHOT may deactivate at most this share of the ACTIVE cadres
  // without allow_mass_deactivation.
  static constexpr double kMassDeactivationShare = 0.2;

 private:
  // A row to write: the resource as it will be stored, at `revision`,
  // replacing `expected_revision` (0: created).
  template <typename Resource>
  struct Write {
    std::string id;
    Resource resource;
    int64_t revision = 0;
    int64_t expected_revision = 0;
  };
  // What an import does, worked out before anything is written.
  struct Plan {
    v1::ImportRosterResponse response;
    std::vector<Write<v1::Unit>> units;
    std::vector<Write<v1::Cadre>> cadres;
    v1::RosterImported event;
  };
  // The import's rows with their own checks done (errors by row).
  struct Checked {
    std::vector<absl::Status> unit_errors;
    std::vector<absl::Status> cadre_errors;
    std::vector<std::string> unit_ids;  // "" where the name did not parse
    std::vector<std::string> cadre_ids;
  };

  static absl::Status CheckRequest(const v1::ImportRosterRequest& request);
  static Checked CheckRows(const v1::ImportRosterRequest& request, const std::string& region_code);
  absl::StatusOr<Plan> PlanImport(db::Transaction& tx, const Principal& caller,
                                  const v1::ImportRosterRequest& request,
                                  const std::string& region_code, Checked checked) const;
  void PlanUnits(const v1::ImportRosterRequest& request, const std::string& region_code,
                 Checked& checked,
                 const absl::flat_hash_map<std::string, Revised<v1::Unit>>& stored,
                 const Principal& caller, Plan& plan) const;
  void PlanCadres(const v1::ImportRosterRequest& request, const std::string& region_code,
                  Checked& checked,
                  const absl::flat_hash_map<std::string, Revised<v1::Unit>>& stored_units,
                  const absl::flat_hash_map<std::string, Revised<v1::Cadre>>& stored,
                  const Principal& caller, Plan& plan) const;
  absl::Status PlanSnapshot(const v1::ImportRosterRequest& request, const Checked& checked,
                            const absl::flat_hash_map<std::string, Revised<v1::Unit>>& units,
                            const absl::flat_hash_map<std::string, Revised<v1::Cadre>>& cadres,
                            const Principal& caller, Plan& plan) const;
  absl::Status Apply(db::Transaction& tx, const Principal& caller, AuditScope& audit,
                     const std::string& region_code, const Plan& plan) const;

  ResultsContext& context_;
  RosterStore store_;
};

}  // namespace kaoping::results
