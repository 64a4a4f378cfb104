// The transactional outbox, its relay to per-region Redis Streams and the
// consumer group helper: every event delivered exactly once to an idempotent
// consumer across a consumer crash and a Redis restart; writes never wait
// for Redis; a consumer reads only its regions' streams, and finds a
// region's stream that appears after it started.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <libpq-fe.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kaoping/v1/audit.pb.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/common_migrations.h"
#include "services/common/db/migrations.h"
#include "services/common/events/outbox.h"
#include "services/common/events/stream_consumer.h"
#include "services/common/privacy/event_streams.h"
#include "services/common/status_macros.h"
#include "tests/common/common_store.h"
#include "tests/support/redis_server.h"
#include "tests/support/shared_servers.h"

namespace kaoping {
namespace {

using ::kaoping::testing::StoreKind;
using ::testing::HasSubstr;

constexpr char kConsumerTable[] =
    "CREATE TABLE applied (event_id TEXT PRIMARY KEY, n BIGINT NOT NULL);";

// Polls `done` for up to `limit`; no fixed sleeps.
template <typename F>
bool Eventually(F done, absl::Duration limit = absl::Seconds(30)) {
  const absl::Time deadline = absl::Now() + limit;
  while (absl::Now() < deadline) {
    if (done()) {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
}

class EventsTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    service_ = absl::StrCat("test-", getpid(), "-", counter++);
    stream_ = EventStreamName(service_);
    producer_ = OpenFresh(&producer_url_);
    consumer_db_ = OpenFresh();
    const EmbeddedFile files[] = {{"0001_applied.sql", kConsumerTable}};
    ASSERT_TRUE(db::ApplyMigrations(*consumer_db_, "consumer", files).ok());
  }

  std::unique_ptr<db::Database> OpenFresh(std::string* url = nullptr) {
    auto db = kaoping::testing::FreshCommonStore(GetParam(), url);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }

  // A consumer in group "results" applying through Apply().
  std::unique_ptr<StreamConsumer> ApplyingConsumer(const StreamConsumerOptions& options) {
    auto consumer =
        std::make_unique<StreamConsumer>(*ParseRedisUrl((*kaoping::testing::SharedRedis())->url()),
                                         options, [this](const v1::Event& e) { return Apply(e); });
    EXPECT_TRUE(consumer->EnsureGroup().ok());
    return consumer;
  }

  absl::Status Produce(int first, int count, const std::string& region = "510114") {
    return db::RunInTransaction(*producer_, db::Access::kReadWrite, [&](db::Transaction& tx) {
      for (int i = first; i < first + count; ++i) {
        v1::IndicatorSetPublished payload;
        payload.set_indicator_set(absl::StrCat("regions/", region, "/indicatorSets/s", i));
        payload.set_revision(i);
        RETURN_IF_ERROR(
            outbox_.Enqueue(tx, region, payload.indicator_set(), "admin", payload).status());
      }
      return absl::OkStatus();
    });
  }

  // The idempotent consumer under test: counts applications per event.
  absl::Status Apply(const v1::Event& event) {
    return ApplyOnce(*consumer_db_, "results", event, clock_, [&](db::Transaction& tx) {
      return tx
          .Execute(
              "INSERT INTO applied (event_id, n) VALUES ($1, 1)"
              " ON CONFLICT (event_id) DO UPDATE SET n = applied.n + 1",
              {event.id()})
          .status();
    });
  }

  // (distinct events applied, the largest number of applications of one).
  std::pair<int64_t, int64_t> AppliedCounts() {
    using Counts = std::pair<int64_t, int64_t>;
    absl::StatusOr<Counts> counts = db::RunInTransaction(
        *consumer_db_, db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<Counts> {
          ASSIGN_OR_RETURN(db::Row row,
                           tx.QueryOne("SELECT COUNT(*), COALESCE(MAX(n), 0) FROM applied"));
          return Counts{row[0].AsInt(), row[1].AsInt()};
        });
    EXPECT_TRUE(counts.ok()) << counts.status();
    return counts.value_or(Counts{-1, -1});
  }

  int64_t Pending() {
    auto n = Outbox::CountPending(*producer_);
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  std::unique_ptr<OutboxRelay> Relay(const std::string& redis_url) {
    OutboxRelayOptions options;
    options.poll_interval = absl::Milliseconds(50);
    options.max_backoff = absl::Milliseconds(200);
    return std::make_unique<OutboxRelay>(producer_.get(),
                                         std::make_unique<RedisClient>(*ParseRedisUrl(redis_url)),
                                         stream_, &clock_, options);
  }

  StreamConsumerOptions ConsumerOptions(const std::string& name) {
    StreamConsumerOptions options;
    options.stream = stream_;  // as consumers written before per-region streams do
    options.discover_interval = absl::ZeroDuration();
    options.group = "results";
    options.consumer = name;
    options.block = absl::Milliseconds(100);
    options.claim_idle = absl::Milliseconds(300);
    options.max_backoff = absl::Milliseconds(200);
    return options;
  }

  // Copies the producer's database aside (`to` the backup) or back (`from`
  // it), as an operator's backup and restore would: the database is closed
  // meanwhile and opened again after.
  void CopyProducer(bool restore) {
    producer_.reset();
    if (GetParam() == StoreKind::kSqlite) {
      const std::string path = producer_url_.substr(std::string("sqlite:").size());
      std::filesystem::copy_file(restore ? path + ".backup" : path,
                                 restore ? path : path + ".backup",
                                 std::filesystem::copy_options::overwrite_existing);
    } else {
      const std::string name = producer_url_.substr(producer_url_.rfind('/') + 1);
      const std::string sql =
          restore ? absl::StrCat("DROP DATABASE ", name, "; CREATE DATABASE ", name, " TEMPLATE ",
                                 name, "_backup")
                  : absl::StrCat("CREATE DATABASE ", name, "_backup TEMPLATE ", name);
      PGconn* conn = PQconnectdb((*kaoping::testing::SharedPostgres())->admin_url().c_str());
      // One statement at a time: CREATE and DROP DATABASE refuse a transaction block.
      for (absl::string_view statement : absl::StrSplit(sql, "; ")) {
        PGresult* res = PQexec(conn, std::string(statement).c_str());
        EXPECT_EQ(PQresultStatus(res), PGRES_COMMAND_OK) << PQerrorMessage(conn);
        PQclear(res);
      }
      PQfinish(conn);
    }
    auto db = db::OpenDatabase(producer_url_);
    ASSERT_TRUE(db.ok()) << db.status();
    producer_ = std::move(*db);
  }

  // The stream of a region.
  std::string Stream(const std::string& region = "510114") const {
    return privacy::EventStreamKey(service_, region);
  }

  FakeClock clock_{absl::FromUnixSeconds(1795000000)};
  Outbox outbox_{"test", &clock_};
  std::string service_;
  std::string stream_;  // the prefix of the service's streams
  std::string producer_url_;
  std::unique_ptr<db::Database> producer_;
  std::unique_ptr<db::Database> consumer_db_;
};

TEST_P(EventsTest, EventExistsOnlyIfItsChangeCommitted) {
  absl::Status st =
      db::RunInTransaction(*producer_, db::Access::kReadWrite, [&](db::Transaction& tx) {
        v1::IndicatorSetRetired payload;
        RETURN_IF_ERROR(outbox_.Enqueue(tx, "510114", "r", "a", payload).status());
        return absl::InternalError("the change failed");
      });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(Pending(), 0);
  ASSERT_TRUE(Produce(0, 3).ok());
  EXPECT_EQ(Pending(), 3);
}

TEST_P(EventsTest, RelayPublishesEveryEventOnceInOrder) {
  auto redis = kaoping::testing::SharedRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  ASSERT_TRUE(Produce(0, 7).ok());
  ASSERT_TRUE(Produce(0, 2, "510107").ok());
  auto relay = Relay((*redis)->url());
  auto n = relay->RelayOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 9);
  EXPECT_EQ(*relay->RelayOnce(), 0);
  EXPECT_EQ(Pending(), 0);
  RedisClient client(*ParseRedisUrl((*redis)->url()));
  // Each region's events in its own stream, in the order the changes committed.
  auto ids_of = [&](const std::string& region) {
    std::vector<std::string> ids;
    auto range = client.Command({"XRANGE", Stream(region), "-", "+"});
    EXPECT_TRUE(range.ok());
    for (const auto& entry : range.ok() ? range->elements : std::vector<RedisReply>()) {
      const auto& fields = entry.elements[1].elements;
      v1::Event event;
      EXPECT_TRUE(event.ParseFromString(fields[7].str));
      EXPECT_EQ(fields[1].str, event.id());
      EXPECT_EQ(event.type(), "kaoping.v1.IndicatorSetPublished");
      EXPECT_EQ(event.region_code(), region);
      ids.push_back(event.id());
    }
    return ids;
  };
  const std::vector<std::string> county_114 = ids_of("510114");
  const std::vector<std::string> county_107 = ids_of("510107");
  auto registry = client.Command({"SMEMBERS", privacy::EventRegionRegistryKey(service_)});
  ASSERT_TRUE(registry.ok());
  std::vector<std::string> regions;
  for (const auto& member : registry->elements) {
    regions.push_back(member.str);
  }
  EXPECT_THAT(regions, ::testing::UnorderedElementsAre("510114", "510107"));
  EXPECT_THAT(county_114,
              ::testing::ElementsAre(HasSubstr("test/510114/1-"), HasSubstr("test/510114/2-"),
                                     HasSubstr("test/510114/3-"), HasSubstr("test/510114/4-"),
                                     HasSubstr("test/510114/5-"), HasSubstr("test/510114/6-"),
                                     HasSubstr("test/510114/7-")));
  EXPECT_THAT(county_107,
              ::testing::ElementsAre(HasSubstr("test/510107/1-"), HasSubstr("test/510107/2-")));
}

TEST_P(EventsTest, AClockSteppingBackKeepsARegionsOrder) {
  auto redis = kaoping::testing::SharedRedis();
  ASSERT_TRUE(redis.ok());
  ASSERT_TRUE(Produce(0, 2).ok());
  clock_.Advance(-absl::Hours(1));  // another instance's clock, or an NTP step
  ASSERT_TRUE(Produce(2, 2).ok());
  ASSERT_TRUE(Produce(0, 1, "510107").ok());
  ASSERT_TRUE(Relay((*redis)->url())->RelayOnce().ok());
  RedisClient client(*ParseRedisUrl((*redis)->url()));
  auto range = client.Command({"XRANGE", Stream("510114"), "-", "+"});
  ASSERT_TRUE(range.ok());
  std::vector<std::string> county_114;
  for (const auto& entry : range->elements) {
    county_114.push_back(entry.elements[1].elements[1].str);
  }
  EXPECT_THAT(county_114,
              ::testing::ElementsAre(HasSubstr("test/510114/1-"), HasSubstr("test/510114/2-"),
                                     HasSubstr("test/510114/3-"), HasSubstr("test/510114/4-")));
}

TEST_P(EventsTest, WritesSucceedWhileRedisIsDownAndEventsFollowLater) {
  auto redis = kaoping::testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  auto relay = Relay((*redis)->url());
  (*redis)->Stop();
  ASSERT_TRUE(Produce(0, 5).ok()) << "a write never waits for Redis";
  EXPECT_EQ(relay->RelayOnce().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Pending(), 5);
  ASSERT_TRUE((*redis)->Restart().ok());
  auto n = relay->RelayOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 5);
  EXPECT_EQ(Pending(), 0);
}

TEST_P(EventsTest, ExactlyOnceAcrossAConsumerCrashAndARedisRestart) {
  auto redis = kaoping::testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  const RedisOptions redis_options = *ParseRedisUrl((*redis)->url());
  auto relay = Relay((*redis)->url());
  relay->Start();

  // Consumer A receives a batch and dies half-way through applying it: five
  // applied, none acknowledged.
  StreamConsumerOptions county = ConsumerOptions("A");
  county.region_prefixes = {"510114"};  // its group exists before the first event
  StreamConsumer group_maker(redis_options, county,
                             [](const v1::Event&) { return absl::OkStatus(); });
  ASSERT_TRUE(group_maker.EnsureGroup().ok());
  ASSERT_TRUE(Produce(0, 40).ok());
  relay->Notify();
  ASSERT_TRUE(Eventually([&] { return Pending() == 0; }));
  RedisClient a(redis_options);
  auto batch =
      a.Command({"XREADGROUP", "GROUP", "results", "A", "COUNT", "10", "STREAMS", Stream(), ">"});
  ASSERT_TRUE(batch.ok()) << batch.status();
  const auto& entries = batch->elements.at(0).elements.at(1).elements;
  ASSERT_EQ(entries.size(), 10u);
  for (int i = 0; i < 5; ++i) {
    v1::Event event;
    ASSERT_TRUE(event.ParseFromString(entries[i].elements[1].elements[7].str));
    ASSERT_TRUE(Apply(event).ok());
  }

  // The relay publishes one event twice (as after a crash between XADD and
  // marking the row): the consumer must absorb it.
  ASSERT_TRUE(a.Command({"XADD", Stream(), "*", "id", "dup", "event",
                         entries[0].elements[1].elements[7].str})
                  .ok());

  // Redis goes away; writes go on; Redis comes back with its data.
  (*redis)->Stop();
  ASSERT_TRUE(Produce(40, 20).ok());
  EXPECT_EQ(Pending(), 20);
  ASSERT_TRUE((*redis)->Restart().ok());

  // Consumer B takes over what A left pending, and everything after.
  StreamConsumer b(redis_options, ConsumerOptions("B"),
                   [&](const v1::Event& e) { return Apply(e); });
  b.Start();
  relay->Notify();
  ASSERT_TRUE(Eventually([&] { return AppliedCounts().first == 60; }))
      << "applied " << AppliedCounts().first << " of 60";
  b.Stop();
  relay->Stop();
  EXPECT_EQ(AppliedCounts().second, 1) << "some event was applied twice";
  EXPECT_EQ(Pending(), 0);
  auto pending = a.Command({"XPENDING", Stream(), "results"});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->elements.at(0).integer, 0) << "every entry acknowledged";
}

