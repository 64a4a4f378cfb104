#include "services/common/retention.h"

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

// One table's expiry: rows whose `time_column` is older than the cutoff,
// found by primary key so that the same statement runs on both stores.
struct Expiry {
  const char* table;
  const char* key;          // primary key columns
  const char* time_column;  // microseconds since the epoch; NULL never expires
};

constexpr Expiry kIdempotency{"idempotency_keys", "region_code, principal, method, request_id",
                              "created_micros"};
constexpr Expiry kConsumedEvents{"consumed_events", "region_code, consumer, event_id",
                                 "applied_micros"};
constexpr Expiry kRelayedEvents{"outbox", "region_code, seq", "published_micros"};

absl::StatusOr<int64_t> PurgeTable(db::Database& db, const Expiry& expiry, absl::Time cutoff,
                                   int batch_size) {
  const std::string sql = absl::StrCat("DELETE FROM ", expiry.table, " WHERE (", expiry.key,
                                       ") IN (SELECT ", expiry.key, " FROM ", expiry.table,
                                       " WHERE ", expiry.time_column, " < $1 LIMIT $2)");
  int64_t total = 0;
  while (true) {
    ASSIGN_OR_RETURN(
        const int64_t deleted,
        db::RunInTransaction(db, db::Access::kReadWrite, [&](db::Transaction& tx) {
          return tx.Execute(sql, {absl::ToUnixMicros(cutoff), static_cast<int64_t>(batch_size)});
        }));
    total += deleted;
    if (deleted < batch_size) {
      return total;
    }
  }
}

}  // namespace

absl::StatusOr<int64_t> PurgeExpired(db::Database& db, const Clock& clock,
                                     const RetentionOptions& options) {
  const absl::Time now = clock.Now();
  int64_t total = 0;
  for (const auto& [expiry, retention] : {std::pair{kIdempotency, options.idempotency},
                                          std::pair{kConsumedEvents, options.consumed_events},
                                          std::pair{kRelayedEvents, options.relayed_events}}) {
    ASSIGN_OR_RETURN(int64_t deleted, PurgeTable(db, expiry, now - retention, options.batch_size));
    total += deleted;
  }
  return total;
}

RetentionPurger::RetentionPurger(db::Database* db, const Clock* clock, RetentionOptions options)
    : db_(db),
      clock_(clock),
      options_(options),
      loop_({.name = "retention purge"}, [this]() -> absl::StatusOr<absl::Duration> {
        ASSIGN_OR_RETURN(int64_t deleted, PurgeExpired(*db_, *clock_, options_));
        if (deleted > 0) {
          LogInfo("expired rows purged", {{"rows", deleted}});
        }
        return options_.interval;
      }) {}

}  // namespace kaoping
