// AuditService, which every service process serves for its own audit log
// (ServiceRuntime::StartServer adds it): a process with no service of its
// own, over real gRPC, on SQLite and PostgreSQL. Records newest first and
// paged, the filters, bad input refused naming the field, another service's
// log NOT_FOUND, the verification of an intact and of an edited chain, every
// call itself audited, and the authorization matrix from the table.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_join.h"
#include "kaoping/v1/audit.grpc.pb.h"
#include "services/common/server/audit_service.h"
#include "tests/support/authorization_matrix.h"
#include "tests/support/service_harness.h"

namespace kaoping {
namespace {

using ::kaoping::testing::ServiceHarness;
using ::kaoping::testing::StoreKind;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kRegion[] = "510114";
constexpr char kLog[] = "regions/510114/auditLogs/indicators";
constexpr char kListMethod[] = "kaoping.v1.AuditService/ListAuditRecords";

class AuditServiceTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  AuditServiceTest() : clock_(absl::FromUnixSeconds(1'790'000'000)) {}

  void SetUp() override {
    ServiceHarness::Options options;
    options.store = GetParam();
    options.clock = &clock_;
    auto harness = ServiceHarness::Start(
        "indicators", {},
        [](ServiceRuntime&) -> absl::StatusOr<std::vector<OwnedService>> {
          return std::vector<OwnedService>();
        },
        options);
    ASSERT_TRUE(harness.ok()) << harness.status();
    harness_ = *std::move(harness);
    stub_ = v1::AuditService::NewStub(harness_->channel());
  }

  // Appends an entry as a service's call would, one second after the last.
  void Append(const std::string& region, const std::string& principal, const std::string& method,
              const std::string& resource) {
    clock_.Advance(absl::Seconds(1));
    AuditRecord record{region, principal, method, resource, "OK", ""};
    ASSERT_TRUE(
        harness_->runtime().audit().AppendStandalone(harness_->runtime().db(), record).ok());
  }

  static ServiceHarness::Who Auditor(const std::string& region = kRegion) {
    ServiceHarness::Who who;
    who.subject = "auditor-1";
    who.roles = {"AUDITOR"};
    who.regions = {region};
    return who;
  }

  grpc::Status List(const v1::ListAuditRecordsRequest& request,
                    v1::ListAuditRecordsResponse* response) {
    return stub_->ListAuditRecords(harness_->Context(Auditor()).get(), request, response);
  }
  grpc::Status Verify(v1::AuditLogVerification* response, const std::string& name = kLog) {
    v1::VerifyAuditLogRequest request;
    request.set_name(name);
    return stub_->VerifyAuditLog(harness_->Context(Auditor()).get(), request, response);
  }
  static v1::ListAuditRecordsRequest Request(int page_size = 0) {
    v1::ListAuditRecordsRequest request;
    request.set_parent(kLog);
    request.set_page_size(page_size);
    return request;
  }
  static std::vector<int64_t> Sequences(const v1::ListAuditRecordsResponse& response) {
    std::vector<int64_t> out;
    for (const v1::AuditRecord& record : response.audit_records()) {
      out.push_back(record.sequence());
    }
    return out;
  }
  void Execute(const std::string& sql) {
    ASSERT_TRUE(db::RunInTransaction(harness_->runtime().db(), db::Access::kReadWrite,
                                     [&](db::Transaction& tx) { return tx.Execute(sql).status(); })
                    .ok());
  }

  FakeClock clock_;
  std::unique_ptr<ServiceHarness> harness_;
  std::unique_ptr<v1::AuditService::Stub> stub_;
};

INSTANTIATE_TEST_SUITE_P(Stores, AuditServiceTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const ::testing::TestParamInfo<StoreKind>& info) {
                           return ::kaoping::testing::StoreKindName(info.param);
                         });

TEST(AuditRpcsTest, TheTableCoversTheServiceAndOnlyCountyAuditorsRead) {
  ASSERT_TRUE(AuditRpcs().status().ok()) << AuditRpcs().status();
  for (int i = 0; i < AuditRpcs().descriptor()->method_count(); ++i) {
    const Rule* rule = AuditRpcs().policy().RuleOf(AuditRpcs().MethodName(i));
    ASSERT_NE(rule, nullptr);
    EXPECT_EQ(rule->roles, RoleSet({Role::kAuditor}));
    EXPECT_EQ(rule->region, RegionRelation::kOwn);
    EXPECT_TRUE(rule->system_scope.empty());
    EXPECT_TRUE(rule->refuse_as_not_found);
    EXPECT_EQ(AuditRpcs().KindOf(i), CallKind::kAuditedRead);
  }
}

TEST_P(AuditServiceTest, ListsNewestFirstPageByPageWithTheChainsLinks) {
  for (int i = 1; i <= 5; ++i) {
    Append(kRegion, "admin-1", "kaoping.v1.IndicatorService/CreateIndicatorSet",
           absl::StrCat("regions/510114/indicatorSets/s", i));
  }
  Append("510115", "admin-2", "kaoping.v1.IndicatorService/CreateIndicatorSet",
         "regions/510115/indicatorSets/other");
  v1::ListAuditRecordsResponse first;
  ASSERT_TRUE(List(Request(2), &first).ok());
  EXPECT_THAT(Sequences(first), ElementsAre(5, 4));
  const v1::AuditRecord& newest = first.audit_records(0);
  EXPECT_EQ(newest.name(), "regions/510114/auditLogs/indicators/records/5");
  EXPECT_EQ(newest.principal(), "admin-1");
  EXPECT_EQ(newest.method(), "kaoping.v1.IndicatorService/CreateIndicatorSet");
  EXPECT_EQ(newest.resource(), "regions/510114/indicatorSets/s5");
  EXPECT_EQ(newest.outcome(), "OK");
  EXPECT_EQ(newest.record_time().seconds(), 1'790'000'005);
  EXPECT_EQ(newest.previous_hash(), first.audit_records(1).hash());
  EXPECT_EQ(newest.hash().size(), 64u);
  ASSERT_FALSE(first.next_page_token().empty());

  v1::ListAuditRecordsRequest next = Request(2);
  next.set_page_token(first.next_page_token());
  v1::ListAuditRecordsResponse second;
  ASSERT_TRUE(List(next, &second).ok());
  EXPECT_THAT(Sequences(second), ElementsAre(3, 2));
  next.set_page_token(second.next_page_token());
  v1::ListAuditRecordsResponse last;
  ASSERT_TRUE(List(next, &last).ok());
  EXPECT_THAT(Sequences(last), ElementsAre(1));
  EXPECT_TRUE(last.next_page_token().empty());
}

TEST_P(AuditServiceTest, FiltersByPrincipalMethodResourceAndTime) {
  Append(kRegion, "admin-1", "kaoping.v1.IndicatorService/CreateIndicatorSet",
         "regions/510114/campaigns/c1");  // 1
  Append(kRegion, "admin-2", "kaoping.v1.IndicatorService/UpdateIndicatorSet",
         "regions/510114/campaigns/c1/forms/f1");  // 2
  Append(kRegion, "admin-1", "kaoping.v1.IndicatorService/UpdateIndicatorSet",
         "regions/510114/campaigns/c10");  // 3
  Append(kRegion, "admin-2", "kaoping.v1.IndicatorService/CreateIndicatorSet",
         "regions/510114/campaigns/c2");  // 4
  auto listed = [&](const v1::ListAuditRecordsRequest& request) {
    v1::ListAuditRecordsResponse response;
    grpc::Status st = List(request, &response);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return Sequences(response);
  };
  v1::ListAuditRecordsRequest by_principal = Request();
  by_principal.set_principal("admin-2");
  EXPECT_THAT(listed(by_principal), ElementsAre(4, 2));
  v1::ListAuditRecordsRequest by_method = Request();
  by_method.set_method("kaoping.v1.IndicatorService/UpdateIndicatorSet");
  EXPECT_THAT(listed(by_method), ElementsAre(3, 2));
  v1::ListAuditRecordsRequest by_resource = Request();
  by_resource.set_resource("regions/510114/campaigns/c1");
  EXPECT_THAT(listed(by_resource), ElementsAre(2, 1));
  v1::ListAuditRecordsRequest by_time = Request();
  by_time.mutable_start_time()->set_seconds(1'790'000'002);
  by_time.mutable_end_time()->set_seconds(1'790'000'004);
  EXPECT_THAT(listed(by_time), ElementsAre(3, 2));
  by_time.set_principal("admin-1");
  EXPECT_THAT(listed(by_time), ElementsAre(3));
}

TEST_P(AuditServiceTest, BadRequestsAreRefusedNamingTheField) {
  Append(kRegion, "admin-1", "m", "regions/510114/indicatorSets/s1");
  Append(kRegion, "admin-1", "m", "regions/510114/indicatorSets/s2");
  auto refused = [&](const v1::ListAuditRecordsRequest& request, grpc::StatusCode code,
                     const std::string& message) {
    v1::ListAuditRecordsResponse response;
    grpc::Status st = List(request, &response);
    EXPECT_EQ(st.error_code(), code) << st.error_message();
    EXPECT_THAT(st.error_message(), HasSubstr(message));
  };
  refused(Request(-1), grpc::StatusCode::INVALID_ARGUMENT, "page_size");
  v1::ListAuditRecordsRequest bad_parent = Request();
  bad_parent.set_parent("regions/510114/audit/indicators");
  refused(bad_parent, grpc::StatusCode::INVALID_ARGUMENT, "parent");
  v1::ListAuditRecordsRequest other_log = Request();
  other_log.set_parent("regions/510114/auditLogs/evaluations");
  refused(other_log, grpc::StatusCode::NOT_FOUND, "serves only its own log");
  v1::ListAuditRecordsRequest bad_time = Request();
  bad_time.mutable_start_time()->set_nanos(-1);
  refused(bad_time, grpc::StatusCode::INVALID_ARGUMENT, "start_time");
  v1::ListAuditRecordsRequest too_late = Request();
  too_late.mutable_end_time()->set_seconds(int64_t{1} << 62);
  refused(too_late, grpc::StatusCode::INVALID_ARGUMENT, "end_time");
  v1::ListAuditRecordsRequest backwards = Request();
  backwards.mutable_start_time()->set_seconds(2'000'000'000);
  backwards.mutable_end_time()->set_seconds(1'000'000'000);
  refused(backwards, grpc::StatusCode::INVALID_ARGUMENT, "end_time: must be after start_time");

  v1::ListAuditRecordsResponse first;
  ASSERT_TRUE(List(Request(1), &first).ok());
  v1::ListAuditRecordsRequest other_query = Request(1);
  other_query.set_principal("admin-1");
  other_query.set_page_token(first.next_page_token());
  refused(other_query, grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  v1::ListAuditRecordsRequest forged = Request(1);
  forged.set_page_token("not-a-token");
  refused(forged, grpc::StatusCode::INVALID_ARGUMENT, "page_token");

  v1::AuditLogVerification verification;
  grpc::Status st = Verify(&verification, "regions/510114/auditLogs/results");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND) << st.error_message();
  st = Verify(&verification, "regions/5101/auditLogs/indicators/x");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_THAT(st.error_message(), HasSubstr("name"));
}

TEST_P(AuditServiceTest, EveryCallIsItselfAudited) {
  v1::ListAuditRecordsResponse response;
  ASSERT_TRUE(List(Request(), &response).ok());
  EXPECT_EQ(response.audit_records_size(), 0);
  v1::AuditLogVerification verification;
  ASSERT_TRUE(Verify(&verification).ok());
  ASSERT_TRUE(List(Request(), &response).ok());
  ASSERT_EQ(response.audit_records_size(), 2);
  EXPECT_EQ(response.audit_records(0).method(), "kaoping.v1.AuditService/VerifyAuditLog");
  EXPECT_EQ(response.audit_records(0).resource(), kLog);
  EXPECT_EQ(response.audit_records(0).principal(), "auditor-1");
  EXPECT_EQ(response.audit_records(1).method(), kListMethod);
}

TEST_P(AuditServiceTest, VerifiesAnIntactChainAndReportsAnEditedOne) {
  for (int i = 1; i <= 4; ++i) {
    Append(kRegion, "admin-1", "m", absl::StrCat("regions/510114/indicatorSets/s", i));
  }
  v1::AuditLogVerification intact;
  ASSERT_TRUE(Verify(&intact).ok());
  EXPECT_TRUE(intact.intact());
  EXPECT_EQ(intact.audit_log(), kLog);
  EXPECT_EQ(intact.record_count(), 4);
  EXPECT_EQ(intact.head_sequence(), 4);
  EXPECT_TRUE(intact.keyed());
  EXPECT_EQ(intact.problem_count(), 0);
  EXPECT_EQ(intact.verify_time().seconds(), absl::ToUnixSeconds(clock_.Now()));

  // The verification was audited (entry 5); edit entry 2 behind the service.
  Execute("UPDATE audit_log SET detail = 'edited' WHERE region_code = '510114' AND seq = 2");
  v1::AuditLogVerification edited;
  ASSERT_TRUE(Verify(&edited).ok());
  EXPECT_FALSE(edited.intact());
  EXPECT_EQ(edited.record_count(), 5);
  EXPECT_EQ(edited.problem_count(), 1);
  EXPECT_THAT(edited.problems(), ElementsAre(HasSubstr("entry 2: content does not match")));
}

TEST_P(AuditServiceTest, ReportsAChainCutShortAndOnlyTheRegionsOwnProblems) {
  Append(kRegion, "admin-1", "m", "regions/510114/indicatorSets/s1");
  Append(kRegion, "admin-1", "m", "regions/510114/indicatorSets/s2");
  Append("510115", "admin-1", "m", "regions/510115/indicatorSets/s1");
  Execute("UPDATE audit_log SET detail = 'edited' WHERE region_code = '510115'");
  v1::AuditLogVerification other_edited;
  ASSERT_TRUE(Verify(&other_edited).ok());
  EXPECT_TRUE(other_edited.intact()) << absl::StrJoin(other_edited.problems(), "; ");

  Execute("DELETE FROM audit_log WHERE region_code = '510114' AND seq = 3");
  v1::AuditLogVerification truncated;
  ASSERT_TRUE(Verify(&truncated).ok());
  EXPECT_FALSE(truncated.intact());
  EXPECT_EQ(truncated.head_sequence(), 3);
  EXPECT_THAT(truncated.problems(), ElementsAre(HasSubstr("the chain ends at entry 2")));
}

TEST_P(AuditServiceTest, EveryRoleEveryRegionMatrix) {
  const std::string region = "510100";
  Append(region, "admin-1", "m", "regions/510100/indicatorSets/s1");  // the region has a chain
  ::kaoping::testing::MatrixSubject subject;
  subject.rpcs = ::kaoping::testing::MatrixRpcs(AuditRpcs());
  subject.region = region;
  const std::string log = "regions/510100/auditLogs/indicators";
  subject.valid_request = [&](const std::string& method, int) -> absl::StatusOr<std::string> {
    if (method == kListMethod) {
      v1::ListAuditRecordsRequest request;
      request.set_parent(log);
      return request.SerializeAsString();
    }
    v1::VerifyAuditLogRequest request;
    request.set_name(log);
    return request.SerializeAsString();
  };
  int cells = 0;
  const std::vector<std::string> failures =
      ::kaoping::testing::RunAuthorizationMatrix(*harness_, subject, &cells);
  EXPECT_EQ(cells, 2 * 9 * 4 * 2);
  EXPECT_TRUE(failures.empty()) << failures.size() << " cells failed:\n"
                                << absl::StrJoin(failures, "\n");
}

}  // namespace
}  // namespace kaoping