TEST_P(EventsTest, RestartedConsumerFinishesWhatItHadReceived) {
  auto redis = kaoping::testing::SharedRedis();
  ASSERT_TRUE(redis.ok());
  const RedisOptions redis_options = *ParseRedisUrl((*redis)->url());
  ASSERT_TRUE(Produce(0, 6).ok());
  ASSERT_TRUE(Relay((*redis)->url())->RelayOnce().ok());
  std::atomic<int> calls{0};
  {
    // First life: every apply fails transiently, nothing is acknowledged.
    StreamConsumer first(redis_options, ConsumerOptions("A"), [&](const v1::Event&) {
      ++calls;
      return absl::UnavailableError("database down");
    });
    ASSERT_TRUE(first.EnsureGroup().ok());
    (void)first.PollOnce();
    (void)first.PollOnce();
  }
  EXPECT_GT(calls.load(), 0);
  StreamConsumer second(redis_options, ConsumerOptions("A"),
                        [&](const v1::Event& e) { return Apply(e); });
  for (int i = 0; i < 5 && AppliedCounts().first < 6; ++i) {
    ASSERT_TRUE(second.PollOnce().ok());
  }
  EXPECT_EQ(AppliedCounts(), std::make_pair(int64_t{6}, int64_t{1}));
}

