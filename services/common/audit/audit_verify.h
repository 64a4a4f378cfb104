#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/audit/audit_chain.h"
#include "services/common/audit/audit_checkpoint.h"
#include "services/common/db/database.h"

namespace kaoping {

struct AuditVerification {
  int64_t regions = 0;
  int64_t entries = 0;
  // Human-readable findings, e.g. "region 510114: entry 17: content does not
  // match its hash (edited)"; the first kMaxProblems, the rest counted.
  std::vector<std::string> problems;
  int64_t more_problems = 0;
  bool ok() const { return problems.empty(); }

  static constexpr size_t kMaxProblems = 1000;
  void Report(std::string problem);
};

// Walks every chain, page by page (memory stays flat however long a chain
// is): recomputes each hash, checks sequence continuity and the links, that
// each chain ends where its head says, that heads and the set of regions
// match their seals, and — given a checkpoint — that every region the
// checkpoint knows still has its chain, at least as long, through the same
// entry. `key` is the one the entries were written with ("" for an unkeyed log).
absl::StatusOr<AuditVerification> VerifyAuditLog(db::Database& db, absl::string_view key = "",
                                                 const AuditCheckpoint* checkpoint = nullptr);

// One region's chain, for an auditor of that region: the head's seal, the
// chain against its head, entries past the head or without one, and the
// seal of the set of regions (a chain deleted whole shows only there,
// whichever region's it was). Sets *head (seq 0 when the region has no chain).
absl::StatusOr<AuditVerification> VerifyAuditRegion(db::Database& db, absl::string_view key,
                                                    const std::string& region_code,
                                                    AuditHead* head);

// One region's chain against `head` (whose seal is not checked here) and,
// if given, the checkpoint's record of that head. Findings go to *result.
absl::Status VerifyAuditChain(db::Database& db, absl::string_view key, const AuditHead& head,
                              const AuditHead* checkpointed, AuditVerification* result);

}  // namespace kaoping
