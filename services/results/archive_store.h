#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/db/database.h"

namespace kaoping::results {

// What eligibility and the archive header read of one entry, without
// parsing its content.
struct GradeFact {
  int64_t seq = 0;
  v1::ArchiveEntry::Kind kind = v1::ArchiveEntry::KIND_UNSPECIFIED;
  v1::Grade grade = v1::GRADE_UNSPECIFIED;
  std::optional<absl::CivilDay> conclude_day;
  bool vetoed = false;
  bool superseded = false;
};

// A concluded appraisal already applied: what it wrote.
struct AppliedAppraisal {
  std::string content_sha256;
  std::string cadre_id;
  int64_t entry_seq = 0;
};

// The archives: entries per (region_code, cadre_id, entry_seq), never
// rewritten (only superseded_by is set, when a CORRECTION supersedes an
// entry), and the keys that make applying appraisals and leads idempotent.
// Every method runs in the caller's transaction.
class ArchiveStore {
 public:
  // The next entry number of a cadre's archive. Callers hold
  // db::LockKey(tx, "archive", region, cadre) so that two writers never
  // take the same one.
  absl::StatusOr<int64_t> NextSeq(db::Transaction& tx, const std::string& region_code,
                                  const std::string& cadre_id) const;
  absl::Status Insert(db::Transaction& tx, const std::string& region_code,
                      const std::string& cadre_id, int64_t seq, const std::string& unit_id,
                      const v1::ArchiveEntry& entry) const;
  // Records that `seq` was superseded by `by_seq`; FAILED_PRECONDITION when
  // it already was (two corrections raced).
  absl::Status MarkSuperseded(db::Transaction& tx, const std::string& region_code,
                              const std::string& cadre_id, int64_t seq, int64_t by_seq) const;

  // The entry with superseded_by filled in, or nothing.
  absl::StatusOr<std::optional<v1::ArchiveEntry>> Get(db::Transaction& tx,
                                                      const std::string& region_code,
                                                      const std::string& cadre_id,
                                                      int64_t seq) const;
  // Newest first, below `before_seq` (0: from the newest), at most `limit`;
  // `kind` empty for every kind; `current_only` leaves superseded ones out.
  absl::StatusOr<std::vector<v1::ArchiveEntry>> List(db::Transaction& tx,
                                                     const std::string& region_code,
                                                     const std::string& cadre_id,
                                                     const std::string& kind, bool current_only,
                                                     int64_t before_seq, int limit) const;
  absl::StatusOr<std::vector<GradeFact>> GradeFacts(db::Transaction& tx,
                                                    const std::string& region_code,
                                                    const std::string& cadre_id) const;
  // When the first and the last entry were recorded (microseconds), if any.
  struct Span {
    int64_t count = 0;
    int64_t first_micros = 0;
    int64_t last_micros = 0;
  };
  absl::StatusOr<Span> RecordSpan(db::Transaction& tx, const std::string& region_code,
                                  const std::string& cadre_id) const;

  absl::StatusOr<std::optional<AppliedAppraisal>> FindAppliedAppraisal(
      db::Transaction& tx, const std::string& region_code, const std::string& appraisal_id) const;
  absl::Status InsertAppliedAppraisal(db::Transaction& tx, const std::string& region_code,
                                      const std::string& appraisal_id,
                                      const AppliedAppraisal& applied) const;
  // The VERIFIED_LEAD entry a lead produced: nullopt when the lead was
  // never applied, 0 when it was applied without an entry (unfounded).
  absl::StatusOr<std::optional<int64_t>> FindAppliedLead(db::Transaction& tx,
                                                         const std::string& region_code,
                                                         const std::string& lead_id) const;
  absl::Status InsertAppliedLead(db::Transaction& tx, const std::string& region_code,
                                 const std::string& lead_id, const std::string& cadre_id,
                                 int64_t entry_seq) const;
};

}  // namespace kaoping::results
