// The SQL layer on both drivers: the same tests, SQLite and PostgreSQL.
#include <atomic>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/db/database.h"
#include "services/common/db/migrations.h"
#include "services/common/status_macros.h"
#include "tests/support/shared_servers.h"

namespace kaoping::db {
namespace {

using ::kaoping::testing::StoreKind;
using ::testing::HasSubstr;

class DatabaseTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    auto url = kaoping::testing::FreshDatabaseUrl(GetParam());
    ASSERT_TRUE(url.ok()) << url.status();
    auto db = OpenDatabase(*url);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(RunInTransaction(*db_, Access::kReadWrite, [](Transaction& tx) {
                  return tx.ExecuteScript(
                      "CREATE TABLE things (region_code TEXT NOT NULL, id TEXT NOT NULL,"
                      " n BIGINT, x DOUBLE PRECISION, label TEXT,"
                      " PRIMARY KEY (region_code, id));"
                      "CREATE TABLE counter (k TEXT PRIMARY KEY, v BIGINT NOT NULL);");
                }).ok());
  }

  int64_t CountThings() {
    absl::StatusOr<int64_t> count =
        RunInTransaction(*db_, Access::kReadOnly, [](Transaction& tx) -> absl::StatusOr<int64_t> {
          ASSIGN_OR_RETURN(Row row, tx.QueryOne("SELECT COUNT(*) FROM things"));
          return row[0].AsInt();
        });
    EXPECT_TRUE(count.ok()) << count.status();
    return count.value_or(-1);
  }

  std::unique_ptr<Database> db_;
};

TEST_P(DatabaseTest, RoundTripsEveryValueType) {
  // Blobs need the BLOB type, which migrations define on PostgreSQL: apply one.
  const EmbeddedFile files[] = {
      {"0001_blobs.sql", "CREATE TABLE blobs (id TEXT PRIMARY KEY, b BLOB);"}};
  ASSERT_TRUE(ApplyMigrations(*db_, "test", files).ok());
  const std::string bytes("\x00\x01\xff zero\0byte", 14);
  ASSERT_TRUE(RunInTransaction(*db_, Access::kReadWrite, [&](Transaction& tx) {
                RETURN_IF_ERROR(tx.Execute("INSERT INTO things VALUES ($1, $2, $3, $4, $5)",
                                           {"510114", "a", int64_t{-9007199254740993}, 0.1,
                                            "政治忠诚 'quoted' \"x\""})
                                    .status());
                RETURN_IF_ERROR(tx.Execute("INSERT INTO things VALUES ($1, $2, $3, $4, $5)",
                                           {"510114", "b", Value(), Value(), Value()})
                                    .status());
                return tx.Execute("INSERT INTO blobs VALUES ($1, $2)", {"k", Blob{bytes}}).status();
              }).ok());
  ASSERT_TRUE(RunInTransaction(*db_, Access::kReadOnly, [&](Transaction& tx) {
                ASSIGN_OR_RETURN(Rows rows,
                                 tx.Query("SELECT id, n, x, label FROM things ORDER BY id"));
                EXPECT_EQ(rows.size(), 2u);
                EXPECT_EQ(rows[0][1].AsInt(), -9007199254740993);
                EXPECT_DOUBLE_EQ(rows[0][2].AsDouble(), 0.1);
                EXPECT_EQ(rows[0][3].AsText(), "政治忠诚 'quoted' \"x\"");
                EXPECT_TRUE(rows[1][1].is_null());
                EXPECT_TRUE(rows[1][3].is_null());
                ASSIGN_OR_RETURN(Row blob, tx.QueryOne("SELECT b FROM blobs WHERE id = $1", {"k"}));
                EXPECT_TRUE(blob[0].is_blob());
                EXPECT_EQ(blob[0].AsBlob(), bytes);
                return absl::OkStatus();
              }).ok());
}

