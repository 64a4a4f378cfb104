// The hash-chained audit log detects an edited, a deleted and a truncated
// entry, a rewritten head and a chain deleted whole — with the key alone
// where its seals suffice, and with an exported checkpoint where they cannot
// (an unkeyed log, everything deleted) — on both stores, streams chains
// longer than a page, and keeps gapless chains under concurrency.
#include <algorithm>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/audit/audit_checkpoint.h"
#include "services/common/audit/audit_log.h"
#include "services/common/common_migrations.h"
#include "services/common/db/migrations.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "tests/common/common_store.h"
#include "tests/support/shared_servers.h"

namespace kaoping {
namespace {

using ::kaoping::testing::StoreKind;
using ::testing::HasSubstr;

class AuditLogTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    auto db = kaoping::testing::FreshCommonStore(GetParam());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
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

  AuditVerification Verify(absl::string_view key = "",
                           const AuditCheckpoint* checkpoint = nullptr) {
    auto v = VerifyAuditLog(*db_, key, checkpoint);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : AuditVerification();
  }

  // Appends n entries to a region's chain under `log`, in one transaction.
  void AppendWith(const AuditLog& log, const std::string& region, int n) {
    ASSERT_TRUE(db::RunInTransaction(*db_, db::Access::kReadWrite, [&](db::Transaction& tx) {
                  for (int i = 0; i < n; ++i) {
                    RETURN_IF_ERROR(log.Append(
                        tx, AuditRecord{region, "admin", "m", absl::StrCat("r", i), "OK", ""}));
                  }
                  return absl::OkStatus();
                }).ok());
  }

  AuditCheckpoint Checkpoint(absl::string_view key) {
    std::vector<std::string> left_out;
    auto checkpoint = TakeAuditCheckpoint(*db_, key, clock_.Now(), &left_out);
    EXPECT_TRUE(checkpoint.ok()) << checkpoint.status();
    EXPECT_THAT(left_out, ::testing::IsEmpty());
    return checkpoint.ok() ? *checkpoint : AuditCheckpoint();
  }

  // What an intruder who can write the database does to hide the last
  // entries: delete them and point the head at the new last one, recomputing
  // its seal with the key they have ("" when they have none).
  void Truncate(const std::string& region, int64_t keep, absl::string_view intruder_key) {
    auto kept = ReadAuditLog(*db_, region, keep + 1, 1);
    ASSERT_TRUE(kept.ok());
    const AuditEntry& last = kept->at(0);
    Exec(absl::StrCat("DELETE FROM audit_log WHERE region_code = '", region, "' AND seq > ", keep));
    Exec(absl::StrCat("UPDATE audit_head SET seq = ", keep, ", hash = '", last.hash, "', seal = '",
                      AuditHeadSeal(intruder_key, region, keep, last.hash),
                      "' WHERE region_code = '", region, "'"));
  }

  // Deletes a region's whole chain and reseals the region set with the key
  // the intruder has.
  void DeleteChain(const std::string& region, absl::string_view intruder_key) {
    Exec(absl::StrCat("DELETE FROM audit_log WHERE region_code = '", region, "'"));
    Exec(absl::StrCat("DELETE FROM audit_head WHERE region_code = '", region, "'"));
    AuditRegionSetSeal seal;
    ASSERT_TRUE(db::RunInTransaction(*db_, db::Access::kReadOnly, [&](db::Transaction& tx) {
                  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT region_code FROM audit_head"
                                                           " ORDER BY region_code"));
                  for (const auto& row : rows) {
                    seal.Add(row[0].AsText());
                  }
                  return absl::OkStatus();
                }).ok());
    Exec(absl::StrCat("UPDATE audit_region_set SET regions = ", seal.count(), ", seal = '",
                      seal.Seal(intruder_key), "'"));
  }

  static constexpr char kKey[] = "audit-key-kept-outside-the-database";
  FakeClock clock_{absl::FromUnixSeconds(1795000000)};
  AuditLog log_{&clock_};
  AuditLog keyed_{&clock_, kKey};
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
  // An intruder edits entry 2 and recomputes every later link, the head and
  // the seals, but cannot know the key: with plain SHA-256, or with a guessed key.
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
    Exec(absl::StrCat("UPDATE audit_head SET hash = '", prev, "', seal = '",
                      AuditHeadSeal(guess, "510114", 4, prev), "' WHERE region_code = '510114'"));
    AuditRegionSetSeal regions;
    regions.Add("510114");
    Exec(absl::StrCat("UPDATE audit_region_set SET seal = '", regions.Seal(guess), "'"));
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