TEST_P(EventsTest, AnUnusableEventGoesToTheDeadLetterStreamAndDoesNotBlockTheRest) {
  auto redis = kaoping::testing::SharedRedis();
  ASSERT_TRUE(redis.ok());
  auto consumer = ApplyingConsumer(ConsumerOptions("A"));
  RedisClient client(*ParseRedisUrl((*redis)->url()));
  ASSERT_TRUE(client.Command({"XADD", Stream(), "*", "event", "not a protobuf \xff\xff"}).ok());
  ASSERT_TRUE(Produce(0, 3).ok());
  ASSERT_TRUE(Relay((*redis)->url())->RelayOnce().ok());
  for (int i = 0; i < 5 && AppliedCounts().first < 3; ++i) {
    ASSERT_TRUE(consumer->PollOnce().ok());
  }
  EXPECT_EQ(AppliedCounts().first, 3);
  auto dead = client.Command({"XLEN", Stream() + ":dead:results"});
  ASSERT_TRUE(dead.ok());
  EXPECT_EQ(dead->integer, 1);
}

TEST_P(EventsTest, AFailingStoreDelaysAnEventButNeverDropsIt) {
  auto redis = kaoping::testing::SharedRedis();
  ASSERT_TRUE(redis.ok());
  const RedisOptions redis_options = *ParseRedisUrl((*redis)->url());
  ASSERT_TRUE(Produce(0, 2).ok());
  ASSERT_TRUE(Relay((*redis)->url())->RelayOnce().ok());
  // The consumer's database fails twice with errors that are not the event's
  // fault (INTERNAL, FAILED_PRECONDITION), then recovers.
  int failures = 0;
  StreamConsumer consumer(redis_options, ConsumerOptions("A"), [&](const v1::Event& e) {
    if (failures < 2) {
      ++failures;
      return failures == 1 ? absl::InternalError("disk I/O error")
                           : absl::FailedPreconditionError("database is read-only");
    }
    return Apply(e);
  });
  ASSERT_TRUE(consumer.EnsureGroup().ok());
  for (int i = 0; i < 8 && AppliedCounts().first < 2; ++i) {
    (void)consumer.PollOnce();
  }
  EXPECT_EQ(AppliedCounts(), std::make_pair(int64_t{2}, int64_t{1}));
  RedisClient client(redis_options);
  auto dead = client.Command({"XLEN", Stream() + ":dead:results"});
  ASSERT_TRUE(dead.ok());
  EXPECT_EQ(dead->integer, 0) << "nothing was given up on";
}

