#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/background_loop.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"
#include "services/common/events/redis_client.h"
#include "services/common/privacy/event_streams.h"

namespace kaoping {

struct StreamConsumerOptions {
  // The service whose events are read, e.g. "appraisals": its per-region
  // streams "kaoping:events:appraisals:{region}" (events.proto).
  std::string service;
  // The prefix of those streams, EventStreamName(service): the same thing,
  // as consumers written before per-region streams name it; used when
  // `service` is empty.
  std::string stream;
  // The regions served, as in a JWT `regions` claim ("510114", "5101"), or
  // privacy::kEveryRegion: only those regions' streams are read. Streams of
  // full codes are read from the start; under a shorter prefix (or every
  // region) the region registry the relay keeps is read every
  // `discover_interval`, so a region whose first event comes later is
  // picked up (from its first event).
  std::vector<std::string> region_prefixes = {std::string(privacy::kEveryRegion)};
  absl::Duration discover_interval = absl::Seconds(5);
  std::string group;     // one per consuming service, e.g. "results"
  std::string consumer;  // one per instance, stable across restarts (e.g. the host name)
  int batch_size = 64;
  absl::Duration block = absl::Seconds(1);
  // Entries another consumer received but did not acknowledge for this long
  // are taken over (that consumer is presumed dead).
  absl::Duration claim_idle = absl::Seconds(30);
  absl::Duration max_backoff = absl::Seconds(5);
  // Failed applications of one event before it is given up on.
  int max_attempts = 10;
  // Entries kept (approximately) in the dead-letter stream: a flood of bad
  // events cannot fill Redis; the log keeps a line for every one.
  int64_t dead_letter_max_len = 100000;
};

// Applies one event. OK acknowledges it. INVALID_ARGUMENT (an event that can
// never apply) moves it at once to the dead-letter stream of its region's
// stream, "<stream>:<region>:dead:<group>", and acknowledges it; any other error leaves it
// pending, to be retried with backoff, and after max_attempts it too goes to
// the dead-letter stream, so that one bad event cannot block the rest and a
// database hiccup never drops one.
using EventHandler = std::function<absl::Status(const v1::Event&)>;

// A member of a Redis consumer group: acknowledges only after the handler
// applied an event, picks up on start what it had received but not
// acknowledged before a crash, and takes over what dead members left pending.
//
// A service that consumes events owns its StreamConsumer as its last member,
// so that the consumer stops (its destructor joins the thread) before the
// store and the rest of the service its handler uses are destroyed.
class StreamConsumer {
 public:
  StreamConsumer(RedisOptions redis, StreamConsumerOptions options, EventHandler handler);
  ~StreamConsumer();

  // Finds the streams of the regions served and creates the group on each
  // (reading from the stream's beginning) where it is missing.
  absl::Status EnsureGroup();
  // One round: streams of new regions (every discover_interval), own
  // pending entries first after a start or a failure, then entries
  // abandoned by others, then new ones, over every stream served. Returns
  // the number applied.
  absl::StatusOr<int> PollOnce();
  // The streams read (for tests and logs).
  const std::vector<std::string>& streams() const { return streams_; }

  // Background consumption until Stop() (also on destruction).
  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }

 private:
  absl::StatusOr<int> PollOnceUnguarded();
  // Adds the streams of regions that appeared, creating the group on them.
  absl::Status Discover();
  absl::Status CreateGroup(const std::string& stream);
  // XREADGROUP over every stream from `id` ("0": own pending; ">": new).
  absl::StatusOr<int> ReadGroup(absl::string_view id, bool block);
  absl::StatusOr<int> ClaimAbandoned();
  absl::StatusOr<int> Process(const std::string& stream, const RedisReply& entries);
  absl::Status DeadLetter(const std::string& stream, const std::string& entry_id,
                          const std::string* bytes, const absl::Status& error);
  absl::StatusOr<absl::Duration> Step();

  std::unique_ptr<RedisClient> redis_;
  StreamConsumerOptions options_;
  std::string service_;
  EventHandler handler_;
  std::vector<std::string> streams_;  // sorted
  absl::Time last_discovery_ = absl::InfinitePast();
  bool reread_own_pending_ = true;
  absl::Time last_claim_ = absl::InfinitePast();
  absl::flat_hash_map<std::string, std::string> claim_cursors_;  // per stream
  // Failed applications per stream entry (this process's view).
  absl::flat_hash_map<std::string, int> attempts_;
  bool group_ready_ = false;
  // Last: stopped before anything it uses is destroyed.
  BackgroundLoop loop_;
};

// Idempotent application: runs body and records (consumer, event id) in
// consumed_events in one transaction; an event already recorded is skipped.
// Applying the same event twice therefore changes nothing.
absl::Status ApplyOnce(db::Database& db, absl::string_view consumer, const v1::Event& event,
                       const Clock& clock, absl::FunctionRef<absl::Status(db::Transaction&)> body);

}  // namespace kaoping
