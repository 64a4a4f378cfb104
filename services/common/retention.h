#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/background_loop.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"

namespace kaoping {

// How long the runtime's bookkeeping rows are kept.
struct RetentionOptions {
  // request_id → first response: a retry later than this creates anew.
  absl::Duration idempotency = absl::Hours(24 * 7);
  // Marks of applied events: must outlast any redelivery (a consumer's
  // pending entries, a replayed stream), or an event could apply twice.
  absl::Duration consumed_events = absl::Hours(24 * 30);
  // Outbox rows already relayed to Redis.
  absl::Duration relayed_events = absl::Hours(24 * 7);
  // How often the purger runs.
  absl::Duration interval = absl::Hours(1);
  // Rows deleted per transaction, so that a purge never holds a lock long.
  int batch_size = 1000;
};

// Deletes what is older than its retention from idempotency_keys,
// consumed_events and the relayed part of the outbox, batch by batch.
// Returns the number of rows deleted.
absl::StatusOr<int64_t> PurgeExpired(db::Database& db, const Clock& clock,
                                     const RetentionOptions& options);

// PurgeExpired every options.interval, in the background (every instance
// runs one; deleting what another instance deleted is harmless).
class RetentionPurger {
 public:
  RetentionPurger(db::Database* db, const Clock* clock, RetentionOptions options);
  ~RetentionPurger() { Stop(); }

  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }

 private:
  db::Database* db_;
  const Clock* clock_;
  RetentionOptions options_;
  // Last: stopped before anything it uses is destroyed.
  BackgroundLoop loop_;
};

}  // namespace kaoping
