// A service that owns an event consumer, torn down while the consumer is
// applying events through the service's own store: every background loop
// stops before what it uses (the service, the store, the Redis client) is
// destroyed. Under ASan a wrong order is a use after free.
#include <atomic>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/events/stream_consumer.h"
#include "services/common/server/service_runtime.h"
#include "services/common/status_macros.h"
#include "tests/support/service_harness.h"
#include "tests/support/shared_servers.h"

namespace kaoping {
namespace {

// The store of the service under test: what the consumer's handler writes through.
class CountingStore {
 public:
  explicit CountingStore(db::Database* db) : db_(db) {}

  absl::Status Apply(const v1::Event& event, const Clock& clock) {
    absl::SleepFor(absl::Milliseconds(2));  // slow enough to be mid-event at teardown
    RETURN_IF_ERROR(ApplyOnce(*db_, "teardown", event, clock, [&](db::Transaction& tx) {
      return tx.Execute("INSERT INTO teardown_applied (event_id) VALUES ($1)", {event.id()})
          .status();
    }));
    absl::MutexLock lock(&mutex_);
    applied_.push_back(event.id());
    return absl::OkStatus();
  }

  size_t applied() {
    absl::MutexLock lock(&mutex_);
    return applied_.size();
  }

 private:
  db::Database* db_;
  absl::Mutex mutex_;
  std::vector<std::string> applied_ ABSL_GUARDED_BY(mutex_);
};

// A service that consumes events: the consumer is its last member, so it
// stops before the store its handler uses is destroyed.
class ConsumingService final : public grpc::Service {
 public:
  ConsumingService(ServiceRuntime& runtime, RedisOptions redis, StreamConsumerOptions options)
      : store_(&runtime.db()),
        clock_(&runtime.clock()),
        consumer_(std::move(redis), std::move(options),
                  [this](const v1::Event& e) { return store_.Apply(e, *clock_); }) {
    consumer_.Start();
  }
  CountingStore& store() { return store_; }

 private:
  CountingStore store_;
  const Clock* clock_;
  StreamConsumer consumer_;
};

constexpr EmbeddedFile kMigrations[] = {
    {"0001_applied.sql", "CREATE TABLE teardown_applied (event_id TEXT PRIMARY KEY);"}};

TEST(ServiceTeardownTest, AConsumerRunningAtTeardownStopsBeforeWhatItUses) {
  auto redis = testing::SharedRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  auto url = testing::FreshDatabaseUrl(testing::StoreKind::kSqlite);
  ASSERT_TRUE(url.ok());
  const std::string service = absl::StrCat("teardown-", getpid());
  auto config = Config::FromText("", {{"listen_address", "127.0.0.1:0"},
                                      {"database_url", *url},
                                      {"redis_url", (*redis)->url()},
                                      {"jwt_key", testing::ServiceHarness::kSecret},
                                      {"jwt_issuer", testing::ServiceHarness::kIssuer},
                                      {"audit_key", testing::ServiceHarness::kAuditKey}});
  ASSERT_TRUE(config.ok());
  ConsumingService* consuming = nullptr;
  auto running = RunningService::Start(
      *config, service, kMigrations,
      [&](ServiceRuntime& runtime) -> absl::StatusOr<std::vector<OwnedService>> {
        StreamConsumerOptions options;
        options.stream = EventStreamName(service);
        options.group = "teardown";
        options.consumer = "only";
        options.block = absl::Milliseconds(50);
        auto owned =
            std::make_unique<ConsumingService>(runtime, *ParseRedisUrl((*redis)->url()), options);
        consuming = owned.get();
        std::vector<OwnedService> services;
        services.push_back({"kaoping.test.ConsumingService", std::move(owned)});
        return services;
      });
  ASSERT_TRUE(running.ok()) << running.status();
  ServiceRuntime& runtime = (*running)->runtime();
  // Far more events than can apply before the teardown below.
  ASSERT_TRUE(db::RunInTransaction(runtime.db(), db::Access::kReadWrite, [&](db::Transaction& tx) {
                for (int i = 0; i < 2000; ++i) {
                  v1::IndicatorSetPublished payload;
                  payload.set_revision(i);
                  RETURN_IF_ERROR(
                      runtime.outbox().Enqueue(tx, "510114", "r", "admin", payload).status());
                }
                return absl::OkStatus();
              }).ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (consuming->store().applied() < 20 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  const size_t applied = consuming->store().applied();
  ASSERT_GE(applied, 20u) << "the consumer never got going";
  ASSERT_LT(applied, 2000u) << "the consumer must still be running at teardown";
  running->reset();  // server, then the service (its consumer first), then the runtime
}

}  // namespace
}  // namespace kaoping
