// ExportArchive: a cadre's archive as one self-contained document.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/status_macros.h"
#include "services/results/archives.h"
#include "services/results/decision_store.h"
#include "services/results/eligibility_rule.h"
#include "services/results/handling_store.h"
#include "services/results/handlings.h"
#include "services/results/results_policy.h"
#include "services/results/roster_store.h"
#include "services/results/veto_store.h"

namespace kaoping::results {
namespace {

// Far more than one cadre ever has; what a cadre's export lists of them.
constexpr int kMaxOutcomes = 10000;
// Entries are read this many at a time, newest first.
constexpr int kEntryBatch = 64;
// Left for the envelope of the response beyond the message itself.
constexpr size_t kSlack = 64 * 1024;

}  // namespace

absl::StatusOr<v1::ArchiveExport> Archives::ExportFrame(db::Transaction& tx,
                                                        const CadreKey& cadre) const {
  v1::ArchiveExport out;
  ASSIGN_OR_RETURN(*out.mutable_archive(), Header(tx, cadre));
  ASSIGN_OR_RETURN(auto profile, RosterStore().FindCadre(tx, cadre.region_code, cadre.cadre_id));
  *out.mutable_cadre() = std::move(profile->resource);
  const absl::CivilDay today = Today(*context_.deps.clock);
  ASSIGN_OR_RETURN(std::vector<v1::Veto> vetoes,
                   VetoStore().ForCadre(tx, cadre.region_code, cadre.cadre_id));
  for (v1::Veto& veto : vetoes) {
    *out.add_vetoes() = WithState(std::move(veto), today);
  }
  ASSIGN_OR_RETURN(
      std::vector<v1::Handling> handlings,
      HandlingStore().List(tx, cadre.region_code, {.cadre_id = cadre.cadre_id}, {}, kMaxOutcomes));
  for (v1::Handling& handling : handlings) {
    *out.add_handlings() = WithOverdue(std::move(handling), today);
  }
  ASSIGN_OR_RETURN(
      std::vector<v1::Decision> decisions,
      DecisionStore().List(tx, cadre.region_code, {.cadre_id = cadre.cadre_id}, {}, kMaxOutcomes));
  for (v1::Decision& decision : decisions) {
    *out.add_decisions() = std::move(decision);
  }
  return out;
}

absl::StatusOr<std::vector<v1::ArchiveEntry>> Archives::EntriesWithin(db::Transaction& tx,
                                                                      const CadreKey& cadre,
                                                                      size_t budget,
                                                                      bool& truncated) const {
  std::vector<v1::ArchiveEntry> kept;
  size_t used = 0;
  int64_t before = 0;
  truncated = false;
  while (true) {
    ASSIGN_OR_RETURN(
        std::vector<v1::ArchiveEntry> batch,
        store_.List(tx, cadre.region_code, cadre.cadre_id, "", false, before, kEntryBatch));
    for (v1::ArchiveEntry& entry : batch) {
      const size_t bytes = entry.ByteSizeLong() + 6;  // with the field's tag and length
      if (used + bytes > budget) {
        truncated = true;
        return kept;
      }
      used += bytes;
      kept.push_back(std::move(entry));
    }
    if (batch.size() < static_cast<size_t>(kEntryBatch)) {
      return kept;
    }
    ASSIGN_OR_RETURN(const EntryKey last, ParseEntryName("", kept.back().name()));
    before = last.seq;
  }
}

absl::StatusOr<v1::ArchiveExport> Archives::ExportArchive(const Principal& caller, AuditScope&,
                                                          const v1::ExportArchiveRequest& request) {
  ASSIGN_OR_RETURN(const CadreKey cadre, ReadableArchive(kArchiveExporters, caller, "name",
                                                         request.name(), kArchivePattern));
  return db::RunInTransaction(
      *context_.deps.db, db::Access::kReadOnly,
      [&](db::Transaction& tx) -> absl::StatusOr<v1::ArchiveExport> {
        ASSIGN_OR_RETURN(v1::ArchiveExport out, ExportFrame(tx, cadre));
        *out.mutable_export_time() = ToProtoTimestamp(context_.deps.clock->Now());
        out.set_exporter(caller.subject);
        const size_t frame = out.ByteSizeLong() + kSlack;
        const size_t budget = frame < kMaxResponseBytes ? kMaxResponseBytes - frame : 0;
        bool truncated = false;
        ASSIGN_OR_RETURN(std::vector<v1::ArchiveEntry> entries,
                         EntriesWithin(tx, cadre, budget, truncated));
        std::reverse(entries.begin(), entries.end());  // oldest first
        for (v1::ArchiveEntry& entry : entries) {
          *out.add_entries() = std::move(entry);
        }
        out.set_truncated(truncated);
        return out;
      });
}

}  // namespace kaoping::results
