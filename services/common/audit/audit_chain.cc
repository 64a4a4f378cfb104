#include "services/common/audit/audit_chain.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

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

absl::StatusOr<std::vector<AuditEntry>> ReadEntries(db::Database& db, absl::string_view sql,
                                                    const db::Params& params) {
  return db::RunInTransaction(db, db::Access::kReadOnly,
                              [&](db::Transaction& tx) -> absl::StatusOr<std::vector<AuditEntry>> {
                                ASSIGN_OR_RETURN(db::Rows rows, tx.Query(sql, params));
                                std::vector<AuditEntry> entries;
                                for (const auto& row : rows) {
                                  entries.push_back(EntryFromRow(row));
                                }
                                return entries;
                              });
}

}  // namespace

std::string AuditDigest(absl::string_view key, absl::string_view data) {
  return key.empty() ? Sha256Hex(data) : HexEncode(HmacSha256(key, data));
}

const std::string& AuditGenesisHash() {
  static const std::string* genesis = new std::string(64, '0');
  return *genesis;
}

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
  return AuditDigest(key, canonical);
}

std::string AuditHeadSeal(absl::string_view key, absl::string_view region_code, int64_t seq,
                          absl::string_view hash) {
  std::string canonical = "kaoping-audit-head;";
  AppendField(&canonical, region_code);
  AppendField(&canonical, absl::StrCat(seq));
  AppendField(&canonical, hash);
  return AuditDigest(key, canonical);
}

void AuditRegionSetSeal::Add(absl::string_view region_code) {
  // A running digest: the set is sealed in constant memory however many regions it has.
  std::string step = digest_;
  AppendField(&step, region_code);
  digest_ = Sha256Hex(step);
  ++count_;
}

std::string AuditRegionSetSeal::Seal(absl::string_view key) const {
  std::string canonical = "kaoping-audit-regions;";
  AppendField(&canonical, absl::StrCat(count_));
  AppendField(&canonical, digest_);
  return AuditDigest(key, canonical);
}

bool AuditHead::SealMatches(absl::string_view key) const {
  return !seal.empty() && ConstantTimeEquals(seal, AuditHeadSeal(key, region_code, seq, hash));
}

absl::StatusOr<std::vector<AuditHead>> ReadAuditHeadPage(db::Database& db,
                                                         const std::string& after_region,
                                                         int limit) {
  return db::RunInTransaction(
      db, db::Access::kReadOnly,
      [&](db::Transaction& tx) -> absl::StatusOr<std::vector<AuditHead>> {
        ASSIGN_OR_RETURN(db::Rows rows,
                         tx.Query("SELECT region_code, seq, hash, seal FROM audit_head"
                                  " WHERE region_code > $1 ORDER BY region_code LIMIT $2",
                                  {after_region, static_cast<int64_t>(limit)}));
        std::vector<AuditHead> heads;
        for (const db::Row& row : rows) {
          heads.push_back({row[0].AsText(), row[1].AsInt(), row[2].AsText(), row[3].AsText()});
        }
        return heads;
      });
}

absl::StatusOr<AuditRegionSetRecord> ReadAuditRegionSet(db::Transaction& tx) {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT regions, seal FROM audit_region_set WHERE singleton = 1"));
  if (rows.empty()) {
    return absl::DataLossError(
        "the sealed record of the set of audited regions (audit_region_set) is gone");
  }
  return AuditRegionSetRecord{rows[0][0].AsInt(), rows[0][1].AsText()};
}

absl::StatusOr<int64_t> CheckAuditRegionSet(db::Transaction& tx, absl::string_view key,
                                            bool* matches) {
  ASSIGN_OR_RETURN(AuditRegionSetRecord record, ReadAuditRegionSet(tx));
  ASSIGN_OR_RETURN(db::Rows codes,
                   tx.Query("SELECT region_code FROM audit_head ORDER BY region_code"));
  AuditRegionSetSeal seal;
  for (const db::Row& row : codes) {
    seal.Add(row[0].AsText());
  }
  // A log no region has written to yet carries no seal.
  const bool empty = record.regions == 0 && record.seal.empty() && seal.count() == 0;
  *matches = empty || ConstantTimeEquals(record.seal, seal.Seal(key));
  return seal.count();
}

absl::StatusOr<std::vector<AuditEntry>> ReadAuditLog(db::Database& db,
                                                     const std::string& region_code,
                                                     int64_t before_seq, int limit,
                                                     const AuditFilter& filter) {
  // Both stores count characters in substr, so the prefix's length is too.
  const std::string under = filter.resource.empty() ? "" : absl::StrCat(filter.resource, "/");
  const int64_t under_chars = static_cast<int64_t>(
      std::count_if(under.begin(), under.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  return ReadEntries(
      db,
      absl::StrCat(
          "SELECT ", kColumns,
          " FROM audit_log WHERE region_code = $1 AND seq < $2"
          " AND ($3 = '' OR principal = $3) AND ($4 = '' OR method = $4)"
          " AND ($5 = '' OR resource = $5 OR substr(resource, 1, CAST($6 AS INTEGER)) = $7)"
          " AND time_micros >= $8 AND time_micros < $9"
          " ORDER BY seq DESC LIMIT $10"),
      {region_code, before_seq, filter.principal, filter.method, filter.resource, under_chars,
       under, filter.from_micros, filter.until_micros, static_cast<int64_t>(limit)});
}

absl::StatusOr<std::vector<AuditEntry>> ReadAuditChainPage(db::Database& db,
                                                           const std::string& region_code,
                                                           int64_t after_seq, int64_t up_to_seq,
                                                           int limit) {
  return ReadEntries(db,
                     absl::StrCat("SELECT ", kColumns,
                                  " FROM audit_log WHERE region_code = $1 AND seq > $2"
                                  " AND seq <= $3 ORDER BY seq LIMIT $4"),
                     {region_code, after_seq, up_to_seq, static_cast<int64_t>(limit)});
}

}  // namespace kaoping
