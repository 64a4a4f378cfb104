#include "services/results/handling_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/common/status_macros.h"

namespace kaoping::results {
namespace {

// The kind a handling is counted and filtered by.
std::string EffectiveKind(const v1::Handling& handling) {
  return v1::HandlingKind_Name(handling.decided_kind() != v1::HANDLING_KIND_UNSPECIFIED
                                   ? handling.decided_kind()
                                   : handling.kind());
}

}  // namespace

absl::StatusOr<std::optional<Revised<v1::Handling>>> HandlingStore::Find(
    db::Transaction& tx, const std::string& region_code, const std::string& handling_id) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT content, revision FROM handlings"
                                           " WHERE region_code = $1 AND handling_id = $2",
                                           {region_code, handling_id}));
  ASSIGN_OR_RETURN(std::vector<Revised<v1::Handling>> found, DecodeRevised<v1::Handling>(rows));
  if (found.empty()) {
    return std::optional<Revised<v1::Handling>>();
  }
  return std::optional<Revised<v1::Handling>>(std::move(found[0]));
}

absl::StatusOr<bool> HandlingStore::InsertIfAbsent(
    db::Transaction& tx, const std::string& region_code, const std::string& handling_id,
    const std::string& cadre_id, const std::string& unit_id, const v1::Handling& handling) const {
  ASSIGN_OR_RETURN(
      int64_t inserted,
      tx.Execute("INSERT INTO handlings (region_code, handling_id, cadre_id, unit_id, kind, state,"
                 " due_date, create_micros, revision, content)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)"
                 " ON CONFLICT (region_code, handling_id) DO NOTHING",
                 {region_code, handling_id, cadre_id, unit_id, EffectiveKind(handling),
                  v1::HandlingState_Name(handling.state()), DayOrNull(handling.due_date()),
                  Micros(handling.create_time()), db::Blob{handling.SerializeAsString()}}));
  return inserted == 1;
}

absl::Status HandlingStore::Replace(db::Transaction& tx, const std::string& region_code,
                                    const std::string& handling_id, const v1::Handling& handling,
                                    int64_t revision, int64_t expected_revision) const {
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute("UPDATE handlings SET kind = $3, state = $4, due_date = $5, revision = $6,"
                 " content = $7 WHERE region_code = $1 AND handling_id = $2 AND revision = $8",
                 {region_code, handling_id, EffectiveKind(handling),
                  v1::HandlingState_Name(handling.state()), DayOrNull(handling.due_date()),
                  revision, db::Blob{handling.SerializeAsString()}, expected_revision}));
  return ChangedOne(changed, handling.name());
}

absl::StatusOr<std::vector<v1::Handling>> HandlingStore::List(db::Transaction& tx,
                                                              const std::string& region_code,
                                                              const HandlingFilter& filter,
                                                              const std::vector<std::string>& after,
                                                              int limit) const {
  db::Params params = {region_code};
  std::string sql = "SELECT content FROM handlings WHERE region_code = $1";
  AndEquals(params, sql, "cadre_id", filter.cadre_id);
  AndEquals(params, sql, "kind", filter.kind);
  AndEquals(params, sql, "state", filter.state);
  if (filter.due_before.has_value()) {
    params.emplace_back(FormatDay(*filter.due_before));
    absl::StrAppend(&sql, " AND state = 'DECIDED' AND due_date < $", params.size());
  }
  if (filter.decided_only) {
    absl::StrAppend(&sql, " AND state IN ('DECIDED', 'CARRIED_OUT')");
  }
  if (after.size() == 2) {
    int64_t micros = 0;
    if (!absl::SimpleAtoi(after[0], &micros)) {
      return absl::InvalidArgumentError("page_token: not a token returned by this query");
    }
    params.emplace_back(micros);
    params.emplace_back(after[1]);
    const size_t n = params.size();
    absl::StrAppend(&sql, " AND (create_micros < $", n - 1, " OR (create_micros = $", n - 1,
                    " AND handling_id < $", n, "))");
  }
  params.emplace_back(static_cast<int64_t>(limit));
  absl::StrAppend(&sql, " ORDER BY create_micros DESC, handling_id DESC LIMIT $", params.size());
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query(sql, params));
  return DecodeAll<v1::Handling>(rows);
}

}  // namespace kaoping::results
