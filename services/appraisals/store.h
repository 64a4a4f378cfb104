#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kaoping/v1/appraisals.pb.h"
#include "services/common/db/database.h"

namespace kaoping::appraisals {

// An appraisal as stored: the record (kaoping.v1.Appraisal without content,
// signed_content and summary_snapshot), the two byte strings exactly as they
// were produced and received, and the columns queries use.
struct StoredAppraisal {
  std::string region_code;
  std::string appraisal_id;
  v1::Appraisal record;
  std::string signed_content;
  std::string summary_snapshot;
  int64_t revision = 0;
  // Columns kept beside the record (set by whoever writes it).
  std::string subject;
  std::string campaign;
  std::string cadre;
  std::string unit;
  std::string grade;     // Grade name, "" while none
  std::string awaiting;  // ",ROLE,ROLE,"
};

// What a List may ask for (every field optional) and what the caller may
// see at all (ListAccess), both as SQL conditions.
struct AppraisalQuery {
  std::string campaign;
  std::string cadre;
  std::string unit;
  std::string state;
  std::string grade;
  // Any of these roles still has to act (awaiting_me).
  std::vector<std::string> awaiting_roles;
  // Keyset: rows strictly older than (create_micros, appraisal_id).
  std::optional<std::pair<int64_t, std::string>> before;
  int limit = 50;
};

// The rows a caller may read at all: everything, or the union of what its
// roles reach (its units, its own appraisal, concluded ones).
struct ListAccess {
  bool everything = false;
  std::vector<std::string> units;  // one unit each
  bool every_unit = false;
  std::string cadre;
  bool concluded = false;
};

// What the appraisals service persists about appraisals, keyed by
// (region_code, appraisal_id). Every method runs in the caller's transaction.
class AppraisalStore {
 public:
  // ALREADY_EXISTS naming the appraisal when the id is taken.
  absl::Status Insert(db::Transaction& tx, const StoredAppraisal& row) const;
  // NOT_FOUND naming it when absent.
  absl::StatusOr<StoredAppraisal> Get(db::Transaction& tx, const std::string& region_code,
                                      const std::string& appraisal_id) const;
  // The name of the subject's appraisal, if it has one.
  absl::StatusOr<std::optional<std::string>> FindBySubject(db::Transaction& tx,
                                                           const std::string& region_code,
                                                           const std::string& subject) const;
  // Replaces the row if it is still at expected_revision (ABORTED otherwise).
  absl::Status Replace(db::Transaction& tx, const StoredAppraisal& row,
                       int64_t expected_revision) const;
  // Deletes a DRAFT still at expected_revision.
  absl::Status DeleteDraft(db::Transaction& tx, const std::string& region_code,
                           const std::string& appraisal_id, int64_t expected_revision) const;
  // Newest first.
  absl::StatusOr<std::vector<StoredAppraisal>> List(db::Transaction& tx,
                                                    const std::string& region_code,
                                                    const AppraisalQuery& query,
                                                    const ListAccess& access) const;
};

}  // namespace kaoping::appraisals
