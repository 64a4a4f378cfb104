#include "services/common/events/stream_consumer.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "services/common/events/outbox.h"
#include "services/common/log.h"
#include "services/common/region.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

const std::string* FieldValue(const RedisReply& fields, absl::string_view name) {
  for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    if (fields.elements[i].str == name) {
      return &fields.elements[i + 1].str;
    }
  }
  return nullptr;
}

// Entries whose failures are counted are forgotten beyond this many (they
// were taken over by another consumer, or trimmed from the stream): the
// worst case is a few more attempts, never an unbounded map.
constexpr size_t kMaxTrackedAttempts = 10000;

}  // namespace

StreamConsumer::StreamConsumer(RedisOptions redis, StreamConsumerOptions options,
                               EventHandler handler)
    : options_(std::move(options)),
      service_(!options_.service.empty()
                   ? options_.service
                   : std::string(absl::StripPrefix(options_.stream, EventStreamName("")))),
      handler_(std::move(handler)),
      loop_({.name =
                 absl::StrCat("event consumer ", options_.group, " on ", EventStreamName(service_),
                              ":{", absl::StrJoin(options_.region_prefixes, ","), "}"),
             .max_backoff = options_.max_backoff},
            [this] { return Step(); }) {
  // A blocking read must not time out before the server answers.
  redis.command_timeout = std::max(redis.command_timeout, options_.block + absl::Seconds(2));
  redis_ = std::make_unique<RedisClient>(std::move(redis));
}

StreamConsumer::~StreamConsumer() { Stop(); }

absl::Status StreamConsumer::CreateGroup(const std::string& stream) {
  auto reply = redis_->Command({"XGROUP", "CREATE", stream, options_.group, "0", "MKSTREAM"});
  if (!reply.ok() && absl::StrContains(reply.status().message(), "BUSYGROUP")) {
    return absl::OkStatus();
  }
  return reply.status();
}

absl::Status StreamConsumer::Discover() {
  last_discovery_ = absl::Now();
  std::vector<std::string> regions;
  bool only_counties = true;
  for (const std::string& prefix : options_.region_prefixes) {
    if (prefix.size() == 6 && IsValidRegionCode(prefix)) {
      regions.push_back(prefix);  // its stream is known without asking
    } else if (!prefix.empty()) {
      only_counties = false;
    }
  }
  if (!only_counties) {
    ASSIGN_OR_RETURN(RedisReply members,
                     redis_->Command({"SMEMBERS", privacy::EventRegionRegistryKey(service_)}));
    for (const RedisReply& member : members.elements) {
      regions.push_back(member.str);
    }
  }
  for (const std::string& region : regions) {
    const std::string stream = privacy::EventStreamKey(service_, region);
    if (!privacy::ConsumerMayRead(options_.region_prefixes, service_, stream) ||
        std::binary_search(streams_.begin(), streams_.end(), stream)) {
      continue;
    }
    RETURN_IF_ERROR(CreateGroup(stream));
    streams_.insert(std::upper_bound(streams_.begin(), streams_.end(), stream), stream);
  }
  return absl::OkStatus();
}

absl::Status StreamConsumer::EnsureGroup() {
  for (const std::string& stream : streams_) {
    RETURN_IF_ERROR(CreateGroup(stream));
  }
  return Discover();
}

absl::StatusOr<int> StreamConsumer::Process(const std::string& stream, const RedisReply& entries) {
  int applied = 0;
  for (const RedisReply& entry : entries.elements) {
    if (entry.elements.size() < 2) {
      continue;  // an entry deleted from the stream while pending
    }
    const std::string& entry_id = entry.elements[0].str;
    const RedisReply& fields = entry.elements[1];
    const std::string* bytes = FieldValue(fields, "event");
    v1::Event event;
    absl::Status st;
    if (bytes == nullptr || !event.ParseFromString(*bytes)) {
      st = absl::InvalidArgumentError("stream entry carries no parsable kaoping.v1.Event");
    } else {
      st = handler_(event);
    }
    const std::string attempt_key = absl::StrCat(stream, " ", entry_id);
    if (!st.ok() && st.code() != absl::StatusCode::kInvalidArgument &&
        ++attempts_[attempt_key] < options_.max_attempts) {
      reread_own_pending_ = true;
      if (attempts_.size() > kMaxTrackedAttempts) {
        attempts_.clear();
      }
      return st;
    }
    attempts_.erase(attempt_key);
    if (!st.ok()) {
      LogError("event moved to the dead-letter stream", {{"stream", stream},
                                                         {"entry", entry_id},
                                                         {"event_id", event.id()},
                                                         {"error", st.ToString()}});
      RETURN_IF_ERROR(DeadLetter(stream, entry_id, bytes, st));
    } else {
      ++applied;
    }
    RETURN_IF_ERROR(redis_->Command({"XACK", stream, options_.group, entry_id}).status());
  }
  return applied;
}

