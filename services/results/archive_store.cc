#include "services/results/archive_store.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/results/results_names.h"
#include "services/results/store_values.h"

namespace kaoping::results {
namespace {

// The stored entry, with superseded_by filled from its column.
absl::StatusOr<v1::ArchiveEntry> Decode(const db::Row& row, const std::string& region_code,
                                        const std::string& cadre_id) {
  v1::ArchiveEntry entry;
  if (!entry.ParseFromString(row[0].AsBlob())) {
    return absl::DataLossError("a stored archive entry does not parse");
  }
  if (!row[1].is_null()) {
    entry.set_superseded_by(EntryName(region_code, cadre_id, row[1].AsInt()));
  }
  return entry;
}

}  // namespace

absl::StatusOr<int64_t> ArchiveStore::NextSeq(db::Transaction& tx, const std::string& region_code,
                                              const std::string& cadre_id) const {
  ASSIGN_OR_RETURN(db::Row row, tx.QueryOne("SELECT COALESCE(MAX(entry_seq), 0) + 1"
                                            " FROM archive_entries"
                                            " WHERE region_code = $1 AND cadre_id = $2",
                                            {region_code, cadre_id}));
  return row[0].AsInt();
}

absl::Status ArchiveStore::Insert(db::Transaction& tx, const std::string& region_code,
                                  const std::string& cadre_id, int64_t seq,
                                  const std::string& unit_id, const v1::ArchiveEntry& entry) const {
  std::optional<int64_t> supersedes;
  if (!entry.supersedes().empty()) {
    ASSIGN_OR_RETURN(EntryKey key, ParseEntryName("supersedes", entry.supersedes()));
    supersedes = key.seq;
  }
  const int64_t micros = Micros(entry.record_time());
  return tx
      .Execute(
          "INSERT INTO archive_entries (region_code, cadre_id, entry_seq, kind, grade,"
          " conclude_date, vetoed, unit_id, supersedes, superseded_by, record_micros, content)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $11)",
          {region_code, cadre_id, seq, v1::ArchiveEntry::Kind_Name(entry.kind()),
           v1::Grade_Name(entry.grade()), DayOrNull(entry.conclude_date()), entry.vetoed(), unit_id,
           supersedes.has_value() ? db::Value(*supersedes) : db::Value(), micros,
           db::Blob{entry.SerializeAsString()}})
      .status();
}

absl::Status ArchiveStore::MarkSuperseded(db::Transaction& tx, const std::string& region_code,
                                          const std::string& cadre_id, int64_t seq,
                                          int64_t by_seq) const {
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE archive_entries SET superseded_by = $4"
                              " WHERE region_code = $1 AND cadre_id = $2 AND entry_seq = $3"
                              " AND superseded_by IS NULL",
                              {region_code, cadre_id, seq, by_seq}));
  if (changed == 0) {
    return absl::FailedPreconditionError(absl::StrCat(EntryName(region_code, cadre_id, seq),
                                                      " was superseded meanwhile; read it again"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::ArchiveEntry>> ArchiveStore::Get(db::Transaction& tx,
                                                                  const std::string& region_code,
                                                                  const std::string& cadre_id,
                                                                  int64_t seq) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT content, superseded_by FROM archive_entries"
                                           " WHERE region_code = $1 AND cadre_id = $2"
                                           " AND entry_seq = $3",
                                           {region_code, cadre_id, seq}));
  if (rows.empty()) {
    return std::optional<v1::ArchiveEntry>();
  }
  ASSIGN_OR_RETURN(v1::ArchiveEntry entry, Decode(rows[0], region_code, cadre_id));
  return std::optional<v1::ArchiveEntry>(std::move(entry));
}

