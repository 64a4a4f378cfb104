#include "services/appraisals/store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/appraisals/sql_conditions.h"
#include "services/common/api/resource_name.h"
#include "services/common/status_macros.h"

namespace kaoping::appraisals {
namespace {

constexpr absl::string_view kColumns =
    "region_code, appraisal_id, subject, campaign, cadre, unit, state, grade, awaiting,"
    " revision, create_micros, record, signed_content, summary_snapshot";

int64_t CreateMicros(const v1::Appraisal& record) {
  return record.create_time().seconds() * 1000000 + record.create_time().nanos() / 1000;
}

std::string NameOf(const std::string& region_code, const std::string& appraisal_id) {
  return RegionChildName(region_code, "appraisals", appraisal_id);
}

// $1..$14 in kColumns order.
db::Params RowParams(const StoredAppraisal& row) {
  return {row.region_code,
          row.appraisal_id,
          row.subject,
          row.campaign,
          row.cadre,
          row.unit,
          v1::Appraisal::State_Name(row.record.state()),
          row.grade,
          row.awaiting,
          row.revision,
          CreateMicros(row.record),
          db::Blob{row.record.SerializeAsString()},
          db::Blob{row.signed_content},
          db::Blob{row.summary_snapshot}};
}

absl::StatusOr<StoredAppraisal> Decode(const db::Row& r) {
  StoredAppraisal row;
  row.region_code = r[0].AsText();
  row.appraisal_id = r[1].AsText();
  row.subject = r[2].AsText();
  row.campaign = r[3].AsText();
  row.cadre = r[4].AsText();
  row.unit = r[5].AsText();
  row.grade = r[7].AsText();
  row.awaiting = r[8].AsText();
  row.revision = r[9].AsInt();
  if (!row.record.ParseFromString(r[11].AsBlob())) {
    return absl::DataLossError(absl::StrCat(
        "the stored record of ", NameOf(row.region_code, row.appraisal_id), " does not parse"));
  }
  row.signed_content = r[12].AsBlob();
  row.summary_snapshot = r[13].AsBlob();
  return row;
}

absl::StatusOr<std::vector<StoredAppraisal>> DecodeAll(const db::Rows& rows) {
  std::vector<StoredAppraisal> out;
  out.reserve(rows.size());
  for (const db::Row& r : rows) {
    ASSIGN_OR_RETURN(StoredAppraisal row, Decode(r));
    out.push_back(std::move(row));
  }
  return out;
}

// What the caller may read, as one condition ("1 = 0" when nothing).
std::string AccessClause(SqlConditions& where, const ListAccess& access) {
  if (access.everything) {
    return "1 = 1";
  }
  std::vector<std::string> any;
  if (access.every_unit) {
    any.push_back("1 = 1");
  }
  for (const std::string& unit : access.units) {
    any.push_back(absl::StrCat("unit = ", where.Bind(unit)));
  }
  if (!access.cadre.empty()) {
    any.push_back(absl::StrCat("cadre = ", where.Bind(access.cadre)));
  }
  if (access.concluded) {
    any.push_back("state = 'CONCLUDED'");
  }
  return any.empty() ? "1 = 0" : absl::StrCat("(", absl::StrJoin(any, " OR "), ")");
}

}  // namespace

absl::Status AppraisalStore::Insert(db::Transaction& tx, const StoredAppraisal& row) const {
  auto inserted = tx.Execute(absl::StrCat("INSERT INTO appraisals (", kColumns,
                                          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
                                          " $11, $12, $13, $14)"),
                             RowParams(row));
  if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(
        absl::StrCat(NameOf(row.region_code, row.appraisal_id), " already exists"));
  }
  return inserted.status();
}

absl::StatusOr<StoredAppraisal> AppraisalStore::Get(db::Transaction& tx,
                                                    const std::string& region_code,
                                                    const std::string& appraisal_id) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query(absl::StrCat("SELECT ", kColumns,
                                                        " FROM appraisals WHERE region_code = $1"
                                                        " AND appraisal_id = $2"),
                                           {region_code, appraisal_id}));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat(NameOf(region_code, appraisal_id), " not found"));
  }
  return Decode(rows[0]);
}

absl::StatusOr<std::optional<std::string>> AppraisalStore::FindBySubject(
    db::Transaction& tx, const std::string& region_code, const std::string& subject) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT appraisal_id FROM appraisals"
                                           " WHERE region_code = $1 AND subject = $2",
                                           {region_code, subject}));
  if (rows.empty()) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(NameOf(region_code, rows[0][0].AsText()));
}

absl::Status AppraisalStore::Replace(db::Transaction& tx, const StoredAppraisal& row,
                                     int64_t expected_revision) const {
  db::Params params = RowParams(row);
  params.emplace_back(expected_revision);
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE appraisals SET subject = $3, campaign = $4, cadre = $5,"
                              " unit = $6, state = $7, grade = $8, awaiting = $9, revision = $10,"
                              " create_micros = $11, record = $12, signed_content = $13,"
                              " summary_snapshot = $14"
                              " WHERE region_code = $1 AND appraisal_id = $2 AND revision = $15",
                              params));
  if (changed == 0) {
    return absl::AbortedError(absl::StrCat(NameOf(row.region_code, row.appraisal_id),
                                           " was changed concurrently; read it again and retry"));
  }
  return absl::OkStatus();
}

absl::Status AppraisalStore::DeleteDraft(db::Transaction& tx, const std::string& region_code,
                                         const std::string& appraisal_id,
                                         int64_t expected_revision) const {
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("DELETE FROM appraisals WHERE region_code = $1 AND appraisal_id = $2"
                              " AND revision = $3 AND state = 'DRAFT'",
                              {region_code, appraisal_id, expected_revision}));
  if (changed == 0) {
    return absl::AbortedError(absl::StrCat(NameOf(region_code, appraisal_id),
                                           " was changed concurrently; read it again and retry"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredAppraisal>> AppraisalStore::List(db::Transaction& tx,
                                                                  const std::string& region_code,
                                                                  const AppraisalQuery& query,
                                                                  const ListAccess& access) const {
  SqlConditions where({region_code});
  where.Add(AccessClause(where, access));
  where.Equal("campaign", query.campaign);
  where.Equal("cadre", query.cadre);
  where.Equal("unit", query.unit);
  where.Equal("state", query.state);
  where.Equal("grade", query.grade);
  if (!query.awaiting_roles.empty()) {
    std::vector<std::string> any;
    for (const std::string& role : query.awaiting_roles) {
      any.push_back(absl::StrCat("awaiting LIKE ", where.Bind(absl::StrCat("%,", role, ",%"))));
    }
    where.Add(absl::StrCat("(", absl::StrJoin(any, " OR "), ")"));
  }
  if (query.before.has_value()) {
    const std::string micros = where.Bind(query.before->first);
    where.Add(absl::StrCat("(create_micros < ", micros, " OR (create_micros = ", micros,
                           " AND appraisal_id < ", where.Bind(query.before->second), "))"));
  }
  const std::string limit = where.Bind(static_cast<int64_t>(query.limit));
  ASSIGN_OR_RETURN(
      db::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kColumns, " FROM appraisals WHERE region_code = $1",
                            where.AndClauses(),
                            " ORDER BY create_micros DESC, appraisal_id DESC LIMIT ", limit),
               where.params()));
  return DecodeAll(rows);
}

}  // namespace kaoping::appraisals
