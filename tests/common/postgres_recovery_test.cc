// PostgreSQL going away and coming back, on a cluster of the test's own:
// after a restart the pool drops its dead connections and the first call
// succeeds; a server that hangs answers nothing, and calls give up instead
// of waiting forever, both on open connections and on new ones.
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/db/database.h"
#include "services/common/status_macros.h"
#include "tests/support/postgres_server.h"

namespace kaoping {
namespace {

class PostgresRecoveryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = testing::PostgresServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  std::unique_ptr<db::Database> Open(db::DatabaseOptions options) {
    auto url = server_->CreateDatabase();
    EXPECT_TRUE(url.ok()) << url.status();
    auto db = db::OpenDatabase(*url, options);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }

  // Holds `n` transactions open at once, so that the pool ends with n idle connections.
  static void FillPool(db::Database& db, int n) {
    std::vector<std::unique_ptr<db::Transaction>> open;
    for (int i = 0; i < n; ++i) {
      auto tx = db.Begin(db::Access::kReadOnly);
      ASSERT_TRUE(tx.ok()) << tx.status();
      ASSERT_TRUE((*tx)->Query("SELECT 1").ok());
      open.push_back(std::move(*tx));
    }
  }

  static testing::PostgresServer* server_;
};

testing::PostgresServer* PostgresRecoveryTest::server_ = nullptr;

TEST_F(PostgresRecoveryTest, TheFirstCallAfterARestartSucceeds) {
  db::DatabaseOptions options;
  options.max_connections = 8;
  auto db = Open(options);
  ASSERT_NE(db, nullptr);
  FillPool(*db, 8);
  ASSERT_TRUE(server_->Restart().ok());
  // Not through RunInTransaction's retries: the very first Begin works.
  auto tx = db->Begin(db::Access::kReadWrite);
  ASSERT_TRUE(tx.ok()) << tx.status();
  EXPECT_TRUE((*tx)->Query("SELECT 1").ok());
  EXPECT_TRUE((*tx)->Commit().ok());
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(db::RunInTransaction(*db, db::Access::kReadOnly, [](db::Transaction& t) {
                  return t.Query("SELECT 1").status();
                }).ok());
  }
}

TEST_F(PostgresRecoveryTest, AHungServerCannotHoldACallForever) {
  db::DatabaseOptions options;
  options.max_connections = 2;
  options.connect_timeout = absl::Seconds(2);
  options.statement_timeout = absl::Seconds(1);
  auto db = Open(options);
  ASSERT_NE(db, nullptr);
  FillPool(*db, 2);
  ASSERT_TRUE(server_->Freeze().ok());
  // An open connection: no answer within statement_timeout and a margin.
  absl::Status on_open = db::RunInTransaction(
      *db, db::Access::kReadOnly, [](db::Transaction& t) { return t.Query("SELECT 1").status(); });
  EXPECT_EQ(on_open.code(), absl::StatusCode::kUnavailable) << on_open;
  // A new connection: connect_timeout.
  db::DatabaseOptions fresh = options;
  auto url =
      absl::StrCat(server_->admin_url().substr(0, server_->admin_url().rfind('/') + 1), "postgres");
  auto opened = db::OpenDatabase(url, fresh);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnavailable) << opened.status();
  ASSERT_TRUE(server_->Thaw().ok());
  EXPECT_TRUE(db::RunInTransaction(*db, db::Access::kReadOnly, [](db::Transaction& t) {
                return t.Query("SELECT 1").status();
              }).ok());
}

}  // namespace
}  // namespace kaoping
