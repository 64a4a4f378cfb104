#include "services/common/audit/audit_verify.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

constexpr int kEntryPage = 1000;
constexpr int kHeadPage = 256;

std::string CheckpointTime(const AuditCheckpoint& checkpoint) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", checkpoint.time, absl::UTCTimeZone());
}

// Entries past the head are appended outside the service (a head moved by
// the service never lags its entries once committed).
absl::Status CheckNothingPastHead(db::Database& db, const AuditHead& head,
                                  AuditVerification* result) {
  ASSIGN_OR_RETURN(db::Row row,
                   db::RunInTransaction(db, db::Access::kReadOnly, [&](db::Transaction& tx) {
                     return tx.QueryOne(
                         "SELECT (SELECT MAX(seq) FROM audit_log WHERE region_code = $1),"
                         " (SELECT seq FROM audit_head WHERE region_code = $1)",
                         {head.region_code});
                   }));
  if (!row[0].is_null() && row[0].AsInt() > row[1].AsInt()) {
    result->Report(absl::StrCat("region ", head.region_code, ": entries up to ", row[0].AsInt(),
                                " lie past the chain head (entry ", row[1].AsInt(),
                                "): added outside the service"));
  }
  return absl::OkStatus();
}

absl::Status CheckRegionSet(db::Database& db, absl::string_view key, AuditVerification* result) {
  // OK(true/false): the set was read and matches or not; DATA_LOSS: it is gone.
  absl::StatusOr<bool> matches = db::RunInTransaction(
      db, db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<bool> {
        bool matched = false;
        RETURN_IF_ERROR(CheckAuditRegionSet(tx, key, &matched).status());
        return matched;
      });
  if (matches.status().code() == absl::StatusCode::kDataLoss) {
    result->Report(std::string(matches.status().message()));
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(matches.status());
  if (!*matches) {
    result->Report(
        "the set of regions with an audit chain does not match its seal: a region's whole "
        "chain was deleted (or a chain head added outside the service)");
  }
  return absl::OkStatus();
}

// Entries without a chain head: of every region, or of `region_code` only.
absl::Status CheckOrphans(db::Database& db, const std::string& region_code,
                          AuditVerification* result) {
  ASSIGN_OR_RETURN(db::Rows orphans,
                   db::RunInTransaction(db, db::Access::kReadOnly, [&](db::Transaction& tx) {
                     return tx.Query(
                         "SELECT DISTINCT region_code FROM audit_log WHERE ($1 = '' OR"
                         " region_code = $1) AND region_code NOT IN"
                         " (SELECT region_code FROM audit_head)",
                         {region_code});
                   }));
  for (const db::Row& row : orphans) {
    result->Report(
        absl::StrCat("region ", row[0].AsText(), ": entries exist but the chain head is gone"));
  }
  return absl::OkStatus();
}

void CheckHeadSeal(const AuditHead& head, absl::string_view key, AuditVerification* result) {
  if (head.SealMatches(key)) {
    return;
  }
  result->Report(head.seal.empty()
                     ? absl::StrCat("region ", head.region_code, ": the chain head is not sealed")
                     : absl::StrCat("region ", head.region_code, ": the chain head (entry ",
                                    head.seq,
                                    ") does not match its seal: it was rewritten, as when "
                                    "entries are deleted at the end"));
}

}  // namespace

void AuditVerification::Report(std::string problem) {
  if (problems.size() < kMaxProblems) {
    problems.push_back(std::move(problem));
  } else {
    ++more_problems;
  }
}

