#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"

namespace kaoping {

// One audited act: a write, or a read of a form, an appraisal or an archive.
struct AuditRecord {
  std::string region_code;
  std::string principal;  // JWT `sub`
  std::string method;     // e.g. "kaoping.v1.IndicatorService/PublishIndicatorSet"
  std::string resource;   // e.g. "regions/510114/indicatorSets/2026-v1"
  std::string outcome;    // "OK" or a status code name
  std::string detail;     // short, never personal data beyond the resource name
};

// Append-only, hash-chained audit log, one chain per region. Appending in
// the caller's transaction makes the entry and the write it records commit
// or vanish together; concurrent writers of one region are serialized by the
// chain head row.
//
// With a key (configuration `audit_key` / `audit_key_file`, kept outside the
// database) each link is an HMAC-SHA-256: someone who can write the database
// but not read the key cannot rewrite the chain and recompute it. Without a
// key the links are plain SHA-256, which catches edits that do not bother to
// recompute every later hash.
class AuditLog {
 public:
  explicit AuditLog(const Clock* clock, std::string key = "")
      : clock_(clock), key_(std::move(key)) {}
  bool keyed() const { return !key_.empty(); }

  absl::Status Append(db::Transaction& tx, const AuditRecord& record) const;
  // In a transaction of its own: for refused or failed calls and for reads.
  absl::Status AppendStandalone(db::Database& db, const AuditRecord& record) const;

 private:
  const Clock* clock_;
  std::string key_;
};

struct AuditEntry {
  AuditRecord record;
  int64_t seq = 0;
  int64_t time_micros = 0;
  std::string prev_hash;
  std::string hash;
};

// The hash an entry must carry: over its fields, length-prefixed so that no
// two different entries serialize alike, and the previous hash; HMAC-SHA-256
// with `key`, SHA-256 when the key is empty.
std::string AuditEntryHash(const AuditEntry& entry, absl::string_view key = "");

struct AuditVerification {
  int64_t regions = 0;
  int64_t entries = 0;
  // Human-readable findings, e.g. "region 510114: entry 17: hash mismatch (edited)".
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

// Walks every chain: recomputes each hash, checks sequence continuity and
// the links, and that each chain ends where its head says (a deleted last
// entry is found too).
// `key` is the one the entries were written with ("" for an unkeyed log).
absl::StatusOr<AuditVerification> VerifyAuditLog(db::Database& db, absl::string_view key = "");

// Entries of one region, newest first (for auditors).
absl::StatusOr<std::vector<AuditEntry>> ReadAuditLog(db::Database& db,
                                                     const std::string& region_code,
                                                     int64_t before_seq, int limit);

}  // namespace kaoping
