#include "services/results/decision_store.h"

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/results/store_values.h"

namespace kaoping::results {

absl::StatusOr<std::optional<v1::Decision>> DecisionStore::Find(
    db::Transaction& tx, const std::string& region_code, const std::string& decision_id) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT content FROM decisions"
                                           " WHERE region_code = $1 AND decision_id = $2",
                                           {region_code, decision_id}));
  if (rows.empty()) {
    return std::optional<v1::Decision>();
  }
  ASSIGN_OR_RETURN(v1::Decision decision, DecodeContent<v1::Decision>(rows[0][0]));
  return std::optional<v1::Decision>(std::move(decision));
}

absl::Status DecisionStore::Insert(db::Transaction& tx, const std::string& region_code,
                                   const std::string& decision_id, const std::string& cadre_id,
                                   const std::string& unit_id, const v1::Decision& decision) const {
  const bool promotion =
      decision.kind() == v1::PROMOTION || decision.kind() == v1::RANK_ADVANCEMENT;
  return tx
      .Execute(
          "INSERT INTO decisions (region_code, decision_id, cadre_id, unit_id, kind,"
          " decision_date, based_on_result, deviation, create_micros, content)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
          {region_code, decision_id, cadre_id, unit_id, v1::DecisionKind_Name(decision.kind()),
           DayText(decision.decision_date()), !decision.archive_entry().empty(),
           promotion && !decision.eligible_at_decision(), Micros(decision.create_time()),
           db::Blob{decision.SerializeAsString()}})
      .status();
}

absl::StatusOr<std::vector<v1::Decision>> DecisionStore::List(db::Transaction& tx,
                                                              const std::string& region_code,
                                                              const DecisionFilter& filter,
                                                              const std::vector<std::string>& after,
                                                              int limit) const {
  db::Params params = {region_code};
  std::string sql = "SELECT content FROM decisions WHERE region_code = $1";
  AndEquals(params, sql, "cadre_id", filter.cadre_id);
  AndEquals(params, sql, "kind", filter.kind);
  if (!filter.start_day.empty()) {
    params.emplace_back(filter.start_day);
    absl::StrAppend(&sql, " AND decision_date >= $", params.size());
  }
  if (!filter.end_day.empty()) {
    params.emplace_back(filter.end_day);
    absl::StrAppend(&sql, " AND decision_date <= $", params.size());
  }
  if (after.size() == 2) {
    params.emplace_back(after[0]);
    params.emplace_back(after[1]);
    const size_t n = params.size();
    absl::StrAppend(&sql, " AND (decision_date < $", n - 1, " OR (decision_date = $", n - 1,
                    " AND decision_id < $", n, "))");
  }
  params.emplace_back(static_cast<int64_t>(limit));
  absl::StrAppend(&sql, " ORDER BY decision_date DESC, decision_id DESC LIMIT $", params.size());
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query(sql, params));
  return DecodeAll<v1::Decision>(rows);
}

}  // namespace kaoping::results
