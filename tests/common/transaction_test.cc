// The transaction API on both stores: results handed out by
// RunInTransaction<T>, after-commit hooks, and LockKey holding an invariant
// across rows against concurrent writers.
#include <atomic>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/common_migrations.h"
#include "services/common/db/database.h"
#include "services/common/db/migrations.h"
#include "services/common/db/row_lock.h"
#include "services/common/events/outbox.h"
#include "services/common/status_macros.h"
#include "tests/support/shared_servers.h"

namespace kaoping::db {
namespace {

using ::kaoping::testing::StoreKind;

class TransactionTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    auto url = kaoping::testing::FreshDatabaseUrl(GetParam());
    ASSERT_TRUE(url.ok()) << url.status();
    DatabaseOptions options;
    options.max_connections = 16;
    auto db = OpenDatabase(*url, options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(ApplyMigrations(*db_, "common", CommonMigrations()).ok());
    ASSERT_TRUE(RunInTransaction(*db_, Access::kReadWrite, [](Transaction& tx) {
                  return tx.ExecuteScript(
                      "CREATE TABLE grades (region_code TEXT NOT NULL, campaign TEXT NOT NULL,"
                      " subject TEXT NOT NULL, PRIMARY KEY (region_code, campaign, subject))");
                }).ok());
  }

  int64_t Count(const std::string& sql) {
    absl::StatusOr<int64_t> n =
        RunInTransaction(*db_, Access::kReadOnly, [&](Transaction& tx) -> absl::StatusOr<int64_t> {
          ASSIGN_OR_RETURN(Row row, tx.QueryOne(sql));
          return row[0].AsInt();
        });
    EXPECT_TRUE(n.ok()) << n.status();
    return n.value_or(-1);
  }

  std::unique_ptr<Database> db_;
};

TEST_P(TransactionTest, TheResultIsTheOneOfTheAttemptThatCommitted) {
  int attempts = 0;
  absl::StatusOr<std::string> result =
      RunInTransaction(*db_, Access::kReadWrite, [&](Transaction&) -> absl::StatusOr<std::string> {
        ++attempts;
        if (attempts < 3) {
          return RetryableError(absl::StatusCode::kAborted, "collided");
        }
        return absl::StrCat("attempt ", attempts);
      });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, "attempt 3");
  EXPECT_EQ(attempts, 3);
}

