#include "services/common/events/stream_consumer.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"
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

}  // namespace

StreamConsumer::StreamConsumer(RedisOptions redis, StreamConsumerOptions options,
                               EventHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {
  // A blocking read must not time out before the server answers.
  redis.command_timeout = std::max(redis.command_timeout, options_.block + absl::Seconds(2));
  redis_ = std::make_unique<RedisClient>(std::move(redis));
}

StreamConsumer::~StreamConsumer() { Stop(); }

absl::Status StreamConsumer::EnsureGroup() {
  auto reply =
      redis_->Command({"XGROUP", "CREATE", options_.stream, options_.group, "0", "MKSTREAM"});
  if (!reply.ok() && absl::StrContains(reply.status().message(), "BUSYGROUP")) {
    return absl::OkStatus();
  }
  return reply.status();
}

absl::StatusOr<int> StreamConsumer::Process(const RedisReply& entries) {
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
    if (!st.ok() && st.code() != absl::StatusCode::kInvalidArgument &&
        ++attempts_[entry_id] < options_.max_attempts) {
      reread_own_pending_ = true;
      return st;
    }
    attempts_.erase(entry_id);
    if (!st.ok()) {
      LogError("event moved to the dead-letter stream", {{"stream", options_.stream},
                                                         {"entry", entry_id},
                                                         {"event_id", event.id()},
                                                         {"error", st.ToString()}});
      std::vector<std::string> add = {
          "XADD",       absl::StrCat(options_.stream, ":dead:", options_.group),
          "*",          "entry",
          entry_id,     "error",
          st.ToString()};
      if (bytes != nullptr) {
        add.push_back("event");
        add.push_back(*bytes);
      }
      RETURN_IF_ERROR(redis_->Command(add).status());
    } else {
      ++applied;
    }
    RETURN_IF_ERROR(redis_->Command({"XACK", options_.stream, options_.group, entry_id}).status());
  }
  return applied;
}

absl::StatusOr<int> StreamConsumer::PollOnce() {
  auto applied = PollOnceUnguarded();
  if (!applied.ok()) {
    // Whatever was delivered in the failed round is pending to us: read it first next time.
    reread_own_pending_ = true;
  }
  return applied;
}

absl::StatusOr<int> StreamConsumer::PollOnceUnguarded() {
  int applied = 0;
  if (reread_own_pending_) {
    // What this consumer received before a crash or a failed apply.
    ASSIGN_OR_RETURN(
        RedisReply reply,
        redis_->Command({"XREADGROUP", "GROUP", options_.group, options_.consumer, "COUNT",
                         absl::StrCat(options_.batch_size), "STREAMS", options_.stream, "0"}));
    bool any = false;
    for (const RedisReply& stream : reply.elements) {
      if (stream.elements.size() == 2) {
        any = any || !stream.elements[1].elements.empty();
        ASSIGN_OR_RETURN(int n, Process(stream.elements[1]));
        applied += n;
      }
    }
    if (!any) {
      reread_own_pending_ = false;
    }
    return applied;
  }
  const absl::Time now = absl::Now();
  if (now - last_claim_ >= options_.claim_idle / 2) {
    last_claim_ = now;
    ASSIGN_OR_RETURN(
        RedisReply claimed,
        redis_->Command({"XAUTOCLAIM", options_.stream, options_.group, options_.consumer,
                         absl::StrCat(absl::ToInt64Milliseconds(options_.claim_idle)),
                         claim_cursor_, "COUNT", absl::StrCat(options_.batch_size)}));
    // The cursor walks the pending list across rounds; "0-0" means it wrapped.
    if (!claimed.elements.empty() && !claimed.elements[0].str.empty()) {
      claim_cursor_ = claimed.elements[0].str;
    }
    if (claimed.elements.size() >= 2 && !claimed.elements[1].elements.empty()) {
      ASSIGN_OR_RETURN(int n, Process(claimed.elements[1]));
      return applied + n;
    }
  }
  ASSIGN_OR_RETURN(RedisReply reply,
                   redis_->Command({"XREADGROUP", "GROUP", options_.group, options_.consumer,
                                    "COUNT", absl::StrCat(options_.batch_size), "BLOCK",
                                    absl::StrCat(absl::ToInt64Milliseconds(options_.block)),
                                    "STREAMS", options_.stream, ">"}));
  for (const RedisReply& stream : reply.elements) {
    if (stream.elements.size() == 2) {
      ASSIGN_OR_RETURN(int n, Process(stream.elements[1]));
      applied += n;
    }
  }
  return applied;
}

void StreamConsumer::Start() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void StreamConsumer::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) {
    thread_.join();
  }
}

void StreamConsumer::Loop() {
  absl::Duration backoff = absl::Milliseconds(100);
  bool group_ready = false;
  bool failing = false;
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_) {
        return;
      }
    }
    absl::Status st = group_ready ? PollOnce().status() : EnsureGroup();
    if (st.ok()) {
      group_ready = true;
      backoff = absl::Milliseconds(100);
      if (failing) {
        LogInfo("event consumer resumed", {{"stream", options_.stream}});
        failing = false;
      }
      continue;
    }
    if (!failing) {
      LogWarning("event consumer waiting", {{"stream", options_.stream}, {"error", st.ToString()}});
      failing = true;
    }
    if (absl::StrContains(st.message(), "NOGROUP")) {
      group_ready = false;  // Redis lost the group (restart without persistence)
    }
    absl::MutexLock lock(&mutex_);
    auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return stopping_; };
    mutex_.AwaitWithTimeout(absl::Condition(&stopping), backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
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
