#include "services/results/veto_store.h"

#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/common/status_macros.h"
#include "services/results/store_values.h"

namespace kaoping::results {

absl::StatusOr<std::optional<v1::Veto>> VetoStore::Find(db::Transaction& tx,
                                                        const std::string& region_code,
                                                        const std::string& veto_id) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT content FROM vetoes"
                                           " WHERE region_code = $1 AND veto_id = $2",
                                           {region_code, veto_id}));
  if (rows.empty()) {
    return std::optional<v1::Veto>();
  }
  ASSIGN_OR_RETURN(v1::Veto veto, DecodeContent<v1::Veto>(rows[0][0]));
  return std::optional<v1::Veto>(std::move(veto));
}

absl::Status VetoStore::Insert(db::Transaction& tx, const std::string& region_code,
                               const std::string& veto_id, const std::string& cadre_id,
                               const std::string& unit_id, const v1::Veto& veto) const {
  return tx
      .Execute(
          "INSERT INTO vetoes (region_code, veto_id, cadre_id, unit_id, start_date,"
          " end_date, create_micros, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
          {region_code, veto_id, cadre_id, unit_id, DayText(veto.start_date()),
           DayText(veto.end_date()), Micros(veto.create_time()),
           db::Blob{veto.SerializeAsString()}})
      .status();
}

absl::Status VetoStore::Replace(db::Transaction& tx, const std::string& region_code,
                                const std::string& veto_id, const v1::Veto& veto) const {
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE vetoes SET start_date = $3, end_date = $4, content = $5"
                              " WHERE region_code = $1 AND veto_id = $2",
                              {region_code, veto_id, DayText(veto.start_date()),
                               DayText(veto.end_date()), db::Blob{veto.SerializeAsString()}}));
  return ChangedOne(changed, veto.name());
}

absl::StatusOr<std::vector<v1::Veto>> VetoStore::ForCadre(db::Transaction& tx,
                                                          const std::string& region_code,
                                                          const std::string& cadre_id) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT content FROM vetoes"
                                           " WHERE region_code = $1 AND cadre_id = $2"
                                           " ORDER BY start_date, veto_id",
                                           {region_code, cadre_id}));
  return DecodeAll<v1::Veto>(rows);
}

absl::StatusOr<std::vector<v1::Veto>> VetoStore::List(db::Transaction& tx,
                                                      const std::string& region_code,
                                                      const VetoFilter& filter,
                                                      const std::vector<std::string>& after,
                                                      int limit) const {
  db::Params params = {region_code};
  std::string sql = "SELECT content FROM vetoes WHERE region_code = $1";
  AndEquals(params, sql, "cadre_id", filter.cadre_id);
  if (filter.state != v1::Veto::STATE_UNSPECIFIED) {
    params.emplace_back(FormatDay(filter.today));
    absl::StrAppend(&sql, " AND end_date ", filter.state == v1::Veto::IN_FORCE ? ">" : "<=", " $",
                    params.size());
  }
  if (after.size() == 2) {
    params.emplace_back(after[0]);
    params.emplace_back(after[1]);
    const size_t n = params.size();
    absl::StrAppend(&sql, " AND (start_date < $", n - 1, " OR (start_date = $", n - 1,
                    " AND veto_id < $", n, "))");
  }
  params.emplace_back(static_cast<int64_t>(limit));
  absl::StrAppend(&sql, " ORDER BY start_date DESC, veto_id DESC LIMIT $", params.size());
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query(sql, params));
  return DecodeAll<v1::Veto>(rows);
}

}  // namespace kaoping::results