absl::Status StreamConsumer::DeadLetter(const std::string& stream, const std::string& entry_id,
                                        const std::string* bytes, const absl::Status& error) {
  std::vector<std::string> add = {"XADD",
                                  absl::StrCat(stream, ":dead:", options_.group),
                                  "MAXLEN",
                                  "~",
                                  absl::StrCat(options_.dead_letter_max_len),
                                  "*",
                                  "entry",
                                  entry_id,
                                  "error",
                                  error.ToString()};
  if (bytes != nullptr) {
    add.push_back("event");
    add.push_back(*bytes);
  }
  return redis_->Command(add).status();
}

absl::StatusOr<int> StreamConsumer::PollOnce() {
  auto applied = PollOnceUnguarded();
  if (!applied.ok()) {
    // Whatever was delivered in the failed round is pending to us: read it first next time.
    reread_own_pending_ = true;
  }
  return applied;
}

absl::StatusOr<int> StreamConsumer::ReadGroup(absl::string_view id, bool block) {
  std::vector<std::string> command = {"XREADGROUP",   "GROUP",
                                      options_.group, options_.consumer,
                                      "COUNT",        absl::StrCat(options_.batch_size)};
  if (block) {
    command.push_back("BLOCK");
    command.push_back(absl::StrCat(absl::ToInt64Milliseconds(options_.block)));
  }
  command.push_back("STREAMS");
  command.insert(command.end(), streams_.begin(), streams_.end());
  command.insert(command.end(), streams_.size(), std::string(id));
  ASSIGN_OR_RETURN(RedisReply reply, redis_->Command(command));
  int applied = 0;
  bool any = false;
  for (const RedisReply& stream : reply.elements) {
    if (stream.elements.size() == 2) {
      any = any || !stream.elements[1].elements.empty();
      ASSIGN_OR_RETURN(int n, Process(stream.elements[0].str, stream.elements[1]));
      applied += n;
    }
  }
  if (id == "0" && !any) {
    reread_own_pending_ = false;
  }
  return applied;
}

absl::StatusOr<int> StreamConsumer::ClaimAbandoned() {
  int applied = 0;
  for (const std::string& stream : streams_) {
    std::string& cursor = claim_cursors_.try_emplace(stream, "0-0").first->second;
    ASSIGN_OR_RETURN(RedisReply claimed,
                     redis_->Command({"XAUTOCLAIM", stream, options_.group, options_.consumer,
                                      absl::StrCat(absl::ToInt64Milliseconds(options_.claim_idle)),
                                      cursor, "COUNT", absl::StrCat(options_.batch_size)}));
    // The cursor walks the pending list across rounds; "0-0" means it wrapped.
    if (!claimed.elements.empty() && !claimed.elements[0].str.empty()) {
      cursor = claimed.elements[0].str;
    }
    if (claimed.elements.size() >= 2 && !claimed.elements[1].elements.empty()) {
      ASSIGN_OR_RETURN(int n, Process(stream, claimed.elements[1]));
      applied += n;
    }
  }
  return applied;
}

absl::StatusOr<int> StreamConsumer::PollOnceUnguarded() {
  const absl::Time now = absl::Now();
  if (now - last_discovery_ >= options_.discover_interval) {
    RETURN_IF_ERROR(Discover());
  }
  if (streams_.empty()) {
    return 0;
  }
  if (reread_own_pending_) {
    // What this consumer received before a crash or a failed apply.
    return ReadGroup("0", /*block=*/false);
  }
  if (now - last_claim_ >= options_.claim_idle / 2) {
    last_claim_ = now;
    ASSIGN_OR_RETURN(int claimed, ClaimAbandoned());
    if (claimed > 0) {
      return claimed;
    }
  }
  return ReadGroup(">", /*block=*/true);
}

absl::StatusOr<absl::Duration> StreamConsumer::Step() {
  absl::Status st = group_ready_ ? PollOnce().status() : EnsureGroup();
  if (absl::StrContains(st.message(), "NOGROUP")) {
    group_ready_ = false;  // Redis lost the group (a restart without persistence)
  } else if (st.ok()) {
    group_ready_ = true;
  }
  RETURN_IF_ERROR(st);
  // XREADGROUP BLOCK does the waiting, while there is a stream to wait on.
  return streams_.empty() ? options_.block : absl::ZeroDuration();
}

absl::Status ApplyOnce(db::Database& db, absl::string_view consumer, const v1::Event& event,
                       const Clock& clock, absl::FunctionRef<absl::Status(db::Transaction&)> body) {
  return db::RunInTransaction(db, db::Access::kReadWrite, [&](db::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(
        int64_t inserted,
        tx.Execute("INSERT INTO consumed_events (region_code, consumer, event_id,"
                   " applied_micros) VALUES ($1, $2, $3, $4)"
                   " ON CONFLICT (region_code, consumer, event_id) DO NOTHING",
                   {event.region_code(), consumer, event.id(), absl::ToUnixMicros(clock.Now())}));
    if (inserted == 0) {
      return absl::OkStatus();  // applied before
    }
    return body(tx);
  });
}

}  // namespace kaoping