absl::StatusOr<std::vector<v1::ArchiveEntry>> ArchiveStore::List(
    db::Transaction& tx, const std::string& region_code, const std::string& cadre_id,
    const std::string& kind, bool current_only, int64_t before_seq, int limit) const {
  db::Params params = {region_code, cadre_id,
                       before_seq > 0 ? before_seq : std::numeric_limits<int64_t>::max()};
  std::string sql =
      "SELECT content, superseded_by FROM archive_entries"
      " WHERE region_code = $1 AND cadre_id = $2 AND entry_seq < $3";
  if (!kind.empty()) {
    params.emplace_back(kind);
    absl::StrAppend(&sql, " AND kind = $", params.size());
  }
  if (current_only) {
    absl::StrAppend(&sql, " AND superseded_by IS NULL");
  }
  params.emplace_back(static_cast<int64_t>(limit));
  absl::StrAppend(&sql, " ORDER BY entry_seq DESC LIMIT $", params.size());
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query(sql, params));
  std::vector<v1::ArchiveEntry> entries;
  entries.reserve(rows.size());
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(v1::ArchiveEntry entry, Decode(row, region_code, cadre_id));
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<std::vector<GradeFact>> ArchiveStore::GradeFacts(db::Transaction& tx,
                                                                const std::string& region_code,
                                                                const std::string& cadre_id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT entry_seq, kind, grade, conclude_date, vetoed, superseded_by"
                            " FROM archive_entries WHERE region_code = $1 AND cadre_id = $2"
                            " ORDER BY entry_seq",
                            {region_code, cadre_id}));
  std::vector<GradeFact> facts;
  facts.reserve(rows.size());
  for (const db::Row& row : rows) {
    GradeFact fact;
    fact.seq = row[0].AsInt();
    v1::ArchiveEntry::Kind_Parse(row[1].AsText(), &fact.kind);
    v1::Grade_Parse(row[2].AsText(), &fact.grade);
    fact.conclude_day = ParseDay(row[3]);
    fact.vetoed = row[4].AsInt() != 0;
    fact.superseded = !row[5].is_null();
    facts.push_back(fact);
  }
  return facts;
}

absl::StatusOr<ArchiveStore::Span> ArchiveStore::RecordSpan(db::Transaction& tx,
                                                            const std::string& region_code,
                                                            const std::string& cadre_id) const {
  ASSIGN_OR_RETURN(db::Row row,
                   tx.QueryOne("SELECT COUNT(*), MIN(record_micros), MAX(record_micros)"
                               " FROM archive_entries WHERE region_code = $1 AND cadre_id = $2",
                               {region_code, cadre_id}));
  return Span{row[0].AsInt(), row[1].AsInt(), row[2].AsInt()};
}

absl::StatusOr<std::optional<AppliedAppraisal>> ArchiveStore::FindAppliedAppraisal(
    db::Transaction& tx, const std::string& region_code, const std::string& appraisal_id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT content_sha256, cadre_id, entry_seq FROM applied_appraisals"
                            " WHERE region_code = $1 AND appraisal_id = $2",
                            {region_code, appraisal_id}));
  if (rows.empty()) {
    return std::optional<AppliedAppraisal>();
  }
  return std::optional<AppliedAppraisal>(
      AppliedAppraisal{rows[0][0].AsBlob(), rows[0][1].AsText(), rows[0][2].AsInt()});
}

absl::Status ArchiveStore::InsertAppliedAppraisal(db::Transaction& tx,
                                                  const std::string& region_code,
                                                  const std::string& appraisal_id,
                                                  const AppliedAppraisal& applied) const {
  return tx
      .Execute(
          "INSERT INTO applied_appraisals (region_code, appraisal_id, content_sha256,"
          " cadre_id, entry_seq) VALUES ($1, $2, $3, $4, $5)",
          {region_code, appraisal_id, db::Blob{applied.content_sha256}, applied.cadre_id,
           applied.entry_seq})
      .status();
}

absl::StatusOr<std::optional<int64_t>> ArchiveStore::FindAppliedLead(
    db::Transaction& tx, const std::string& region_code, const std::string& lead_id) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT entry_seq FROM applied_leads"
                                           " WHERE region_code = $1 AND lead_id = $2",
                                           {region_code, lead_id}));
  if (rows.empty()) {
    return std::optional<int64_t>();
  }
  return std::optional<int64_t>(rows[0][0].AsInt());
}

absl::Status ArchiveStore::InsertAppliedLead(db::Transaction& tx, const std::string& region_code,
                                             const std::string& lead_id,
                                             const std::string& cadre_id, int64_t entry_seq) const {
  return tx
      .Execute(
          "INSERT INTO applied_leads (region_code, lead_id, cadre_id, entry_seq)"
          " VALUES ($1, $2, $3, $4)",
          {region_code, lead_id, cadre_id, entry_seq > 0 ? db::Value(entry_seq) : db::Value()})
      .status();
}

}  // namespace kaoping::results
