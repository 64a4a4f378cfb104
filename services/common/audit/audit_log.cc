#include "services/common/audit/audit_log.h"

#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

constexpr int kLegacyPage = 256;

absl::Status Tampered(absl::string_view what) {
  LogError("audit log tampered with: writes it would record are refused",
           {{"finding", what}, {"action", "run kaoping audit-verify"}});
  return absl::DataLossError(absl::StrCat("audit log: ", what));
}

}  // namespace

absl::Status AuditLog::AddRegion(db::Transaction& tx, const std::string& region_code) const {
  // Bumping the record first locks it (PostgreSQL row lock; SQLite's write
  // lock is already held): the region set changes one region at a time, and
  // the heads read next include every region added before.
  ASSIGN_OR_RETURN(db::Rows bumped, tx.Query("UPDATE audit_region_set SET regions = regions + 1"
                                             " WHERE singleton = 1 RETURNING regions, seal"));
  if (bumped.empty()) {
    return Tampered("the sealed record of the set of audited regions is gone");
  }
  ASSIGN_OR_RETURN(db::Rows codes,
                   tx.Query("SELECT region_code FROM audit_head ORDER BY region_code"));
  AuditRegionSetSeal before;
  AuditRegionSetSeal after;
  for (const db::Row& row : codes) {
    if (row[0].AsText() != region_code) {
      before.Add(row[0].AsText());
    }
    after.Add(row[0].AsText());
  }
  const int64_t recorded = bumped[0][0].AsInt() - 1;
  const std::string& seal = bumped[0][1].AsText();
  const bool was_empty = recorded == 0 && seal.empty() && before.count() == 0;
  if (!was_empty && !ConstantTimeEquals(seal, before.Seal(key_))) {
    return Tampered("the set of regions with an audit chain does not match its seal");
  }
  return tx
      .Execute("UPDATE audit_region_set SET regions = $1, seal = $2 WHERE singleton = 1",
               {after.count(), after.Seal(key_)})
      .status();
}

absl::Status AuditLog::Append(db::Transaction& tx, const AuditRecord& record) const {
  const std::string& genesis = AuditGenesisHash();
  ASSIGN_OR_RETURN(int64_t created,
                   tx.Execute("INSERT INTO audit_head (region_code, seq, hash, seal)"
                              " VALUES ($1, 0, $2, $3) ON CONFLICT (region_code) DO NOTHING",
                              {record.region_code, genesis,
                               AuditHeadSeal(key_, record.region_code, 0, genesis)}));
  if (created > 0) {
    RETURN_IF_ERROR(AddRegion(tx, record.region_code));
  }
  // Bumping the head first locks it, so entries of one region get gapless
  // sequence numbers.
  ASSIGN_OR_RETURN(db::Row bumped,
                   tx.QueryOne("UPDATE audit_head SET seq = seq + 1 WHERE region_code = $1"
                               " RETURNING seq, hash, seal",
                               {record.region_code}));
  const AuditHead head{record.region_code, bumped[0].AsInt() - 1, bumped[1].AsText(),
                       bumped[2].AsText()};
  if (!head.SealMatches(key_)) {
    return Tampered(
        absl::StrCat("region ", record.region_code, ": the chain head does not match its seal"));
  }
  AuditEntry entry;
  entry.record = record;
  entry.seq = head.seq + 1;
  entry.prev_hash = head.hash;
  entry.time_micros = absl::ToUnixMicros(clock_->Now());
  entry.hash = AuditEntryHash(entry, key_);
  RETURN_IF_ERROR(tx.Execute("UPDATE audit_head SET hash = $2, seal = $3 WHERE region_code = $1",
                             {record.region_code, entry.hash,
                              AuditHeadSeal(key_, record.region_code, entry.seq, entry.hash)})
                      .status());
  return tx
      .Execute(
          "INSERT INTO audit_log (region_code, seq, time_micros, principal, method, resource,"
          " outcome, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
          {record.region_code, entry.seq, entry.time_micros, record.principal, record.method,
           record.resource, record.outcome, record.detail, entry.prev_hash, entry.hash})
      .status();
}

absl::Status AuditLog::AppendStandalone(db::Database& db, const AuditRecord& record) const {
  return db::RunInTransaction(db, db::Access::kReadWrite,
                              [&](db::Transaction& tx) { return Append(tx, record); });
}

absl::Status SealLegacyAuditChains(db::Database& db, absl::string_view key) {
  std::string after;
  bool all_sealed = true;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<AuditHead> heads, ReadAuditHeadPage(db, after, kLegacyPage));
    for (const AuditHead& head : heads) {
      after = head.region_code;
      if (!head.seal.empty()) {
        continue;
      }
      AuditVerification chain;
      RETURN_IF_ERROR(VerifyAuditChain(db, key, head, nullptr, &chain));
      if (!chain.ok()) {
        LogError("audit chain left unsealed: it does not verify",
                 {{"region", head.region_code}, {"finding", chain.problems.front()}});
        all_sealed = false;
        continue;
      }
      // The seq and hash checked: a head that moved meanwhile is not sealed.
      RETURN_IF_ERROR(db::RunInTransaction(db, db::Access::kReadWrite, [&](db::Transaction& tx) {
        return tx
            .Execute(
                "UPDATE audit_head SET seal = $4 WHERE region_code = $1 AND seq = $2"
                " AND hash = $3 AND seal = ''",
                {head.region_code, head.seq, head.hash,
                 AuditHeadSeal(key, head.region_code, head.seq, head.hash)})
            .status();
      }));
    }
    if (heads.size() < kLegacyPage) {
      break;
    }
  }
  if (!all_sealed) {
    return absl::OkStatus();  // the region set stays unsealed too, for the auditor to see
  }
  return db::RunInTransaction(db, db::Access::kReadWrite, [&](db::Transaction& tx) {
    ASSIGN_OR_RETURN(AuditRegionSetRecord record, ReadAuditRegionSet(tx));
    if (!record.seal.empty()) {
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(db::Rows codes,
                     tx.Query("SELECT region_code FROM audit_head ORDER BY region_code"));
    AuditRegionSetSeal seal;
    for (const db::Row& row : codes) {
      seal.Add(row[0].AsText());
    }
    if (seal.count() == 0) {
      return absl::OkStatus();
    }
    return tx
        .Execute("UPDATE audit_region_set SET regions = $1, seal = $2 WHERE singleton = 1",
                 {seal.count(), seal.Seal(key)})
        .status();
  });
}

}  // namespace kaoping
