// Idempotency records, consumed-event marks and relayed outbox rows expire
// after their retention, batch by batch, on both stores; younger rows stay.
#include "services/common/retention.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/common_migrations.h"
#include "services/common/db/migrations.h"
#include "services/common/status_macros.h"
#include "tests/common/common_store.h"
#include "tests/support/shared_servers.h"

namespace kaoping {
namespace {

using ::kaoping::testing::StoreKind;

class RetentionTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    auto db = kaoping::testing::FreshCommonStore(GetParam());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }

  // n rows in each table, stamped with the clock's now.
  void Rows(const std::string& tag, int n) {
    const int64_t now = absl::ToUnixMicros(clock_.Now());
    ASSERT_TRUE(db::RunInTransaction(*db_, db::Access::kReadWrite, [&](db::Transaction& tx) {
                  for (int i = 0; i < n; ++i) {
                    const std::string id = absl::StrCat(tag, "-", i);
                    RETURN_IF_ERROR(tx.Execute("INSERT INTO idempotency_keys VALUES"
                                               " ('510114', 'p', 'm', $1, 'h', $2, $3)",
                                               {id, db::Blob{"r"}, now})
                                        .status());
                    RETURN_IF_ERROR(tx.Execute("INSERT INTO consumed_events VALUES"
                                               " ('510114', 'c', $1, $2)",
                                               {id, now})
                                        .status());
                    RETURN_IF_ERROR(
                        tx.Execute("INSERT INTO outbox (region_code, seq, event_id,"
                                   " event_type, event, created_micros,"
                                   " published_micros) VALUES ('510114', $1, $2,"
                                   " 't', $3, $4, $5)",
                                   {++seq_, id, db::Blob{"e"}, now,
                                    tag == "unpublished" ? db::Value() : db::Value(now)})
                            .status());
                  }
                  return absl::OkStatus();
                }).ok());
  }

  int64_t Count(const std::string& table) {
    int64_t n = -1;
    EXPECT_TRUE(db::RunInTransaction(*db_, db::Access::kReadOnly, [&](db::Transaction& tx) {
                  ASSIGN_OR_RETURN(db::Row row, tx.QueryOne("SELECT COUNT(*) FROM " + table));
                  n = row[0].AsInt();
                  return absl::OkStatus();
                }).ok());
    return n;
  }

  FakeClock clock_{absl::FromUnixSeconds(1795000000)};
  std::unique_ptr<db::Database> db_;
  int64_t seq_ = 0;
};

TEST_P(RetentionTest, ExpiredRowsGoInBatchesAndYoungerOnesStay) {
  Rows("old", 7);
  Rows("unpublished", 2);  // events never relayed never expire
  clock_.Advance(absl::Hours(24 * 8));
  Rows("new", 3);
  RetentionOptions options;
  options.idempotency = absl::Hours(24 * 7);
  options.consumed_events = absl::Hours(24 * 7);
  options.relayed_events = absl::Hours(24 * 7);
  options.batch_size = 2;  // several batches per table
  auto deleted = PurgeExpired(*db_, clock_, options);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, (7 + 2) + (7 + 2) + 7);
  EXPECT_EQ(Count("idempotency_keys"), 3);
  EXPECT_EQ(Count("consumed_events"), 3);
  EXPECT_EQ(Count("outbox"), 3 + 2);
  EXPECT_EQ(*PurgeExpired(*db_, clock_, options), 0);
}

TEST_P(RetentionTest, EachTableHasItsOwnRetention) {
  Rows("old", 2);
  clock_.Advance(absl::Hours(24 * 10));
  RetentionOptions options;
  options.idempotency = absl::Hours(24 * 7);
  options.consumed_events = absl::Hours(24 * 30);
  options.relayed_events = absl::Hours(24 * 7);
  ASSERT_TRUE(PurgeExpired(*db_, clock_, options).ok());
  EXPECT_EQ(Count("idempotency_keys"), 0);
  EXPECT_EQ(Count("consumed_events"), 2) << "marks outlive any redelivery";
  EXPECT_EQ(Count("outbox"), 0);
}

TEST_P(RetentionTest, ThePurgerRunsInTheBackground) {
  Rows("old", 3);
  clock_.Advance(absl::Hours(24 * 40));
  RetentionOptions options;
  options.interval = absl::Hours(1);
  RetentionPurger purger(db_.get(), &clock_, options);
  purger.Start();
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (Count("consumed_events") != 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  purger.Stop();
  EXPECT_EQ(Count("idempotency_keys"), 0);
  EXPECT_EQ(Count("consumed_events"), 0);
}

INSTANTIATE_TEST_SUITE_P(BothStores, RetentionTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) {
                           return kaoping::testing::StoreKindName(info.param);
                         });

}  // namespace
}  // namespace kaoping