TEST_P(EventsTest, AnEventThatKeepsFailingIsGivenUpOnAfterMaxAttempts) {
  auto redis = kaoping::testing::SharedRedis();
  ASSERT_TRUE(redis.ok());
  const RedisOptions redis_options = *ParseRedisUrl((*redis)->url());
  ASSERT_TRUE(Produce(0, 1).ok());
  ASSERT_TRUE(Relay((*redis)->url())->RelayOnce().ok());
  StreamConsumerOptions options = ConsumerOptions("A");
  options.max_attempts = 3;
  int calls = 0;
  StreamConsumer consumer(redis_options, options, [&](const v1::Event&) {
    ++calls;
    return absl::InternalError("always fails");
  });
  ASSERT_TRUE(consumer.EnsureGroup().ok());
  for (int i = 0; i < 8; ++i) {
    (void)consumer.PollOnce();
  }
  EXPECT_EQ(calls, 3);
  RedisClient client(redis_options);
  EXPECT_EQ(client.Command({"XLEN", Stream() + ":dead:results"})->integer, 1);
  EXPECT_EQ(client.Command({"XPENDING", Stream(), "results"})->elements.at(0).integer, 0);
}

TEST_P(EventsTest, EventsWrittenAfterARestoreFromBackupAreNotTakenForOldOnes) {
  auto redis = kaoping::testing::SharedRedis();
  ASSERT_TRUE(redis.ok());
  auto consumer = ApplyingConsumer(ConsumerOptions("A"));
  auto deliver = [&](int64_t expected) {
    ASSERT_TRUE(Relay((*redis)->url())->RelayOnce().ok());
    for (int i = 0; i < 10 && AppliedCounts().first < expected; ++i) {
      ASSERT_TRUE(consumer->PollOnce().ok());
    }
  };
  ASSERT_TRUE(Produce(0, 3).ok());
  deliver(3);
  CopyProducer(/*restore=*/false);
  ASSERT_TRUE(Produce(3, 2).ok());  // sequence 4 and 5
  deliver(5);
  // The database goes back to the backup: the next events get sequence
  // numbers 4 and 5 again, but they are other events.
  CopyProducer(/*restore=*/true);
  ASSERT_TRUE(Produce(10, 2).ok());
  deliver(7);
  EXPECT_EQ(AppliedCounts(), std::make_pair(int64_t{7}, int64_t{1}))
      << "events after the restore were dropped as already applied";
}

