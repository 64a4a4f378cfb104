#pragma once

#include "absl/status/statusor.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/results/archive_store.h"
#include "services/results/archive_writer.h"
#include "services/results/results_context.h"

namespace kaoping::results {

// CreateArchiveEntry: a CORRECTION that supersedes an earlier entry of the
// same archive (entries are never edited). The header and eligibility
// follow the newest entry not superseded; a correction that clears
// `vetoed` lifts the vetoes the superseded entry carried (they end today),
// and a corrected grade the policy proposes a handling for proposes it.
class ArchiveCorrections {
 public:
  explicit ArchiveCorrections(ResultsContext& context) : context_(context), writer_(context.deps) {}

  absl::StatusOr<v1::ArchiveEntry> CreateArchiveEntry(const Principal& caller, AuditScope& audit,
                                                      const v1::CreateArchiveEntryRequest& request);

 private:
  // The correction as it will be written (not yet numbered), after the
  // checks that need the store.
  absl::StatusOr<v1::ArchiveEntry> Correction(db::Transaction& tx, const Principal& caller,
                                              const v1::CreateArchiveEntryRequest& request,
                                              const CadreKey& cadre,
                                              const EntryKey& superseded) const;
  // Ends today the vetoes that `superseded` carried and in force.
  absl::Status LiftVetoes(db::Transaction& tx, const CadreKey& cadre,
                          const v1::ArchiveEntry& superseded) const;
  absl::StatusOr<v1::ArchiveEntry> Write(db::Transaction& tx, const Principal& caller,
                                         AuditScope& audit,
                                         const v1::CreateArchiveEntryRequest& request,
                                         const CadreKey& cadre, const EntryKey& superseded) const;

  ResultsContext& context_;
  ArchiveWriter writer_;
  ArchiveStore store_;
};

}  // namespace kaoping::results