TEST_P(DatabaseTest, ParametersBindByNumberNotPosition) {
  ASSERT_TRUE(RunInTransaction(*db_, Access::kReadWrite, [&](Transaction& tx) {
                return tx
                    .Execute("INSERT INTO things (label, id, region_code) VALUES ($3, $2, $1)",
                             {"510114", "a", "third"})
                    .status();
              }).ok());
  ASSERT_TRUE(RunInTransaction(*db_, Access::kReadOnly, [&](Transaction& tx) {
                ASSIGN_OR_RETURN(Row row, tx.QueryOne("SELECT label FROM things WHERE id = $1"
                                                      " AND region_code = $2 AND $1 = id",
                                                      {"a", "510114"}));
                EXPECT_EQ(row[0].AsText(), "third");
                return absl::OkStatus();
              }).ok());
}

TEST_P(DatabaseTest, InjectionAttemptIsJustData) {
  const std::string evil = "x'); DROP TABLE things; --";
  ASSERT_TRUE(RunInTransaction(*db_, Access::kReadWrite, [&](Transaction& tx) {
                return tx
                    .Execute("INSERT INTO things (region_code, id, label) VALUES ($1, $2, $3)",
                             {"510114", evil, evil})
                    .status();
              }).ok());
  EXPECT_EQ(CountThings(), 1);
}

TEST_P(DatabaseTest, DuplicateKeyIsAlreadyExistsAndRollsBackTheWholeTransaction) {
  absl::Status st = RunInTransaction(*db_, Access::kReadWrite, [&](Transaction& tx) {
    RETURN_IF_ERROR(
        tx.Execute("INSERT INTO things (region_code, id) VALUES ('510114', 'a')").status());
    return tx.Execute("INSERT INTO things (region_code, id) VALUES ('510114', 'a')").status();
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kAlreadyExists) << st;
  EXPECT_EQ(CountThings(), 0);
}

TEST_P(DatabaseTest, BodyErrorRollsBackAndIsReturnedAsIs) {
  absl::Status st = RunInTransaction(*db_, Access::kReadWrite, [&](Transaction& tx) {
    RETURN_IF_ERROR(
        tx.Execute("INSERT INTO things (region_code, id) VALUES ('510114', 'a')").status());
    return absl::FailedPreconditionError("campaign is CLOSED");
  });
  EXPECT_EQ(st, absl::FailedPreconditionError("campaign is CLOSED"));
  EXPECT_EQ(CountThings(), 0);
}

TEST_P(DatabaseTest, DestroyingAnUncommittedTransactionRollsBack) {
  {
    auto tx = db_->Begin(Access::kReadWrite);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)->Execute("INSERT INTO things (region_code, id) VALUES ('510114', 'a')").ok());
  }
  EXPECT_EQ(CountThings(), 0);
}

