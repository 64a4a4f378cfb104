#include "services/indicators/store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/api/date.h"
#include "services/common/status_macros.h"

namespace kaoping::indicators {
namespace {

absl::StatusOr<v1::IndicatorSet> Decode(const db::Value& content) {
  v1::IndicatorSet set;
  if (!set.ParseFromString(content.AsBlob())) {
    return absl::DataLossError("a stored indicator set does not parse");
  }
  return set;
}

db::Value DayOrNull(const google::type::Date& date) {
  if (!IsDateSet(date)) {
    return db::Value();
  }
  return db::Value(FormatDay(absl::CivilDay(date.year(), date.month(), date.day())));
}

// $1..$8 are the row; $9, when given, the revision a replacement expects.
db::Params RowParams(const std::string& region_code, const std::string& set_id,
                     const v1::IndicatorSet& set, std::optional<int64_t> expected_revision = {}) {
  db::Params params = {region_code,
                       set_id,
                       v1::IndicatorSet::State_Name(set.state()),
                       set.revision(),
                       DayOrNull(set.effective_from()),
                       DayOrNull(set.effective_until()),
                       set.has_publish_time() ? db::Value(set.publish_time().seconds() * 1000000 +
                                                          set.publish_time().nanos() / 1000)
                                              : db::Value(),
                       db::Blob{set.SerializeAsString()}};
  if (expected_revision.has_value()) {
    params.emplace_back(*expected_revision);
  }
  return params;
}

}  // namespace

absl::Status IndicatorStore::Insert(db::Transaction& tx, const std::string& region_code,
                                    const std::string& set_id, const v1::IndicatorSet& set) const {
  auto st = tx.Execute(
      "INSERT INTO indicator_sets (region_code, set_id, state, revision,"
      " effective_from, effective_until, publish_micros, content)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      RowParams(region_code, set_id, set));
  if (st.status().code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(absl::StrCat(set.name(), " already exists"));
  }
  return st.status();
}

absl::StatusOr<v1::IndicatorSet> IndicatorStore::Get(db::Transaction& tx,
                                                     const std::string& region_code,
                                                     const std::string& set_id) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT content FROM indicator_sets"
                                           " WHERE region_code = $1 AND set_id = $2",
                                           {region_code, set_id}));
  if (rows.empty()) {
    return absl::NotFoundError(
        absl::StrCat("regions/", region_code, "/indicatorSets/", set_id, " not found"));
  }
  return Decode(rows[0][0]);
}

absl::Status IndicatorStore::Replace(db::Transaction& tx, const std::string& region_code,
                                     const std::string& set_id, int64_t expected_revision,
                                     const v1::IndicatorSet& set) const {
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE indicator_sets SET state = $3, revision = $4,"
                              " effective_from = $5, effective_until = $6, publish_micros = $7,"
                              " content = $8 WHERE region_code = $1 AND set_id = $2"
                              " AND revision = $9",
                              RowParams(region_code, set_id, set, expected_revision)));
  if (changed == 0) {
    return absl::AbortedError(
        absl::StrCat(set.name(), " was changed concurrently; read it again and retry"));
  }
  return absl::OkStatus();
}

absl::Status IndicatorStore::DeleteDraft(db::Transaction& tx, const std::string& region_code,
                                         const std::string& set_id,
                                         int64_t expected_revision) const {
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("DELETE FROM indicator_sets WHERE region_code = $1 AND set_id = $2"
                              " AND revision = $3 AND state = 'DRAFT'",
                              {region_code, set_id, expected_revision}));
  if (changed == 0) {
    return absl::AbortedError(absl::StrCat("regions/", region_code, "/indicatorSets/", set_id,
                                           " was changed concurrently; read it again and retry"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::IndicatorSet>> IndicatorStore::List(
    db::Transaction& tx, const std::string& region_code, const std::vector<std::string>& states,
    const std::string& after_id, int limit) const {
  db::Params params = {region_code, after_id, static_cast<int64_t>(limit)};
  std::string state_filter;
  if (!states.empty()) {
    std::vector<std::string> placeholders;
    for (const auto& state : states) {
      params.push_back(state);
      placeholders.push_back(absl::StrCat("$", params.size()));
    }
    state_filter = absl::StrCat(" AND state IN (", absl::StrJoin(placeholders, ", "), ")");
  }
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query(absl::StrCat("SELECT content FROM indicator_sets"
                                                        " WHERE region_code = $1 AND set_id > $2",
                                                        state_filter, " ORDER BY set_id LIMIT $3"),
                                           params));
  std::vector<v1::IndicatorSet> sets;
  sets.reserve(rows.size());
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(v1::IndicatorSet set, Decode(row[0]));
    sets.push_back(std::move(set));
  }
  return sets;
}

absl::StatusOr<std::optional<IndicatorStore::SetKey>> IndicatorStore::FindEffective(
    db::Transaction& tx, const std::string& region_code, absl::CivilDay day) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT set_id, revision FROM indicator_sets WHERE region_code = $1"
                            " AND state IN ('PUBLISHED', 'RETIRED') AND effective_from <= $2"
                            " AND (effective_until IS NULL OR effective_until > $2)"
                            " ORDER BY effective_from DESC, publish_micros DESC LIMIT 1",
                            {region_code, FormatDay(day)}));
  if (rows.empty()) {
    return std::optional<SetKey>();
  }
  return std::optional<SetKey>(SetKey{rows[0][0].AsText(), rows[0][1].AsInt()});
}

}  // namespace kaoping::indicators