TEST_P(AuditLogTest, TruncationWithARewrittenHeadIsFoundByTheHeadsSeal) {
  AppendWith(keyed_, "510114", 5);
  // Without the key the intruder cannot seal the rewritten head.
  Truncate("510114", 3, "guessed-key");
  AuditVerification v = Verify(kKey);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problems[0], HasSubstr("region 510114: the chain head (entry 3) does not match"));
  EXPECT_THAT(v.problems[0], HasSubstr("deleted at the end"));
}

TEST_P(AuditLogTest, ATamperedHeadIsNeverExtended) {
  AppendWith(keyed_, "510114", 5);
  Truncate("510114", 3, "guessed-key");
  // The next write would seal the truncation in: it is refused instead.
  absl::Status st = keyed_.AppendStandalone(*db_, AuditRecord{"510114", "a", "m", "r", "OK", ""});
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss) << st;
  EXPECT_THAT(st.message(), HasSubstr("does not match its seal"));
  EXPECT_FALSE(Verify(kKey).ok());
  // Other regions go on.
  EXPECT_TRUE(keyed_.AppendStandalone(*db_, AuditRecord{"510107", "a", "m", "r", "OK", ""}).ok());
}

TEST_P(AuditLogTest, TruncationOfAnUnkeyedLogIsFoundOnlyAgainstACheckpoint) {
  AppendWith(log_, "510114", 5);
  const AuditCheckpoint checkpoint = Checkpoint("");
  // Without a key every seal can be recomputed: the database alone looks intact.
  Truncate("510114", 3, "");
  EXPECT_TRUE(Verify("").ok());
  AuditVerification v = Verify("", &checkpoint);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problems[0], HasSubstr("the chain ends at entry 3 but the checkpoint recorded "
                                       "entry 5 (entries deleted at the end)"));
}

TEST_P(AuditLogTest, ACheckpointOnlyRecordsAndChecksWhatWasThen) {
  AppendWith(keyed_, "510114", 5);
  const AuditCheckpoint checkpoint = Checkpoint(kKey);
  // Chains go on growing after a checkpoint, and new regions appear.
  AppendWith(keyed_, "510114", 3);
  AppendWith(keyed_, "510107", 2);
  AuditVerification v = Verify(kKey, &checkpoint);
  EXPECT_TRUE(v.ok()) << v.problems.front();
  EXPECT_EQ(v.entries, 10);
  // Truncated to just after the checkpoint, with the head sealed by someone
  // who has the key: the seal holds, and so does the checkpoint.
  Truncate("510114", 6, kKey);
  EXPECT_TRUE(Verify(kKey, &checkpoint).ok());
  // Truncated to before it: found.
  Truncate("510114", 4, kKey);
  AuditVerification cut = Verify(kKey, &checkpoint);
  ASSERT_FALSE(cut.ok());
  EXPECT_THAT(cut.problems[0], HasSubstr("checkpoint recorded entry 5"));
}

TEST_P(AuditLogTest, AChainDeletedWholeIsFoundByTheRegionSetsSeal) {
  AppendWith(keyed_, "510114", 3);
  AppendWith(keyed_, "510107", 2);
  DeleteChain("510107", "guessed-key");
  AuditVerification v = Verify(kKey);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problems[0], HasSubstr("the set of regions with an audit chain does not match"));
  // And a new region cannot be added over it.
  EXPECT_EQ(keyed_.AppendStandalone(*db_, AuditRecord{"510115", "a", "m", "r", "OK", ""}).code(),
            absl::StatusCode::kDataLoss);
}

TEST_P(AuditLogTest, AChainDeletedWholeIsNamedByACheckpoint) {
  AppendWith(log_, "510114", 3);
  AppendWith(log_, "510107", 2);
  const AuditCheckpoint checkpoint = Checkpoint("");
  // Unkeyed: the intruder reseals the region set, and the database alone
  // shows nothing.
  DeleteChain("510107", "");
  EXPECT_TRUE(Verify("").ok());
  AuditVerification v = Verify("", &checkpoint);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problems[0], HasSubstr("region 510107: the whole chain is gone"));
  EXPECT_THAT(v.problems[0], HasSubstr("recorded entry 2"));
}