TEST_P(DatabaseTest, ReadOnlyTransactionRefusesWrites) {
  absl::Status st = RunInTransaction(*db_, Access::kReadOnly, [&](Transaction& tx) {
    return tx.Execute("INSERT INTO things (region_code, id) VALUES ('510114', 'a')").status();
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(CountThings(), 0);
}

TEST_P(DatabaseTest, ReturningAndOnConflictWorkAlike) {
  ASSERT_TRUE(RunInTransaction(*db_, Access::kReadWrite, [&](Transaction& tx) {
                ASSIGN_OR_RETURN(int64_t inserted,
                                 tx.Execute("INSERT INTO counter (k, v) VALUES ('c', 1)"
                                            " ON CONFLICT (k) DO NOTHING"));
                EXPECT_EQ(inserted, 1);
                ASSIGN_OR_RETURN(inserted, tx.Execute("INSERT INTO counter (k, v) VALUES ('c', 1)"
                                                      " ON CONFLICT (k) DO NOTHING"));
                EXPECT_EQ(inserted, 0);
                ASSIGN_OR_RETURN(Row row, tx.QueryOne("UPDATE counter SET v = v + 41 WHERE k = 'c'"
                                                      " RETURNING v"));
                EXPECT_EQ(row[0].AsInt(), 42);
                return absl::OkStatus();
              }).ok());
}

TEST_P(DatabaseTest, QueryOneOnNoRowIsNotFound) {
  ASSERT_TRUE(RunInTransaction(*db_, Access::kReadOnly, [&](Transaction& tx) {
                auto row = tx.QueryOne("SELECT id FROM things WHERE id = $1", {"none"});
                EXPECT_EQ(row.status().code(), absl::StatusCode::kNotFound);
                return absl::OkStatus();
              }).ok());
}

TEST_P(DatabaseTest, ConcurrentWritersLoseNoUpdate) {
  ASSERT_TRUE(RunInTransaction(*db_, Access::kReadWrite, [](Transaction& tx) {
                return tx.Execute("INSERT INTO counter (k, v) VALUES ('c', 0)").status();
              }).ok());
  constexpr int kThreads = 6;
  constexpr int kIncrements = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        // Read-modify-write: a lost update would show in the total.
        absl::Status st = RunInTransaction(*db_, Access::kReadWrite, [](Transaction& tx) {
          ASSIGN_OR_RETURN(Row row, tx.QueryOne("SELECT v FROM counter WHERE k = 'c'"));
          ASSIGN_OR_RETURN(int64_t changed,
                           tx.Execute("UPDATE counter SET v = $1 WHERE k = 'c' AND v = $2",
                                      {row[0].AsInt() + 1, row[0].AsInt()}));
          if (changed != 1) {
            return RetryableError(absl::StatusCode::kAborted, "lost the race");
          }
          return absl::OkStatus();
        });
        if (!st.ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  absl::StatusOr<int64_t> read =
      RunInTransaction(*db_, Access::kReadOnly, [](Transaction& tx) -> absl::StatusOr<int64_t> {
        ASSIGN_OR_RETURN(Row row, tx.QueryOne("SELECT v FROM counter WHERE k = 'c'"));
        return row[0].AsInt();
      });
  ASSERT_TRUE(read.ok()) << read.status();
  const int64_t v = *read;
  EXPECT_EQ(v + failures.load(), kThreads * kIncrements) << "no update was lost";
  // Conflicts are retried: only a few transactions may give up.
  EXPECT_LT(failures.load(), kThreads * kIncrements / 10);
}

TEST_P(DatabaseTest, AStatementPastItsTimeoutIsStoppedButAMigrationIsNot) {
  auto url = kaoping::testing::FreshDatabaseUrl(GetParam());
  ASSERT_TRUE(url.ok());
  DatabaseOptions options;
  options.statement_timeout = absl::Milliseconds(200);
  auto db = OpenDatabase(*url, options);
  ASSERT_TRUE(db.ok()) << db.status();
  absl::Status st = RunInTransaction(**db, Access::kReadOnly, [](Transaction& tx) {
    return tx
        .Query(
            "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000000)"
            " SELECT COUNT(*) FROM c")
        .status();
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kDeadlineExceeded) << st;
  // The connection is fine afterwards.
  EXPECT_TRUE(RunInTransaction(**db, Access::kReadOnly, [](Transaction& tx) {
                return tx.Query("SELECT 1").status();
              }).ok());
  // A script (a migration) may take longer: an index on a large table.
  EXPECT_TRUE(RunInTransaction(**db, Access::kReadWrite, [](Transaction& tx) {
                return tx.ExecuteScript(
                    "CREATE TABLE big AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL"
                    " SELECT n + 1 FROM c WHERE n < 2000000) SELECT n FROM c;"
                    " CREATE INDEX big_n ON big (n);");
              }).ok());
}

TEST_P(DatabaseTest, MigrationsApplyOnceAndRefuseAnEditedHistory) {
  const EmbeddedFile v1[] = {{"0001_init.sql", "CREATE TABLE m (id TEXT PRIMARY KEY);"},
                             {"0002_more.sql", "ALTER TABLE m ADD COLUMN note TEXT;"}};
  ASSERT_TRUE(ApplyMigrations(*db_, "demo", v1).ok());
  ASSERT_TRUE(ApplyMigrations(*db_, "demo", v1).ok()) << "second start applies nothing";
  const EmbeddedFile edited[] = {{"0001_init.sql", "CREATE TABLE m (id TEXT PRIMARY KEY, x TEXT);"},
                                 {"0002_more.sql", "ALTER TABLE m ADD COLUMN note TEXT;"}};
  absl::Status st = ApplyMigrations(*db_, "demo", edited);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.message(), HasSubstr("0001_init.sql"));
  const EmbeddedFile bad_name[] = {{"init.sql", "SELECT 1;"}};
  EXPECT_FALSE(ApplyMigrations(*db_, "other", bad_name).ok());
}

TEST_P(DatabaseTest, FailingMigrationLeavesNoTrace) {
  const EmbeddedFile files[] = {
      {"0001_ok.sql", "CREATE TABLE ok1 (id TEXT PRIMARY KEY);"},
      {"0002_broken.sql", "CREATE TABLE half (id TEXT PRIMARY KEY); CREATE TABLE oops (;"}};
  absl::Status st = ApplyMigrations(*db_, "broken", files);
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("0002_broken.sql"));
  ASSERT_TRUE(RunInTransaction(*db_, Access::kReadOnly, [&](Transaction& tx) {
                EXPECT_TRUE(tx.Query("SELECT id FROM ok1").ok());
                ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT version FROM schema_migrations"
                                                     " WHERE component = 'broken'"));
                EXPECT_EQ(rows.size(), 1u) << "only 0001 is recorded";
                return absl::OkStatus();
              }).ok());
  absl::Status half = RunInTransaction(*db_, Access::kReadOnly, [&](Transaction& tx) {
    return tx.Query("SELECT id FROM half").status();
  });
  EXPECT_FALSE(half.ok()) << "0002 was rolled back as a whole";
}

