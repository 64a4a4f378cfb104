#include "services/results/usage_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "services/common/api/date.h"
#include "services/common/clock.h"
#include "services/common/status_macros.h"

namespace kaoping::results {
namespace {

using Groups = absl::flat_hash_map<std::string, UsageCounts>;

absl::string_view ScopeColumn(UsageScope scope) {
  switch (scope) {
    case UsageScope::kTotal:
      return "CAST('' AS TEXT)";
    case UsageScope::kUnit:
      return "unit_id";
    case UsageScope::kRegion:
      return "region_code";
    case UsageScope::kCity:
      return "substr(region_code, 1, 4)";
  }
  return "''";
}

// `sql` with {scope} replaced by the grouping expression.
std::string WithScope(absl::string_view sql, UsageScope scope) {
  return absl::StrReplaceAll(sql, {{"{scope}", ScopeColumn(scope)}});
}

int64_t StartMicros(absl::CivilDay day) {
  return absl::ToUnixMicros(absl::FromCivil(day, ChinaStandardTime()));
}

// The enum value a column names (0 when it names none).
template <typename Enum, typename Parse>
Enum EnumOf(const db::Value& value, Parse parse) {
  Enum out{};
  parse(value.AsText(), &out);
  return out;
}

}  // namespace

absl::StatusOr<Groups> UsageStore::Count(db::Transaction& tx, UsageScope scope,
                                         const UsageQuery& query) const {
  const std::string like = absl::StrCat(query.region_prefix, "%");
  const std::string start = FormatDay(query.start);
  const std::string end = FormatDay(query.end);
  const std::string today = FormatDay(query.today);
  const std::string in_force_on = FormatDay(std::min(query.end, query.today));
  const int64_t from_micros = StartMicros(query.start);
  const int64_t until_micros = StartMicros(query.end + 1);
  Groups groups;
  ASSIGN_OR_RETURN(
      db::Rows cadres,
      tx.Query(
          WithScope(
              "SELECT scope, COUNT(DISTINCT cadre) FROM ("
              " SELECT {scope} AS scope, region_code || '/' || cadre_id AS cadre"
              " FROM archive_entries WHERE region_code LIKE $1 AND conclude_date >= $2"
              " AND conclude_date <= $3 AND superseded_by IS NULL AND grade <> 'GRADE_UNSPECIFIED'"
              " UNION ALL SELECT {scope}, region_code || '/' || cadre_id FROM decisions"
              " WHERE region_code LIKE $1 AND decision_date >= $2 AND decision_date <= $3"
              " UNION ALL SELECT {scope}, region_code || '/' || cadre_id FROM vetoes"
              " WHERE region_code LIKE $1 AND ((start_date >= $2 AND start_date <= $3)"
              " OR (start_date <= $4 AND end_date > $4))"
              " UNION ALL SELECT {scope}, region_code || '/' || cadre_id FROM handlings"
              " WHERE region_code LIKE $1 AND ((create_micros >= $5 AND create_micros < $6)"
              " OR (state = 'DECIDED' AND due_date < $7))"
              ") counted GROUP BY scope",
              scope),
          {like, start, end, in_force_on, from_micros, until_micros, today}));
  for (const db::Row& row : cadres) {
    groups[row[0].AsText()].cadres = row[1].AsInt();
  }
  ASSIGN_OR_RETURN(db::Rows grades,
                   tx.Query(WithScope("SELECT {scope}, grade, COUNT(*) FROM archive_entries"
                                      " WHERE region_code LIKE $1 AND conclude_date >= $2"
                                      " AND conclude_date <= $3 AND superseded_by IS NULL"
                                      " AND grade <> 'GRADE_UNSPECIFIED' GROUP BY 1, 2",
                                      scope),
                            {like, start, end}));
  for (const db::Row& row : grades) {
    groups[row[0].AsText()].grades[EnumOf<v1::Grade>(row[1], &v1::Grade_Parse)] += row[2].AsInt();
  }
  ASSIGN_OR_RETURN(db::Rows decisions,
                   tx.Query(WithScope("SELECT {scope}, kind, COUNT(*),"
                                      " COUNT(CASE WHEN based_on_result = 1 THEN 1 END),"
                                      " COUNT(CASE WHEN deviation = 1 THEN 1 END) FROM decisions"
                                      " WHERE region_code LIKE $1 AND decision_date >= $2"
                                      " AND decision_date <= $3 GROUP BY 1, 2",
                                      scope),
                            {like, start, end}));
  for (const db::Row& row : decisions) {
    UsageCounts& counts = groups[row[0].AsText()];
    UsageCounts::Decisions& kind =
        counts.decisions[EnumOf<v1::DecisionKind>(row[1], &v1::DecisionKind_Parse)];
    kind.count += row[2].AsInt();
    kind.based_on_result += row[3].AsInt();
    counts.deviations += row[4].AsInt();
  }
  ASSIGN_OR_RETURN(
      db::Rows vetoes,
      tx.Query(WithScope("SELECT {scope},"
                         " COUNT(CASE WHEN start_date >= $2 AND start_date <= $3 THEN 1 END),"
                         " COUNT(CASE WHEN start_date <= $4 AND end_date > $4 THEN 1 END)"
                         " FROM vetoes WHERE region_code LIKE $1 GROUP BY 1",
                         scope),
               {like, start, end, in_force_on}));
  for (const db::Row& row : vetoes) {
    UsageCounts& counts = groups[row[0].AsText()];
    counts.vetoes_imposed += row[1].AsInt();
    counts.vetoes_in_force += row[2].AsInt();
  }
  ASSIGN_OR_RETURN(db::Rows handlings,
                   tx.Query(WithScope("SELECT {scope}, kind, state, COUNT(*) FROM handlings"
                                      " WHERE region_code LIKE $1 AND create_micros >= $2"
                                      " AND create_micros < $3 GROUP BY 1, 2, 3",
                                      scope),
                            {like, from_micros, until_micros}));
  for (const db::Row& row : handlings) {
    groups[row[0].AsText()]
        .handlings[{EnumOf<v1::HandlingKind>(row[1], &v1::HandlingKind_Parse),
                    EnumOf<v1::HandlingState>(row[2], &v1::HandlingState_Parse)}] += row[3].AsInt();
  }
  ASSIGN_OR_RETURN(
      db::Rows overdue,
      tx.Query(WithScope("SELECT {scope}, COUNT(*) FROM handlings WHERE region_code LIKE $1"
                         " AND state = 'DECIDED' AND due_date < $2 GROUP BY 1",
                         scope),
               {like, today}));
  for (const db::Row& row : overdue) {
    groups[row[0].AsText()].overdue += row[1].AsInt();
  }
  return groups;
}

absl::StatusOr<std::string> UsageStore::EventMarks(db::Transaction& tx,
                                                   const std::string& region_prefix) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT region_code, seq FROM outbox_head WHERE region_code LIKE $1"
                            " ORDER BY region_code",
                            {absl::StrCat(region_prefix, "%")}));
  std::string marks;
  for (const db::Row& row : rows) {
    absl::StrAppend(&marks, row[0].AsText(), "=", row[1].AsInt(), ";");
  }
  return marks;
}

}  // namespace kaoping::results