TEST_P(AuditLogTest, EverythingDeletedIsFoundOnlyAgainstACheckpoint) {
  AppendWith(keyed_, "510114", 3);
  const AuditCheckpoint checkpoint = Checkpoint(kKey);
  Exec("DELETE FROM audit_log");
  Exec("DELETE FROM audit_head");
  Exec("UPDATE audit_region_set SET regions = 0, seal = ''");
  EXPECT_TRUE(Verify(kKey).ok()) << "an empty log looks like a new one";
  AuditVerification v = Verify(kKey, &checkpoint);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problems[0], HasSubstr("region 510114: the whole chain is gone"));
}

TEST_P(AuditLogTest, ACheckpointRoundTripsAndIsRefusedIfEditedOrUnderAnotherKey) {
  AppendWith(keyed_, "510114", 3);
  AppendWith(keyed_, "510107", 2);
  const AuditCheckpoint checkpoint = Checkpoint(kKey);
  const std::string json = AuditCheckpointJson(checkpoint);
  auto parsed = ParseAuditCheckpoint(json, kKey);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->time, checkpoint.time);
  ASSERT_EQ(parsed->heads.size(), 2u);
  EXPECT_EQ(parsed->heads[1].region_code, "510114");
  EXPECT_EQ(parsed->heads[1].seq, 3);
  // As a service logs it: one JSON line among others.
  const std::string log = absl::StrCat(
      "{\"msg\":\"serving\"}\nnot json\n{\"msg\":\"audit checkpoint\",\"checkpoint\":", json,
      "}\n");
  EXPECT_TRUE(ParseAuditCheckpoint(log, kKey).ok());
  EXPECT_EQ(ParseAuditCheckpoint(json, "another-key").status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string edited = json;
  edited.replace(edited.find("\"seq\":3"), 7, "\"seq\":2");
  EXPECT_THAT(ParseAuditCheckpoint(edited, kKey).status().message(),
              HasSubstr("MAC does not match"));
  EXPECT_FALSE(ParseAuditCheckpoint("{\"msg\":\"serving\"}", kKey).ok());
}

TEST_P(AuditLogTest, ACheckpointLeavesOutAndNamesAHeadThatDoesNotMatchItsSeal) {
  AppendWith(keyed_, "510114", 3);
  AppendWith(keyed_, "510107", 2);
  Truncate("510107", 1, "guessed-key");
  std::vector<std::string> left_out;
  auto checkpoint = TakeAuditCheckpoint(*db_, kKey, clock_.Now(), &left_out);
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_THAT(left_out, ::testing::ElementsAre("510107"));
  ASSERT_EQ(checkpoint->heads.size(), 1u);
  EXPECT_EQ(checkpoint->heads[0].region_code, "510114");
}

TEST_P(AuditLogTest, VerificationPagesThroughChainsLongerThanAPage) {
  AppendWith(keyed_, "510114", 1200);
  AuditVerification v = Verify(kKey);
  EXPECT_TRUE(v.ok()) << v.problems.front();
  EXPECT_EQ(v.entries, 1200);
  Exec("UPDATE audit_log SET detail = 'x' WHERE region_code = '510114' AND seq = 1100");
  AuditVerification edited = Verify(kKey);
  ASSERT_EQ(edited.problems.size(), 1u);
  EXPECT_THAT(edited.problems[0], HasSubstr("entry 1100: content does not match"));
}

TEST_P(AuditLogTest, ChainsWrittenBeforeHeadsWereSealedAreSealedOnceIfTheyVerify) {
  AppendWith(keyed_, "510114", 3);
  AppendWith(keyed_, "510107", 2);
  // As the tables were before migration 3, with 510107 damaged meanwhile.
  Exec("UPDATE audit_head SET seal = ''");
  Exec("UPDATE audit_region_set SET regions = 0, seal = ''");
  Exec("UPDATE audit_log SET principal = 'x' WHERE region_code = '510107' AND seq = 1");
  ASSERT_TRUE(SealLegacyAuditChains(*db_, kKey).ok());
  AuditVerification v = Verify(kKey);
  // 510114 verified and is sealed; 510107 did not and is not (nor the set).
  EXPECT_THAT(v.problems, ::testing::Contains(HasSubstr("510107: the chain head is not sealed")));
  EXPECT_THAT(v.problems, ::testing::Not(::testing::Contains(HasSubstr("510114"))));
  EXPECT_TRUE(keyed_.AppendStandalone(*db_, AuditRecord{"510114", "a", "m", "r", "OK", ""}).ok());
}

TEST_P(AuditLogTest, DeletedChainHeadIsDetected) {
  Append("510114", 2);
  Exec("DELETE FROM audit_head WHERE region_code = '510114'");
  AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problems,
              ::testing::ElementsAre(HasSubstr("the set of regions"), HasSubstr("head is gone")));
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