TEST_P(TransactionTest, ABodysErrorIsReturnedAndNothingCommits) {
  absl::StatusOr<int> result =
      RunInTransaction(*db_, Access::kReadWrite, [](Transaction& tx) -> absl::StatusOr<int> {
        RETURN_IF_ERROR(tx.Execute("INSERT INTO grades VALUES ('510114', 'c', 's')").status());
        return absl::FailedPreconditionError("campaign is CLOSED");
      });
  EXPECT_EQ(result.status(), absl::FailedPreconditionError("campaign is CLOSED"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM grades"), 0);
}

TEST_P(TransactionTest, HooksRunAfterTheCommitOnlyAndOnce) {
  int ran = 0;
  int attempts = 0;
  absl::Status st = RunInTransaction(*db_, Access::kReadWrite, [&](Transaction& tx) {
    tx.AfterCommit([&] { ++ran; });
    if (++attempts == 1) {
      return RetryableError(absl::StatusCode::kAborted, "collided");  // its hook is dropped
    }
    return tx.Execute("INSERT INTO grades VALUES ('510114', 'c', 's')").status();
  });
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(ran, 1);

  st = RunInTransaction(*db_, Access::kReadWrite, [&](Transaction& tx) {
    tx.AfterCommit([&] { ++ran; });
    return absl::InternalError("rolled back");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(ran, 1) << "a rolled-back transaction runs no hook";
}

TEST_P(TransactionTest, HooksRunOnceTheConnectionIsReleased) {
  // A hook may start a write of its own (SQLite's write lock is free by then).
  absl::Status inner = absl::UnknownError("hook did not run");
  ASSERT_TRUE(RunInTransaction(*db_, Access::kReadWrite, [&](Transaction& tx) {
                tx.AfterCommit([&] {
                  inner = RunInTransaction(*db_, Access::kReadWrite, [](Transaction& t) {
                    return t.Execute("INSERT INTO grades VALUES ('510114', 'c', 'hook')").status();
                  });
                });
                return tx.Execute("INSERT INTO grades VALUES ('510114', 'c', 's')").status();
              }).ok());
  EXPECT_TRUE(inner.ok()) << inner;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM grades"), 2);
}

TEST_P(TransactionTest, EnqueuedEventsWakeTheRelayWhenTheirTransactionCommits) {
  FakeClock clock(absl::FromUnixSeconds(1795000000));
  Outbox outbox("test", &clock);
  int woken = 0;
  outbox.SetCommitHook([&] { ++woken; });
  v1::IndicatorSetPublished payload;
  absl::Status st = RunInTransaction(*db_, Access::kReadWrite, [&](Transaction& tx) {
    RETURN_IF_ERROR(outbox.Enqueue(tx, "510114", "r", "a", payload).status());
    EXPECT_EQ(woken, 0) << "not before the commit";
    return absl::OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(woken, 1);
  st = RunInTransaction(*db_, Access::kReadWrite, [&](Transaction& tx) {
    RETURN_IF_ERROR(outbox.Enqueue(tx, "510114", "r", "a", payload).status());
    return absl::AbortedError("the change failed");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(woken, 1) << "no event, no wake-up";
}

// "At most 3 top grades per campaign", checked by 16 writers at once: each
// locks the campaign's key, counts, and inserts only below the quota.
TEST_P(TransactionTest, LockKeyHoldsAnInvariantAcrossConcurrentWriters) {
  constexpr int kWriters = 16;
  constexpr int kQuota = 3;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      absl::Status st = RunInTransaction(*db_, Access::kReadWrite, [&](Transaction& tx) {
        RETURN_IF_ERROR(LockKey(tx, "top-grade-quota", "510114", "2026-annual"));
        ASSIGN_OR_RETURN(Row row, tx.QueryOne("SELECT COUNT(*) FROM grades WHERE region_code ="
                                              " '510114' AND campaign = '2026-annual'"));
        if (row[0].AsInt() >= kQuota) {
          return absl::OkStatus();
        }
        return tx
            .Execute("INSERT INTO grades VALUES ('510114', '2026-annual', $1)",
                     {absl::StrCat("subject-", w)})
            .status();
      });
      if (!st.ok()) {
        ++failures;
        ADD_FAILURE() << st;
      }
    });
  }
  for (auto& t : writers) {
    t.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM grades WHERE campaign = '2026-annual'"), kQuota);
}

TEST_P(TransactionTest, LocksOfOtherKeysDoNotWaitForEachOther) {
  // Two open transactions lock different keys of one scope and the same key
  // of two scopes: none blocks (PostgreSQL would wait forever otherwise).
  auto first = db_->Begin(Access::kReadWrite);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(LockKey(**first, "form", "510114", "rater-1/subject-1").ok());
  ASSERT_TRUE(LockKey(**first, "form", "510114", "rater-1/subject-1").ok()) << "re-entrant";
  ASSERT_TRUE((*first)->Commit().ok());
  if (GetParam() == StoreKind::kSqlite) {
    return;  // one writer at a time: nothing more to show
  }
  auto a = db_->Begin(Access::kReadWrite);
  auto b = db_->Begin(Access::kReadWrite);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(LockKey(**a, "form", "510114", "rater-1/subject-1").ok());
  EXPECT_TRUE(LockKey(**b, "form", "510114", "rater-1/subject-2").ok());
  EXPECT_TRUE(LockKey(**b, "signature", "510114", "rater-1/subject-1").ok());
  EXPECT_TRUE((*a)->Commit().ok());
  EXPECT_TRUE((*b)->Commit().ok());
}

INSTANTIATE_TEST_SUITE_P(BothStores, TransactionTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) {
                           return kaoping::testing::StoreKindName(info.param);
                         });

}  // namespace
}  // namespace kaoping::db
