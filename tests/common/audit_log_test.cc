// The hash-chained audit log detects an edited, a deleted and a truncated
// entry, on both stores, and keeps gapless chains under concurrency.
#include <algorithm>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/audit/audit_log.h"
#include "services/common/common_migrations.h"
#include "services/common/db/migrations.h"
#include "services/common/status_macros.h"
#include "tests/support/shared_servers.h"

namespace kaoping {
namespace {

using ::kaoping::testing::StoreKind;
using ::testing::HasSubstr;

class AuditLogTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    auto url = kaoping::testing::FreshDatabaseUrl(GetParam());
    ASSERT_TRUE(url.ok()) << url.status();
    auto db = db::OpenDatabase(*url);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(db::ApplyMigrations(*db_, "common", CommonMigrations()).ok());
  }

  void Append(const std::string& region, int n) {
    for (int i = 0; i < n; ++i) {
      AuditRecord r{region,
                    "admin-" + std::to_string(i),
                    "kaoping.v1.IndicatorService/Publish",
                    "regions/" + region + "/indicatorSets/s" + std::to_string(i),
                    "OK",
                    ""};
      ASSERT_TRUE(log_.AppendStandalone(*db_, r).ok());
    }
  }

  void Exec(const std::string& sql) {
    ASSERT_TRUE(db::RunInTransaction(*db_, db::Access::kReadWrite, [&](db::Transaction& tx) {
                  return tx.Execute(sql).status();
                }).ok());
  }

  AuditVerification Verify() {
    auto v = VerifyAuditLog(*db_);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : AuditVerification();
  }

  FakeClock clock_{absl::FromUnixSeconds(1795000000)};
  AuditLog log_{&clock_};
  std::unique_ptr<db::Database> db_;
};

TEST_P(AuditLogTest, IntactChainsVerify) {
  Append("510114", 5);
  Append("510107", 3);
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok()) << v.problems.front();
  EXPECT_EQ(v.regions, 2);
  EXPECT_EQ(v.entries, 8);
}

TEST_P(AuditLogTest, EditedEntryIsDetected) {
  Append("510114", 5);
  Exec("UPDATE audit_log SET principal = 'someone-else' WHERE region_code = '510114' AND seq = 3");
  AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problems[0], HasSubstr("entry 3"));
  EXPECT_THAT(v.problems[0], HasSubstr("edited"));
}

TEST_P(AuditLogTest, EditedEntryWithRecomputedHashBreaksTheNextLink) {
  Append("510114", 5);
  // An intruder who edits an entry and recomputes its hash still breaks the chain.
  auto entries = ReadAuditLog(*db_, "510114", 3, 1);
  ASSERT_TRUE(entries.ok());
  AuditEntry e = entries->at(0);
  ASSERT_EQ(e.seq, 2);
  e.record.outcome = "OK-forged";
  const std::string forged = AuditEntryHash(e);
  Exec("UPDATE audit_log SET outcome = 'OK-forged', hash = '" + forged +
       "' WHERE region_code = '510114' AND seq = 2");
  AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problems[0], HasSubstr("entry 3 does not link"));
}

TEST_P(AuditLogTest, AKeyedChainCannotBeRewrittenWithoutTheKey) {
  AuditLog keyed(&clock_, "audit-key-kept-outside-the-database");
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        keyed.AppendStandalone(*db_, AuditRecord{"510114", "admin", "m", "r", "OK", ""}).ok());
  }
  auto intact = VerifyAuditLog(*db_, "audit-key-kept-outside-the-database");
  ASSERT_TRUE(intact.ok());
  EXPECT_TRUE(intact->ok());
  // An intruder edits entry 2 and recomputes every later link and the head,
  // but cannot know the key: with plain SHA-256, or with a guessed key.
  for (absl::string_view guess : {absl::string_view(""), absl::string_view("guessed-key")}) {
    auto entries = ReadAuditLog(*db_, "510114", 1000, 100);
    ASSERT_TRUE(entries.ok());
    std::reverse(entries->begin(), entries->end());
    std::string prev(64, '0');
    for (AuditEntry& e : *entries) {
      if (e.seq == 2) {
        e.record.principal = "someone-else";
      }
      e.prev_hash = prev;
      e.hash = AuditEntryHash(e, guess);
      prev = e.hash;
      Exec(absl::StrCat("UPDATE audit_log SET principal = '", e.record.principal,
                        "', prev_hash = '", e.prev_hash, "', hash = '", e.hash,
                        "' WHERE region_code = '510114' AND seq = ", e.seq));
    }
    Exec(absl::StrCat("UPDATE audit_head SET hash = '", prev, "' WHERE region_code = '510114'"));
    EXPECT_TRUE(VerifyAuditLog(*db_, guess)->ok()) << "consistent under the intruder's key";
    auto verified = VerifyAuditLog(*db_, "audit-key-kept-outside-the-database");
    ASSERT_TRUE(verified.ok());
    EXPECT_FALSE(verified->ok()) << "detected under the real key";
  }
}

TEST_P(AuditLogTest, DeletedMiddleEntryIsDetected) {
  Append("510114", 5);
  Exec("DELETE FROM audit_log WHERE region_code = '510114' AND seq = 2");
  AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problems[0], HasSubstr("missing"));
}

TEST_P(AuditLogTest, DeletedLastEntryIsDetected) {
  Append("510114", 5);
  Exec("DELETE FROM audit_log WHERE region_code = '510114' AND seq = 5");
  AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problems[0], HasSubstr("at the end"));
}

TEST_P(AuditLogTest, DeletedChainHeadIsDetected) {
  Append("510114", 2);
  Exec("DELETE FROM audit_head WHERE region_code = '510114'");
  AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problems[0], HasSubstr("head is gone"));
}

TEST_P(AuditLogTest, EntryRollsBackWithItsTransaction) {
  absl::Status st = db::RunInTransaction(*db_, db::Access::kReadWrite, [&](db::Transaction& tx) {
    RETURN_IF_ERROR(log_.Append(tx, AuditRecord{"510114", "a", "m", "r", "OK", ""}));
    return absl::AbortedError("the write failed after auditing");
  });
  EXPECT_FALSE(st.ok());
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.entries, 0);
}

TEST_P(AuditLogTest, ConcurrentAppendsKeepOneGaplessChainPerRegion) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 15; ++i) {
        AuditRecord r{
            t % 2 == 0 ? "510114" : "510107", "t" + std::to_string(t), "m", "r", "OK", ""};
        EXPECT_TRUE(log_.AppendStandalone(*db_, r).ok());
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok()) << (v.problems.empty() ? "" : v.problems.front());
  EXPECT_EQ(v.entries, 60);
  auto newest = ReadAuditLog(*db_, "510114", 1000, 1);
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(newest->at(0).seq, 30);
}

INSTANTIATE_TEST_SUITE_P(BothStores, AuditLogTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) {
                           return kaoping::testing::StoreKindName(info.param);
                         });

}  // namespace
}  // namespace kaoping