TEST_P(EventsTest, TheDeadLetterStreamIsCapped) {
  auto redis = kaoping::testing::SharedRedis();
  ASSERT_TRUE(redis.ok());
  StreamConsumerOptions options = ConsumerOptions("A");
  options.dead_letter_max_len = 10;
  options.batch_size = 100;
  options.region_prefixes = {"510114"};  // a county's stream is read without a registry entry
  auto consumer = ApplyingConsumer(options);
  RedisClient client(*ParseRedisUrl((*redis)->url()));
  std::vector<std::vector<std::string>> garbage;
  for (int i = 0; i < 400; ++i) {
    garbage.push_back({"XADD", Stream(), "*", "event", "not a protobuf \xff\xff"});
  }
  ASSERT_TRUE(client.Pipeline(garbage).ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(consumer->PollOnce().ok());
  }
  EXPECT_EQ(client.Command({"XPENDING", Stream(), "results"})->elements.at(0).integer, 0);
  // Trimming keeps whole stream nodes (100 entries by default) beyond the cap.
  EXPECT_LE(client.Command({"XLEN", Stream() + ":dead:results"})->integer, 10 + 100);
}

TEST_P(EventsTest, AConsumerOfACountyNeverSeesAnotherCountysEvents) {
  auto redis = kaoping::testing::SharedRedis();
  ASSERT_TRUE(redis.ok());
  const RedisOptions redis_options = *ParseRedisUrl((*redis)->url());
  ASSERT_TRUE(Produce(0, 3, "510114").ok());
  ASSERT_TRUE(Produce(0, 2, "510107").ok());
  ASSERT_TRUE(Produce(0, 4, "510214").ok());
  ASSERT_TRUE(Relay((*redis)->url())->RelayOnce().ok());
  // A county's and a city's consumer (other groups: each gets every event of its regions).
  auto seen_by = [&](std::vector<std::string> prefixes, const std::string& group) {
    StreamConsumerOptions options = ConsumerOptions("A");
    options.service = service_;
    options.stream.clear();
    options.region_prefixes = std::move(prefixes);
    options.group = group;
    std::vector<std::string> regions;
    StreamConsumer consumer(redis_options, options, [&](const v1::Event& e) {
      regions.push_back(e.region_code());
      return absl::OkStatus();
    });
    EXPECT_TRUE(consumer.EnsureGroup().ok());
    for (int i = 0; i < 5; ++i) {
      EXPECT_TRUE(consumer.PollOnce().ok());
    }
    std::sort(regions.begin(), regions.end());
    return std::make_pair(regions, consumer.streams());
  };
  auto [county_events, county_streams] = seen_by({"510114"}, "county");
  EXPECT_THAT(county_events, ::testing::ElementsAre("510114", "510114", "510114"));
  EXPECT_THAT(county_streams, ::testing::ElementsAre(Stream("510114")));
  auto [city_events, city_streams] = seen_by({"5101"}, "city");
  EXPECT_THAT(city_events,
              ::testing::ElementsAre("510107", "510107", "510114", "510114", "510114"));
  EXPECT_THAT(city_streams, ::testing::ElementsAre(Stream("510107"), Stream("510114")));
  auto [no_events, no_streams] = seen_by({""}, "nobody");
  EXPECT_TRUE(no_events.empty()) << "an empty prefix is no region";
  EXPECT_TRUE(no_streams.empty());
}

