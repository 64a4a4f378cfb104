#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/db/database.h"

// The format of the audit chains (tables audit_log, audit_head,
// audit_region_set): what an entry is, how it is hashed, how heads and the
// set of regions are sealed. AuditLog (audit_log.h) writes it; verification
// (audit_verify.h) and checkpoints (audit_checkpoint.h) read it.
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

struct AuditEntry {
  AuditRecord record;
  int64_t seq = 0;
  int64_t time_micros = 0;
  std::string prev_hash;
  std::string hash;
};

// HMAC-SHA-256 of data under key, in hex; SHA-256 when the key is empty.
// Every hash and seal of the audit chains is one.
std::string AuditDigest(absl::string_view key, absl::string_view data);

// The hash an entry must carry: over its fields, length-prefixed so that no
// two different entries serialize alike, and the previous hash; HMAC-SHA-256
// with `key`, SHA-256 when the key is empty.
std::string AuditEntryHash(const AuditEntry& entry, absl::string_view key = "");

// The seal of a chain head: over region, seq and the hash of its last entry.
std::string AuditHeadSeal(absl::string_view key, absl::string_view region_code, int64_t seq,
                          absl::string_view hash);

// The seal of the set of regions that have a chain, fed the region codes in
// ascending order (as `ORDER BY region_code` returns them).
class AuditRegionSetSeal {
 public:
  void Add(absl::string_view region_code);
  int64_t count() const { return count_; }
  std::string Seal(absl::string_view key) const;

 private:
  int64_t count_ = 0;
  std::string digest_;
};

// The hash a new chain starts from (entry 0).
const std::string& AuditGenesisHash();

// A row of audit_head: where a region's chain ends.
struct AuditHead {
  std::string region_code;
  int64_t seq = 0;
  std::string hash;
  std::string seal;  // "" for a head written before heads were sealed
  bool SealMatches(absl::string_view key) const;
};

// Heads in region order, those after `after_region`, at most `limit`.
absl::StatusOr<std::vector<AuditHead>> ReadAuditHeadPage(db::Database& db,
                                                         const std::string& after_region,
                                                         int limit);

// The sealed record of the set of regions (audit_region_set).
struct AuditRegionSetRecord {
  int64_t regions = 0;
  std::string seal;  // "" while no region has a chain, or before sealing
};
absl::StatusOr<AuditRegionSetRecord> ReadAuditRegionSet(db::Transaction& tx);
// The record's seal checked against the region codes of every head, read in
// the same transaction (so that a region added meanwhile cannot confuse it).
// Returns the number of regions; sets *matches.
absl::StatusOr<int64_t> CheckAuditRegionSet(db::Transaction& tx, absl::string_view key,
                                            bool* matches);

// Which entries of a region an auditor asks for; an empty string matches any.
struct AuditFilter {
  std::string principal;
  std::string method;
  // This resource or any under it ("regions/510114/campaigns/c1" matches
  // ".../campaigns/c1/forms/f1", not ".../campaigns/c10").
  std::string resource;
  // time_micros within [from_micros, until_micros).
  int64_t from_micros = std::numeric_limits<int64_t>::min();
  int64_t until_micros = std::numeric_limits<int64_t>::max();
};

// Entries of one region with seq < before_seq that pass `filter`, newest
// first, at most `limit` (for auditors).
absl::StatusOr<std::vector<AuditEntry>> ReadAuditLog(db::Database& db,
                                                     const std::string& region_code,
                                                     int64_t before_seq, int limit,
                                                     const AuditFilter& filter = {});

// Entries of one region, oldest first: those with after_seq < seq <= up_to_seq,
// at most `limit` (for verification, page by page).
absl::StatusOr<std::vector<AuditEntry>> ReadAuditChainPage(db::Database& db,
                                                           const std::string& region_code,
                                                           int64_t after_seq, int64_t up_to_seq,
                                                           int limit);

}  // namespace kaoping
