#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/background_loop.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"
#include "services/common/events/redis_client.h"

namespace kaoping {

// The prefix of a service's event streams, "kaoping:events:<service>": its
// events of region R go to "<prefix>:R" (privacy::EventStreamKey), the
// regions that have a stream are the set "<prefix>:regions".
std::string EventStreamName(absl::string_view service);

// Writes events in the caller's transaction (the transactional outbox): an
// event exists if and only if the change that caused it committed.
class Outbox {
 public:
  Outbox(std::string service, const Clock* clock) : service_(std::move(service)), clock_(clock) {}

  // Runs after every commit of a transaction that enqueued events (the
  // runtime wakes its relay with it). Set before the first Enqueue.
  void SetCommitHook(std::function<void()> hook) { commit_hook_ = std::move(hook); }

  // A payload whose type has a field marked (kaoping.v1.sensitivity) is
  // refused, INTERNAL and logged: a programming error (events.proto).
  // Returns the event's id, "{service}/{region_code}/{sequence}-{random}":
  // the sequence orders a region's events for people reading them; the 64
  // random bits keep ids unique when a database restored from a backup
  // hands out the same sequence numbers again (consumers remember ids).
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
};

// Moves committed events from the outbox to their region's Redis Stream
// ("<stream_prefix>:<region_code>"), oldest first, so each region's stream
// keeps its order, marking each relayed; registers every region in the set
// "<stream_prefix>:regions" before its first event. At least once: a crash between XADD and the
// mark publishes an event twice, which consumers absorb (they are idempotent on Event.id). While
// Redis is down, events wait in the outbox. Relayed rows are deleted later by the RetentionPurger.
class OutboxRelay {
 public:
  // `stream_prefix`: EventStreamName(service).
  OutboxRelay(db::Database* db, std::unique_ptr<RedisClient> redis, std::string stream_prefix,
              const Clock* clock, OutboxRelayOptions options = {});
  ~OutboxRelay();

  // One round: returns how many events were published.
  absl::StatusOr<int> RelayOnce();

  // Background relaying until Stop(); Notify() wakes it after a commit.
  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }
  void Notify() { loop_.Wake(); }

 private:
  absl::StatusOr<absl::Duration> Step();
  absl::StatusOr<db::Rows> PendingBatch(db::Transaction& tx) const;
  absl::Status Publish(const db::Rows& rows);
  absl::Status MarkPublished(db::Transaction& tx, const db::Rows& rows) const;

  db::Database* db_;
  std::unique_ptr<RedisClient> redis_;
  std::string stream_prefix_;
  const Clock* clock_;
  OutboxRelayOptions options_;
  // Last: stopped before anything it uses is destroyed.
  BackgroundLoop loop_;
};

}  // namespace kaoping
