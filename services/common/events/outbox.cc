#include "services/common/events/outbox.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/crypto.h"
#include "services/common/log.h"
#include "services/common/privacy/event_privacy.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

// Keeps several relays (one per instance) from publishing the same rows at once on PostgreSQL.
constexpr int64_t kRelayLockKey = 0x6b616f70696e6701;

}  // namespace

std::string EventStreamName(absl::string_view service) {
  return absl::StrCat("kaoping:events:", service);
}

absl::StatusOr<std::string> Outbox::Enqueue(db::Transaction& tx, const std::string& region_code,
                                            const std::string& resource, const std::string& actor,
                                            const google::protobuf::Message& payload) const {
  if (absl::Status st = privacy::CheckEventPayload(payload); !st.ok()) {
    // A payload type with a marked field is a programming error, never the caller's.
    LogError("event refused: its payload carries a marked field",
             {{"type", payload.GetDescriptor()->full_name()}, {"error", st.ToString()}});
    return absl::InternalError(absl::StrCat("event payload refused: ", st.message()));
  }
  RETURN_IF_ERROR(tx.Execute("INSERT INTO outbox_head (region_code, seq) VALUES ($1, 0)"
                             " ON CONFLICT (region_code) DO NOTHING",
                             {region_code})
                      .status());
  const absl::Time now = clock_->Now();
  ASSIGN_OR_RETURN(db::Row head,
                   tx.QueryOne("UPDATE outbox_head SET seq = seq + 1, last_micros = CASE"
                               " WHEN last_micros >= $2 THEN last_micros + 1 ELSE $2 END"
                               " WHERE region_code = $1 RETURNING seq, last_micros",
                               {region_code, absl::ToUnixMicros(now)}));
  const int64_t seq = head[0].AsInt();
  const int64_t created_micros = head[1].AsInt();
  v1::Event event;
  event.set_id(absl::StrCat(service_, "/", region_code, "/", seq, "-", HexEncode(RandomBytes(8))));
  event.set_type(payload.GetDescriptor()->full_name());
  event.set_region_code(region_code);
  event.set_resource(resource);
  event.set_actor(actor);
  *event.mutable_occur_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
  event.mutable_payload()->PackFrom(payload);
  RETURN_IF_ERROR(tx.Execute("INSERT INTO outbox (region_code, seq, event_id, event_type, event,"
                             " created_micros) VALUES ($1, $2, $3, $4, $5, $6)",
                             {region_code, seq, event.id(), event.type(),
                              db::Blob{event.SerializeAsString()}, created_micros})
                      .status());
  if (commit_hook_) {
    tx.AfterCommit(commit_hook_);
  }
  return event.id();
}

absl::StatusOr<int64_t> Outbox::CountPending(db::Database& db) {
  return db::RunInTransaction(
      db, db::Access::kReadOnly, [](db::Transaction& tx) -> absl::StatusOr<int64_t> {
        ASSIGN_OR_RETURN(db::Row row,
                         tx.QueryOne("SELECT COUNT(*) FROM outbox WHERE published_micros IS NULL"));
        return row[0].AsInt();
      });
}

OutboxRelay::OutboxRelay(db::Database* db, std::unique_ptr<RedisClient> redis,
                         std::string stream_prefix, const Clock* clock, OutboxRelayOptions options)
    : db_(db),
      redis_(std::move(redis)),
      stream_prefix_(std::move(stream_prefix)),
      clock_(clock),
      options_(options),
      loop_({.name = absl::StrCat("event relay to ", stream_prefix_, ":*"),
             .max_backoff = options.max_backoff},
            [this] { return Step(); }) {}

OutboxRelay::~OutboxRelay() { Stop(); }

absl::StatusOr<absl::Duration> OutboxRelay::Step() {
  ASSIGN_OR_RETURN(int relayed, RelayOnce());
  // A full batch means more is waiting.
  return relayed == options_.batch_size ? absl::ZeroDuration() : options_.poll_interval;
}

absl::StatusOr<db::Rows> OutboxRelay::PendingBatch(db::Transaction& tx) const {
  return tx.Query(
      "SELECT region_code, seq, event_id, event_type, event FROM outbox"
      " WHERE published_micros IS NULL"
      " ORDER BY created_micros, region_code, seq LIMIT $1",
      {options_.batch_size});
}

absl::Status OutboxRelay::Publish(const db::Rows& rows) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(rows.size() + 1);
  // Registered before the first XADD, so that a stream never exists
  // unregistered (consumers of a city find a new county's stream there).
  std::vector<std::string> regions = {"SADD", absl::StrCat(stream_prefix_, ":regions")};
  for (const db::Row& row : rows) {
    if (std::find(regions.begin() + 2, regions.end(), row[0].AsText()) == regions.end()) {
      regions.push_back(row[0].AsText());
    }
  }
  commands.push_back(std::move(regions));
  for (const db::Row& row : rows) {
    commands.push_back({"XADD", absl::StrCat(stream_prefix_, ":", row[0].AsText()), "MAXLEN", "~",
                        absl::StrCat(options_.stream_max_len), "*", "id", row[2].AsText(), "type",
                        row[3].AsText(), "region", row[0].AsText(), "event", row[4].AsBlob()});
  }
  return redis_->Pipeline(commands).status();
}

absl::Status OutboxRelay::MarkPublished(db::Transaction& tx, const db::Rows& rows) const {
  const int64_t now = absl::ToUnixMicros(clock_->Now());
  for (const db::Row& row : rows) {
    RETURN_IF_ERROR(tx.Execute("UPDATE outbox SET published_micros = $1"
                               " WHERE region_code = $2 AND seq = $3",
                               {now, row[0].AsText(), row[1].AsInt()})
                        .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<int> OutboxRelay::RelayOnce() {
  // Check Redis before touching the database, so that an outage costs the
  // database nothing.
  RETURN_IF_ERROR(redis_->Command({"PING"}).status());
  if (db_->dialect() == db::Dialect::kPostgres) {
    // One transaction holding an advisory lock, so that of several instances
    // one relays at a time; row locks leave writers of new events unhindered.
    ASSIGN_OR_RETURN(
        db::Rows relayed,
        db::RunInTransaction(
            *db_, db::Access::kReadWrite, [&](db::Transaction& tx) -> absl::StatusOr<db::Rows> {
              ASSIGN_OR_RETURN(db::Row locked, tx.QueryOne("SELECT pg_try_advisory_xact_lock($1)",
                                                           {kRelayLockKey}));
              if (locked[0].AsInt() == 0) {
                return db::Rows();  // another instance is relaying
              }
              ASSIGN_OR_RETURN(db::Rows rows, PendingBatch(tx));
              if (rows.empty()) {
                return rows;
              }
              RETURN_IF_ERROR(Publish(rows));
              RETURN_IF_ERROR(MarkPublished(tx, rows));
              return rows;
            }));
    return static_cast<int>(relayed.size());
  }
  // SQLite has one writer at a time: Redis I/O happens between a read and a
  // short write, never while holding the write lock.
  ASSIGN_OR_RETURN(db::Rows rows,
                   db::RunInTransaction(*db_, db::Access::kReadOnly,
                                        [&](db::Transaction& tx) { return PendingBatch(tx); }));
  if (rows.empty()) {
    return 0;
  }
  RETURN_IF_ERROR(Publish(rows));
  RETURN_IF_ERROR(db::RunInTransaction(
      *db_, db::Access::kReadWrite, [&](db::Transaction& tx) { return MarkPublished(tx, rows); }));
  return static_cast<int>(rows.size());
}

}  // namespace kaoping