TEST(OpenDatabaseTest, RejectsUnknownUrlsAndReportsUnreachableServers) {
  EXPECT_EQ(OpenDatabase("mysql://x").status().code(), absl::StatusCode::kInvalidArgument);
  auto unreachable = OpenDatabase("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2");
  EXPECT_EQ(unreachable.status().code(), absl::StatusCode::kUnavailable);
  auto no_dir = OpenDatabase("sqlite:/nonexistent-dir/x/y.db");
  EXPECT_FALSE(no_dir.ok());
  DatabaseOptions must_exist;
  must_exist.create_if_missing = false;
  EXPECT_FALSE(OpenDatabase("sqlite:" + ::testing::TempDir() + "/absent.db", must_exist).ok());
}

TEST(OpenDatabaseTest, PasswordsNeverAppearInMessages) {
  for (const char* url : {"postgresql://kaoping:s3cr3t@127.0.0.1:1/x?connect_timeout=2",
                          "postgresql://kaoping@127.0.0.1:1/x?password=s3cr3t&connect_timeout=2"}) {
    auto db = OpenDatabase(url);
    ASSERT_FALSE(db.ok());
    EXPECT_THAT(db.status().message(), ::testing::Not(HasSubstr("s3cr3t"))) << url;
    EXPECT_THAT(db.status().message(), HasSubstr("***")) << url;
  }
}

INSTANTIATE_TEST_SUITE_P(BothStores, DatabaseTest,
                         ::testing::Values(kaoping::testing::StoreKind::kSqlite,
                                           kaoping::testing::StoreKind::kPostgres),
                         [](const auto& info) {
                           return kaoping::testing::StoreKindName(info.param);
                         });

}  // namespace
}  // namespace kaoping::db
