#pragma once

#include "absl/status/statusor.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/policy.h"
#include "services/common/auth/principal.h"
#include "services/results/archive_store.h"
#include "services/results/results_context.h"
#include "services/results/results_names.h"

namespace kaoping::results {

// Reading a cadre's archive (政治素质档案): its header, its entries newest
// first (BASIC by default), one entry. Every read is audited (the RPC
// table's kAuditedRead). A CADRE reads only their own archive, without
// sealed identities; anyone else the rule admits reads any.
class Archives {
 public:
  explicit Archives(ResultsContext& context) : context_(context) {}

  absl::StatusOr<v1::Archive> GetArchive(const Principal& caller, AuditScope& audit,
                                         const v1::GetArchiveRequest& request);
  absl::StatusOr<v1::ListArchiveEntriesResponse> ListArchiveEntries(
      const Principal& caller, AuditScope& audit, const v1::ListArchiveEntriesRequest& request);
  absl::StatusOr<v1::ArchiveEntry> GetArchiveEntry(const Principal& caller, AuditScope& audit,
                                                   const v1::GetArchiveEntryRequest& request);
  // The whole archive as one document (archive_export.cc): entries FULL,
  // oldest first, the newest that fit 16 MiB (`truncated` otherwise), with
  // the cadre's vetoes, handlings and decisions.
  absl::StatusOr<v1::ArchiveExport> ExportArchive(const Principal& caller, AuditScope& audit,
                                                  const v1::ExportArchiveRequest& request);

 protected:
  // The cadre whose archive `name` (of `pattern`) is, when `caller` may
  // read it under `rule`; NOT_FOUND otherwise.
  static absl::StatusOr<CadreKey> ReadableArchive(const Rule& rule, const Principal& caller,
                                                  absl::string_view field, const std::string& name,
                                                  absl::string_view pattern);
  // The header of a cadre's archive for `today`; NOT_FOUND when the cadre
  // is not on the roster.
  absl::StatusOr<v1::Archive> Header(db::Transaction& tx, const CadreKey& cadre) const;
  // The export without its entries.
  absl::StatusOr<v1::ArchiveExport> ExportFrame(db::Transaction& tx, const CadreKey& cadre) const;
  // Entries newest first, as many as fit `budget` bytes; sets `truncated`.
  absl::StatusOr<std::vector<v1::ArchiveEntry>> EntriesWithin(db::Transaction& tx,
                                                              const CadreKey& cadre, size_t budget,
                                                              bool& truncated) const;

  ResultsContext& context_;
  ArchiveStore store_;
};

// What ArchiveEntry's BASIC view leaves out.
const std::vector<std::string>& EntryFieldsOmittedInBasicView();

}  // namespace kaoping::results