TEST_P(EventsTest, ARegionWhoseFirstEventComesLaterIsPickedUp) {
  auto redis = kaoping::testing::SharedRedis();
  ASSERT_TRUE(redis.ok());
  StreamConsumerOptions options = ConsumerOptions("A");
  options.region_prefixes = {"5101"};
  auto consumer = ApplyingConsumer(options);
  ASSERT_TRUE(consumer->PollOnce().ok());
  EXPECT_TRUE(consumer->streams().empty());
  ASSERT_TRUE(Produce(0, 4, "510107").ok());
  ASSERT_TRUE(Produce(0, 2, "510214").ok());
  ASSERT_TRUE(Relay((*redis)->url())->RelayOnce().ok());
  for (int i = 0; i < 5 && AppliedCounts().first < 4; ++i) {
    ASSERT_TRUE(consumer->PollOnce().ok());
  }
  EXPECT_EQ(AppliedCounts(), std::make_pair(int64_t{4}, int64_t{1}))
      << "the new county's events, from its first, and none of the other city's";
  EXPECT_THAT(consumer->streams(), ::testing::ElementsAre(Stream("510107")));
}

TEST_P(EventsTest, TheOutboxRefusesAPayloadWithAMarkedField) {
  // AuditRecord.principal is a SEALED_IDENTITY: never an event's content.
  v1::AuditRecord marked;
  marked.set_principal("rater-7");
  absl::Status st =
      db::RunInTransaction(*producer_, db::Access::kReadWrite, [&](db::Transaction& tx) {
        return outbox_.Enqueue(tx, "510114", "r", "a", marked).status();
      });
  EXPECT_EQ(st.code(), absl::StatusCode::kInternal) << st;
  EXPECT_THAT(st.message(), HasSubstr("AuditRecord.principal is SEALED_IDENTITY"));
  EXPECT_EQ(Pending(), 0);
}

INSTANTIATE_TEST_SUITE_P(BothStores, EventsTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) {
                           return kaoping::testing::StoreKindName(info.param);
                         });

}  // namespace
}  // namespace kaoping
