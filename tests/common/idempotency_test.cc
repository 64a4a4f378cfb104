// IdempotentCreate on both stores: a replay returns the first response
// with its secrets redacted and writes nothing; another request under the
// same id is refused; concurrent twins all get the one result.
// RememberedResponse finds the first response before anything is written.
#include <atomic>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/audit/audit_log.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/common_migrations.h"
#include "services/common/db/migrations.h"
#include "services/common/idempotency.h"
#include "services/common/status_macros.h"
#include "tests/support/shared_servers.h"

namespace kaoping {
namespace {

using ::kaoping::testing::StoreKind;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kMethod[] = "kaoping.v1.EvaluationService/CreateInvitation";
constexpr char kSecret[] = "ACCESS-CODE-5f3a9c";

class IdempotencyTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    auto url = kaoping::testing::FreshDatabaseUrl(GetParam());
    ASSERT_TRUE(url.ok()) << url.status();
    db::DatabaseOptions options;
    options.max_connections = 12;
    auto db = db::OpenDatabase(*url, options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(db::ApplyMigrations(*db_, "common", CommonMigrations()).ok());
    ASSERT_TRUE(db::RunInTransaction(*db_, db::Access::kReadWrite, [](db::Transaction& tx) {
                  return tx.ExecuteScript(
                      "CREATE TABLE invitations (region_code TEXT NOT NULL, id TEXT NOT NULL,"
                      " PRIMARY KEY (region_code, id))");
                }).ok());
  }

  static v1::CreateInvitationRequest Request(const std::string& request_id,
                                             const std::string& rater = "public-1") {
    v1::CreateInvitationRequest request;
    request.set_parent("regions/510114/campaigns/2026-annual");
    request.mutable_invitation()->mutable_rater()->set_display_name(rater);
    request.set_request_id(request_id);
    return request;
  }

  // Creates an invitation with a one-time code; counts how often it writes.
  absl::StatusOr<v1::Invitation> Create(const v1::CreateInvitationRequest& request,
                                        AuditScope& audit) {
    return IdempotentCreate(
        *db_, store_, audit, request, request.request_id(),
        [](v1::Invitation& invitation) { invitation.clear_access_code(); },
        [&](db::Transaction& tx) -> absl::StatusOr<v1::Invitation> {
          ++writes_;
          const std::string id = absl::StrCat("i-", request.invitation().rater().display_name());
          RETURN_IF_ERROR(
              tx.Execute("INSERT INTO invitations VALUES ('510114', $1)", {id}).status());
          RETURN_IF_ERROR(audit.Record(tx));
          v1::Invitation invitation;
          invitation.set_name(absl::StrCat(request.parent(), "/invitations/", id));
          invitation.set_access_code(kSecret);
          return invitation;
        });
  }

  absl::StatusOr<v1::Invitation> CreateAs(const v1::CreateInvitationRequest& request) {
    AuditScope audit(&log_, "admin-510114", kMethod);
    audit.SetResource("510114", request.parent());
    return Create(request, audit);
  }

  int64_t Count(const std::string& table) {
    return db::RunInTransaction(*db_, db::Access::kReadOnly,
                                [&](db::Transaction& tx) -> absl::StatusOr<int64_t> {
                                  ASSIGN_OR_RETURN(db::Row row,
                                                   tx.QueryOne("SELECT COUNT(*) FROM " + table));
                                  return row[0].AsInt();
                                })
        .value_or(-1);
  }

  std::string RememberedBytes() {
    return db::RunInTransaction(*db_, db::Access::kReadOnly,
                                [&](db::Transaction& tx) -> absl::StatusOr<std::string> {
                                  ASSIGN_OR_RETURN(db::Row row, tx.QueryOne("SELECT response FROM"
                                                                            " idempotency_keys"));
                                  return row[0].AsBlob();
                                })
        .value_or("<none>");
  }