absl::Status VerifyAuditChain(db::Database& db, absl::string_view key, const AuditHead& head,
                              const AuditHead* checkpointed, AuditVerification* result) {
  const std::string& region = head.region_code;
  std::string prev = AuditGenesisHash();
  int64_t last = 0;
  bool checkpoint_found = checkpointed == nullptr;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<AuditEntry> page,
                     ReadAuditChainPage(db, region, last, head.seq, kEntryPage));
    for (const AuditEntry& e : page) {
      ++result->entries;
      if (e.seq != last + 1) {
        result->Report(absl::StrCat("region ", region, ": entries ", last + 1, "..", e.seq - 1,
                                    " are missing (deleted)"));
      }
      if (e.prev_hash != prev) {
        result->Report(absl::StrCat("region ", region, ": entry ", e.seq,
                                    " does not link to the entry before it"));
      }
      if (AuditEntryHash(e, key) != e.hash) {
        result->Report(absl::StrCat("region ", region, ": entry ", e.seq,
                                    ": content does not match its hash (edited)"));
      }
      if (checkpointed != nullptr && e.seq == checkpointed->seq) {
        checkpoint_found = true;
        if (e.hash != checkpointed->hash) {
          result->Report(absl::StrCat("region ", region, ": entry ", e.seq,
                                      " is not the one the checkpoint recorded (rewritten)"));
        }
      }
      prev = e.hash;
      last = e.seq;
    }
    if (page.size() < kEntryPage) {
      break;
    }
  }
  if (last != head.seq || prev != head.hash) {
    result->Report(absl::StrCat("region ", region, ": the chain ends at entry ", last,
                                " but its head records entry ", head.seq,
                                " (entries deleted at the end)"));
  }
  if (!checkpoint_found) {
    result->Report(checkpointed->seq > last
                       ? absl::StrCat("region ", region, ": the chain ends at entry ", last,
                                      " but the checkpoint recorded entry ", checkpointed->seq,
                                      " (entries deleted at the end)")
                       : absl::StrCat("region ", region, ": entry ", checkpointed->seq,
                                      ", which the checkpoint recorded, is gone"));
  }
  return CheckNothingPastHead(db, head, result);
}

absl::StatusOr<AuditVerification> VerifyAuditRegion(db::Database& db, absl::string_view key,
                                                    const std::string& region_code,
                                                    AuditHead* head) {
  AuditVerification result;
  ASSIGN_OR_RETURN(
      db::Rows rows, db::RunInTransaction(db, db::Access::kReadOnly, [&](db::Transaction& tx) {
        return tx.Query("SELECT seq, hash, seal FROM audit_head WHERE region_code = $1",
                        {region_code});
      }));
  *head = AuditHead{region_code, 0, AuditGenesisHash(), ""};
  if (rows.empty()) {
    RETURN_IF_ERROR(CheckOrphans(db, region_code, &result));
  } else {
    const db::Row& row = rows.front();
    *head = AuditHead{region_code, row[0].AsInt(), row[1].AsText(), row[2].AsText()};
    result.regions = 1;
    CheckHeadSeal(*head, key, &result);
    RETURN_IF_ERROR(VerifyAuditChain(db, key, *head, nullptr, &result));
  }
  RETURN_IF_ERROR(CheckRegionSet(db, key, &result));
  return result;
}

absl::StatusOr<AuditVerification> VerifyAuditLog(db::Database& db, absl::string_view key,
                                                 const AuditCheckpoint* checkpoint) {
  AuditVerification result;
  absl::flat_hash_map<std::string, const AuditHead*> unseen;
  if (checkpoint != nullptr) {
    for (const AuditHead& head : checkpoint->heads) {
      unseen[head.region_code] = &head;
    }
  }
  std::string after;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<AuditHead> heads, ReadAuditHeadPage(db, after, kHeadPage));
    for (const AuditHead& head : heads) {
      after = head.region_code;
      ++result.regions;
      CheckHeadSeal(head, key, &result);
      const AuditHead* checkpointed = nullptr;
      if (auto it = unseen.find(head.region_code); it != unseen.end()) {
        checkpointed = it->second;
        unseen.erase(it);
      }
      RETURN_IF_ERROR(VerifyAuditChain(db, key, head, checkpointed, &result));
    }
    if (heads.size() < kHeadPage) {
      break;
    }
  }
  RETURN_IF_ERROR(CheckRegionSet(db, key, &result));
  for (const auto& [region, head] : unseen) {
    result.Report(absl::StrCat("region ", region, ": the whole chain is gone; the checkpoint of ",
                               CheckpointTime(*checkpoint), " recorded entry ", head->seq));
  }
  RETURN_IF_ERROR(CheckOrphans(db, "", &result));
  return result;
}

}  // namespace kaoping
