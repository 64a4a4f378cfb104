#pragma once

#include <string>

#include "absl/status/status.h"
#include "services/common/audit/audit_chain.h"
#include "services/common/audit/audit_verify.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"

namespace kaoping {

// Append-only, hash-chained audit log, one chain per region. Appending in
// the caller's transaction makes the entry and the write it records commit
// or vanish together; concurrent writers of one region are serialized by the
// chain head row.
//
// With a key (configuration `audit_key` / `audit_key_file`, kept outside the
// database) every link is an HMAC-SHA-256, and so are the seals of what a
// chain could otherwise lose without a trace:
//   - each chain head (region, seq, hash), so that deleting the last entries
//     and rewriting the head to match is found;
//   - the set of regions that have a chain, so that deleting a region's
//     whole chain is found.
// Someone who can write the database but not read the key can rewrite
// nothing without it showing. Deleting every chain and the set's record
// leaves an empty log, which only an exported checkpoint (audit_checkpoint.h)
// tells apart from a new one. Without a key the same fields are plain
// SHA-256, which catches edits that do not bother to recompute them.
//
// A chain whose head or region set does not match its seal is not extended:
// Append fails (DATA_LOSS), so that a new entry never seals over tampering.
class AuditLog {
 public:
  explicit AuditLog(const Clock* clock, std::string key = "")
      : clock_(clock), key_(std::move(key)) {}
  bool keyed() const { return !key_.empty(); }
  const std::string& key() const { return key_; }

  absl::Status Append(db::Transaction& tx, const AuditRecord& record) const;
  // In a transaction of its own: for refused or failed calls and for reads.
  absl::Status AppendStandalone(db::Database& db, const AuditRecord& record) const;

 private:
  absl::Status AddRegion(db::Transaction& tx, const std::string& region_code) const;

  const Clock* clock_;
  std::string key_;
};

// Seals the heads and the region set of chains written before heads were
// sealed (common migration 3), once, right after that migration: only chains
// that verify are sealed; the others are logged and left for an auditor.
absl::Status SealLegacyAuditChains(db::Database& db, absl::string_view key);

}  // namespace kaoping
