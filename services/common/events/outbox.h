#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/message.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"
#include "services/common/events/redis_client.h"

namespace kaoping {

// The Redis Stream a service's events go to: "kaoping:events:<service>".
std::string EventStreamName(absl::string_view service);

// Writes events in the caller's transaction (the transactional outbox): an
// event exists if and only if the change that caused it committed.
class Outbox {
 public:
  Outbox(std::string service, const Clock* clock) : service_(std::move(service)), clock_(clock) {}

  // Runs after every commit of a transaction that enqueued events (the
  // runtime wakes its relay with it). Set before the first Enqueue.
  void SetCommitHook(std::function<void()> hook) { commit_hook_ = std::move(hook); }

  // Returns the event's id, "{service}/{region_code}/{sequence}".
  absl::StatusOr<std::string> Enqueue(db::Transaction& tx, const std::string& region_code,
                                      const std::string& resource, const std::string& actor,
                                      const google::protobuf::Message& payload) const;

  // Events not yet relayed (for health reporting and tests).
  static absl::StatusOr<int64_t> CountPending(db::Database& db);

 private:
  std::string service_;
  const Clock* clock_;
  std::function<void()> commit_hook_;
};

struct OutboxRelayOptions {
  int batch_size = 256;
  // How long the relay sleeps when there is nothing to do and nobody calls Notify().
  absl::Duration poll_interval = absl::Milliseconds(500);
  // Backoff while Redis is unreachable grows to this.
  absl::Duration max_backoff = absl::Seconds(5);
  // Stream entries kept (approximately); consumers further behind than this lose events.
  int64_t stream_max_len = 1000000;
  // Relayed rows are deleted from the outbox after this long.
  absl::Duration retention = absl::Hours(24 * 7);
};

// Moves committed events from the outbox to the Redis Stream, oldest first,
// marking each relayed. At least once: a crash between XADD and the mark
// publishes an event twice, which consumers absorb (they are idempotent on
// Event.id). While Redis is down, events wait in the outbox.
class OutboxRelay {
 public:
  OutboxRelay(db::Database* db, std::unique_ptr<RedisClient> redis, std::string stream,
              const Clock* clock, OutboxRelayOptions options = {});
  ~OutboxRelay();

  // One round: returns how many events were published.
  absl::StatusOr<int> RelayOnce();

  // Background relaying until Stop(); Notify() wakes it after a commit.
  void Start();
  void Stop();
  void Notify();

 private:
  void Loop();
  absl::Status PurgeRelayed();
  absl::StatusOr<db::Rows> PendingBatch(db::Transaction& tx) const;
  absl::Status Publish(const db::Rows& rows);
  absl::Status MarkPublished(db::Transaction& tx, const db::Rows& rows) const;

  db::Database* db_;
  std::unique_ptr<RedisClient> redis_;
  std::string stream_;
  const Clock* clock_;
  OutboxRelayOptions options_;

  absl::Mutex mutex_;
  bool wake_ ABSL_GUARDED_BY(mutex_) = false;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
  absl::Time last_purge_ = absl::InfinitePast();
};

}  // namespace kaoping
