#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/type/date.pb.h"
#include "kaoping/v1/appraisals_mock.grpc.pb.h"
#include "kaoping/v1/evaluations_mock.grpc.pb.h"
#include "kaoping/v1/results.grpc.pb.h"
#include "services/appraisals/signing/private_key.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"
#include "services/results/results_service.h"
#include "tests/support/service_harness.h"
#include "tests/support/status_assertions.h"

// The results service served in-process over real gRPC with its real
// runtime, on the store of the test's parameter (SQLite or PostgreSQL), a
// FakeClock at 2026-11-26 10:00 China Standard Time. AppraisalService and
// EvaluationService are not on main yet: they are their generated gMock
// stubs here, answering what a test gives them (integration with the real
// services remains).
namespace kaoping::results::testing {

using Who = ::kaoping::testing::ServiceHarness::Who;

// Everyone below works in county 510114 of city 510100.
inline constexpr char kCounty[] = "510114";

absl::Time Cst(int year, int month, int day, int hour = 10, int minute = 0);
google::type::Date Day(int year, int month, int day);

Who Caller(std::string subject, std::string role, std::string region);
Who AdminOf(const std::string& region);
// A CADRE of the county whose JWT `cadre` claim names regions/510114/cadres/<cadre_id>.
Who CadreWho(const std::string& cadre_id);
// SYSTEM of `region` with `scopes`.
Who Machine(const std::string& region, std::vector<std::string> scopes);

std::string UnitName(const std::string& region, const std::string& id);
std::string CadreName(const std::string& region, const std::string& id);

// HasCode, IsOk, CodeName: tests/support/status_assertions.h.
using ::kaoping::testing::CodeName;
using ::kaoping::testing::HasCode;
using ::kaoping::testing::IsOk;

class ResultsServiceTest : public ::testing::TestWithParam<::kaoping::testing::StoreKind> {
 protected:
  ResultsServiceTest();

  // "none" keeps events in the outbox and consumes none; event tests give SharedRedis's.
  virtual std::string RedisUrl() { return "none"; }
  // Runs before the service starts (e.g. to leave an event half-consumed).
  virtual void BeforeStart() {}

  void SetUp() override;
  // Whatever a test did, the audit chains still verify.
  void TearDown() override;

  db::Database& Db() { return harness_->runtime().db(); }
  std::unique_ptr<grpc::ClientContext> As(const Who& who) { return harness_->Context(who); }

  // A county roster: units u-1, u-2 and cadres c-1..c-<cadres> (odd ones in
  // u-1, even ones in u-2), ACTIVE, imported by the county's admin.
  void SeedRoster(const std::string& region, int cadres);
  static v1::Unit UnitRow(const std::string& region, const std::string& id);
  static v1::Cadre CadreRow(const std::string& region, const std::string& id,
                            const std::string& unit_id);
  grpc::Status Import(const Who& who, const v1::ImportRosterRequest& request,
                      v1::ImportRosterResponse* out = nullptr);

  // A CONCLUDED appraisal of `cadre` with `grade`, concluded on `concluded`
  // (CST), signed by both secretaries with fresh Ed25519 keys, as
  // AppraisalService answers it; `veto_leads` are verified VETO leads
  // (regions/{r}/leads/{id}) verified on the conclusion day.
  v1::Appraisal SignedAppraisal(const std::string& region, const std::string& id,
                                const std::string& cadre, v1::Grade grade, absl::Time concluded,
                                const std::vector<std::string>& veto_leads = {});
  // The appraisals stub answers GetAppraisal for it from now on.
  void Serve(const v1::Appraisal& appraisal);
  grpc::Status Apply(const Who& who, const std::string& appraisal,
                     v1::ApplyAppraisalResponse* out = nullptr, const std::string& request_id = "");

  grpc::Status Eligibility(const Who& who, const std::string& cadre,
                           const google::type::Date& as_of, v1::Eligibility* out = nullptr);

  // Every row of every table but the audit chain's (nothing written when equal).
  std::string Footprint();
  int64_t CountRows(const std::string& table, const std::string& where = "");

  FakeClock clock_;
  std::shared_ptr<::testing::NiceMock<v1::MockAppraisalServiceStub>> appraisals_;
  std::shared_ptr<::testing::NiceMock<v1::MockEvaluationServiceStub>> evaluations_;
  std::map<std::string, v1::Appraisal> served_;
  std::unique_ptr<::kaoping::testing::ServiceHarness> harness_;
  std::unique_ptr<v1::ResultsService::Stub> stub_;
  Results* domain_ = nullptr;

 private:
  std::optional<signing::PrivateKey> party_key_;
  std::optional<signing::PrivateKey> discipline_key_;
};

using ::kaoping::testing::StoreName;

#define RESULTS_ON_BOTH_STORES(Suite)                                                   \
  INSTANTIATE_TEST_SUITE_P(Stores, Suite,                                               \
                           ::testing::Values(::kaoping::testing::StoreKind::kSqlite,    \
                                             ::kaoping::testing::StoreKind::kPostgres), \
                           ::kaoping::results::testing::StoreName)

}  // namespace kaoping::results::testing
