#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/db/database.h"
#include "services/common/service_deps.h"
#include "services/results/results_names.h"

namespace kaoping::results {

// The writes that follow from a result, shared by applying appraisals and
// leads and by corrections, each in the caller's transaction with its
// event: appending an archive entry, imposing a veto, proposing a
// handling. Each moves the cadre's facts version where eligibility reads
// what it wrote.
class ArchiveWriter {
 public:
  explicit ArchiveWriter(const ServiceDeps& deps) : deps_(deps) {}

  // Appends `entry` to the cadre's archive as its next entry, stamped with
  // the cadre's unit, post title and tier (from `profile`), the record time
  // and "results" as recorder unless one is set; emits ArchiveEntryAdded.
  // Returns the entry as written (with its name).
  absl::StatusOr<v1::ArchiveEntry> Append(db::Transaction& tx, const CadreKey& cadre,
                                          const v1::Cadre& profile, v1::ArchiveEntry entry,
                                          const std::string& actor) const;

  struct Imposed {
    v1::Veto veto;
    bool created = false;
    // The veto handling proposed with a new veto.
    std::optional<v1::Handling> handling;
  };
  // The veto of a confirmed VETO lead: imposed once per lead (the id is the
  // lead's), from the lead's verification day for the policy's
  // veto_months; found as it is when imposed before. A new one emits
  // VetoImposed and proposes the policy's veto_handling.
  absl::StatusOr<Imposed> ImposeVeto(db::Transaction& tx, const CadreKey& cadre,
                                     const v1::Cadre& profile, const v1::VerifiedLead& lead,
                                     const std::string& appraisal, const std::string& entry,
                                     const v1::Policy& policy, const std::string& actor) const;

  struct Proposed {
    v1::Handling handling;
    bool created = false;
  };
  // A handling proposal. Automatic ones (FROM_VETO, FROM_POOR_GRADE) are
  // made once per cause: the id derives from origin and cause, so a second
  // proposal finds the first. Emits HandlingProposed when created.
  absl::StatusOr<Proposed> Propose(db::Transaction& tx, const CadreKey& cadre,
                                   const v1::Cadre& profile, v1::Handling handling,
                                   const std::string& actor) const;

 private:
  ServiceDeps deps_;
};

}  // namespace kaoping::results
