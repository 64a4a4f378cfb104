#include "services/common/audit/audit_log.h"

#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

const std::string kGenesisHash(64, '0');

void AppendField(std::string* out, absl::string_view field) {
  absl::StrAppend(out, field.size(), ":", field, ";");
}

AuditEntry EntryFromRow(const db::Row& row) {
  AuditEntry e;
  e.record.region_code = row[0].AsText();
  e.seq = row[1].AsInt();
  e.time_micros = row[2].AsInt();
  e.record.principal = row[3].AsText();
  e.record.method = row[4].AsText();
  e.record.resource = row[5].AsText();
  e.record.outcome = row[6].AsText();
  e.record.detail = row[7].AsText();
  e.prev_hash = row[8].AsText();
  e.hash = row[9].AsText();
  return e;
}

constexpr char kColumns[] =
    "region_code, seq, time_micros, principal, method, resource, outcome, detail, prev_hash, hash";

}  // namespace

std::string AuditEntryHash(const AuditEntry& entry, absl::string_view key) {
  std::string canonical;
  AppendField(&canonical, entry.record.region_code);
  AppendField(&canonical, absl::StrCat(entry.seq));
  AppendField(&canonical, absl::StrCat(entry.time_micros));
  AppendField(&canonical, entry.record.principal);
  AppendField(&canonical, entry.record.method);
  AppendField(&canonical, entry.record.resource);
  AppendField(&canonical, entry.record.outcome);
  AppendField(&canonical, entry.record.detail);
  AppendField(&canonical, entry.prev_hash);
  return key.empty() ? Sha256Hex(canonical) : HexEncode(HmacSha256(key, canonical));
}

absl::Status AuditLog::Append(db::Transaction& tx, const AuditRecord& record) const {
  RETURN_IF_ERROR(tx.Execute("INSERT INTO audit_head (region_code, seq, hash) VALUES ($1, 0, $2)"
                             " ON CONFLICT (region_code) DO NOTHING",
                             {record.region_code, kGenesisHash})
                      .status());
  // Bumping the head first locks it (PostgreSQL row lock; SQLite's write
  // lock is already held), so entries of one region get gapless sequence numbers.
  ASSIGN_OR_RETURN(db::Row head,
                   tx.QueryOne("UPDATE audit_head SET seq = seq + 1 WHERE region_code = $1"
                               " RETURNING seq, hash",
                               {record.region_code}));
  AuditEntry entry;
  entry.record = record;
  entry.seq = head[0].AsInt();
  entry.prev_hash = head[1].AsText();
  entry.time_micros = absl::ToUnixMicros(clock_->Now());
  entry.hash = AuditEntryHash(entry, key_);
  RETURN_IF_ERROR(tx.Execute("UPDATE audit_head SET hash = $2 WHERE region_code = $1",
                             {record.region_code, entry.hash})
                      .status());
  return tx
      .Execute(absl::StrCat("INSERT INTO audit_log (", kColumns,
                            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"),
               {record.region_code, entry.seq, entry.time_micros, record.principal, record.method,
                record.resource, record.outcome, record.detail, entry.prev_hash, entry.hash})
      .status();
}

absl::Status AuditLog::AppendStandalone(db::Database& db, const AuditRecord& record) const {
  return db::RunInTransaction(db, db::Access::kReadWrite,
                              [&](db::Transaction& tx) { return Append(tx, record); });
}

absl::StatusOr<AuditVerification> VerifyAuditLog(db::Database& db, absl::string_view key) {
  return db::RunInTransaction(
      db, db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<AuditVerification> {
        AuditVerification result;
        ASSIGN_OR_RETURN(
            db::Rows heads,
            tx.Query("SELECT region_code, seq, hash FROM audit_head ORDER BY region_code"));
        for (const db::Row& head : heads) {
          const std::string region = head[0].AsText();
          ++result.regions;
          ASSIGN_OR_RETURN(
              db::Rows rows,
              tx.Query(absl::StrCat("SELECT ", kColumns,
                                    " FROM audit_log WHERE region_code = $1 ORDER BY seq"),
                       {region}));
          std::string prev = kGenesisHash;
          int64_t expected_seq = 1;
          for (const db::Row& row : rows) {
            AuditEntry e = EntryFromRow(row);
            ++result.entries;
            if (e.seq != expected_seq) {
              result.problems.push_back(absl::StrCat("region ", region, ": entries ", expected_seq,
                                                     "..", e.seq - 1, " are missing (deleted)"));
            }
            if (e.prev_hash != prev) {
              result.problems.push_back(absl::StrCat("region ", region, ": entry ", e.seq,
                                                     " does not link to the entry before it"));
            }
            if (AuditEntryHash(e, key) != e.hash) {
              result.problems.push_back(absl::StrCat("region ", region, ": entry ", e.seq,
                                                     ": content does not match its hash (edited)"));
            }
            prev = e.hash;
            expected_seq = e.seq + 1;
          }
          if (head[1].AsInt() != expected_seq - 1 || head[2].AsText() != prev) {
            result.problems.push_back(absl::StrCat(
                "region ", region, ": the chain ends at entry ", expected_seq - 1,
                " but its head records entry ", head[1].AsInt(), " (entries deleted at the end)"));
          }
        }
        ASSIGN_OR_RETURN(
            db::Rows orphans,
            tx.Query("SELECT DISTINCT region_code FROM audit_log WHERE region_code NOT IN"
                     " (SELECT region_code FROM audit_head)"));
        for (const db::Row& row : orphans) {
          result.problems.push_back(absl::StrCat("region ", row[0].AsText(),
                                                 ": entries exist but the chain head is gone"));
        }
        return result;
      });
}

absl::StatusOr<std::vector<AuditEntry>> ReadAuditLog(db::Database& db,
                                                     const std::string& region_code,
                                                     int64_t before_seq, int limit) {
  return db::RunInTransaction(
      db, db::Access::kReadOnly,
      [&](db::Transaction& tx) -> absl::StatusOr<std::vector<AuditEntry>> {
        std::vector<AuditEntry> entries;
        ASSIGN_OR_RETURN(db::Rows rows,
                         tx.Query(absl::StrCat("SELECT ", kColumns,
                                               " FROM audit_log WHERE region_code = $1 AND seq < $2"
                                               " ORDER BY seq DESC LIMIT $3"),
                                  {region_code, before_seq, static_cast<int64_t>(limit)}));
        for (const auto& row : rows) {
          entries.push_back(EntryFromRow(row));
        }
        return entries;
      });
}

}  // namespace kaoping