  FakeClock clock_{absl::FromUnixSeconds(1795000000)};
  AuditLog log_{&clock_};
  IdempotencyStore store_{&clock_};
  std::unique_ptr<db::Database> db_;
  std::atomic<int> writes_{0};
};

TEST_P(IdempotencyTest, AReplayReturnsTheFirstResponseRedactedAndWritesNothing) {
  absl::StatusOr<v1::Invitation> first = CreateAs(Request("req-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->access_code(), kSecret) << "the first answer carries the code";
  EXPECT_THAT(RememberedBytes(), Not(HasSubstr(kSecret))) << "the store never keeps it";
  const int64_t audit_rows = Count("audit_log");

  AuditScope replay_audit(&log_, "admin-510114", kMethod);
  replay_audit.SetResource("510114", "regions/510114/campaigns/2026-annual");
  absl::StatusOr<v1::Invitation> replay = Create(Request("req-1"), replay_audit);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->name(), first->name());
  EXPECT_EQ(replay->access_code(), "") << "a replay does not show the code again";
  EXPECT_TRUE(replay_audit.settled()) << "nothing written, nothing to audit";
  EXPECT_EQ(writes_.load(), 1);
  EXPECT_EQ(Count("invitations"), 1);
  EXPECT_EQ(Count("audit_log"), audit_rows);
}

TEST_P(IdempotencyTest, TheSameIdWithAnotherRequestIsRefused) {
  ASSERT_TRUE(CreateAs(Request("req-1", "public-1")).ok());
  absl::StatusOr<v1::Invitation> other = CreateAs(Request("req-1", "public-2"));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(other.status().message(), HasSubstr("request_id"));
  EXPECT_EQ(Count("invitations"), 1);
}

TEST_P(IdempotencyTest, TheIdIsPerCallerMethodAndRegion) {
  ASSERT_TRUE(CreateAs(Request("req-1", "public-1")).ok());
  AuditScope other_caller(&log_, "admin-2", kMethod);
  other_caller.SetResource("510114", "regions/510114/campaigns/2026-annual");
  EXPECT_TRUE(Create(Request("req-1", "public-2"), other_caller).ok());
  EXPECT_EQ(Count("invitations"), 2);
}

TEST_P(IdempotencyTest, WithoutARequestIdEveryCallWrites) {
  ASSERT_TRUE(CreateAs(Request("", "public-1")).ok());
  EXPECT_EQ(CreateAs(Request("", "public-1")).status().code(), absl::StatusCode::kAlreadyExists)
      << "the write itself refuses a second invitation of the same rater";
  EXPECT_EQ(Count("idempotency_keys"), 0);
}

TEST_P(IdempotencyTest, AMalformedRequestIdIsRefusedBeforeAnyWrite) {
  for (const std::string& bad :
       {std::string("has space"), std::string(129, 'x'), std::string("中文")}) {
    EXPECT_EQ(CreateAs(Request(bad)).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(writes_.load(), 0);
}

TEST_P(IdempotencyTest, ConcurrentTwinsAllGetTheOneResult) {
  constexpr int kTwins = 8;
  std::vector<absl::StatusOr<v1::Invitation>> results(kTwins, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kTwins; ++i) {
    threads.emplace_back([&, i] { results[i] = CreateAs(Request("twin")); });
  }
  for (auto& t : threads) {
    t.join();
  }
  int with_code = 0;
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->name(), results[0]->name());
    with_code += result->access_code() == kSecret ? 1 : 0;
  }
  EXPECT_EQ(with_code, 1) << "only the call that created it shows the code";
  EXPECT_EQ(Count("invitations"), 1);
  EXPECT_EQ(Count("idempotency_keys"), 1);
}

TEST_P(IdempotencyTest, RememberedResponseIsLookedUpBeforeAnyWrite) {
  AuditScope audit(&log_, "admin-510114", kMethod);
  audit.SetResource("510114", "regions/510114/campaigns/2026-annual");
  absl::StatusOr<std::optional<v1::Invitation>> before =
      RememberedResponse<v1::Invitation>(*db_, store_, audit, Request("req-1"), "req-1");
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_FALSE(before->has_value()) << "nothing remembered yet";

  absl::StatusOr<v1::Invitation> first = CreateAs(Request("req-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::optional<v1::Invitation>> after =
      RememberedResponse<v1::Invitation>(*db_, store_, audit, Request("req-1"), "req-1");
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_TRUE(after->has_value());
  EXPECT_EQ((*after)->name(), first->name());
  EXPECT_EQ((*after)->access_code(), "") << "the remembered response is the redacted one";

  EXPECT_EQ(
      RememberedResponse<v1::Invitation>(*db_, store_, audit, Request("req-1", "public-2"), "req-1")
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument)
      << "another request under the same id";
  absl::StatusOr<std::optional<v1::Invitation>> none =
      RememberedResponse<v1::Invitation>(*db_, store_, audit, Request(""), "");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value()) << "no request_id, nothing to look up";
  EXPECT_EQ(writes_.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(BothStores, IdempotencyTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) {
                           return kaoping::testing::StoreKindName(info.param);
                         });

}  // namespace
}  // namespace kaoping
