#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kaoping/v1/appraisals.grpc.pb.h"
#include "kaoping/v1/events.pb.h"
#include "services/appraisals/signing/private_key.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"
#include "tests/appraisals/fake_evaluations.h"
#include "tests/support/service_harness.h"
#include "tests/support/status_assertions.h"

// The appraisals service served in-process over real gRPC with its real
// runtime, on the store of the test's parameter (SQLite or PostgreSQL), a
// FakeClock, and evaluations as the generated gMock stub backed by
// FakeEvaluations. Everyone below works in county 510114: unit u-1 with
// cadre c-1 (subject c-1 of campaign 2026-annual), unit u-2 with cadre c-2.
namespace kaoping::appraisals::testing {

using Who = ::kaoping::testing::ServiceHarness::Who;

inline constexpr char kCounty[] = "510114";
inline constexpr char kCampaign[] = "regions/510114/campaigns/2026-annual";
inline constexpr char kUnit1[] = "regions/510114/units/u-1";
inline constexpr char kUnit2[] = "regions/510114/units/u-2";
inline constexpr char kCadre1[] = "regions/510114/cadres/c-1";
inline constexpr char kCadre2[] = "regions/510114/cadres/c-2";
inline constexpr char kSubject1[] = "regions/510114/campaigns/2026-annual/subjects/c-1";
inline constexpr char kSubject2[] = "regions/510114/campaigns/2026-annual/subjects/c-2";
inline constexpr char kServicePrefix[] = "kaoping.v1.AppraisalService/";

Who Person(std::string subject, std::string role, std::string region = kCounty,
           std::string unit = "", std::string cadre = "");
Who Team();  // team-1, ASSESSMENT_TEAM
// team-1 of the region of `name` (regions/{region}/…).
Who TeamOf(const std::string& name);
Who Admin();                                         // admin-1, REGION_ADMIN
Who Auditor();                                       // auditor-1, AUDITOR
Who PartySecretary(std::string unit = kUnit1);       // ps-1
Who DisciplineSecretary(std::string unit = kUnit1);  // ds-1
Who Cadre(std::string cadre = kCadre1);              // cadre-<id>, CADRE with the claim
Who Results();  // service:results, SYSTEM `archive:write` of the county

// HasCode, IsOk, CodeName: tests/support/status_assertions.h.
using ::kaoping::testing::CodeName;
using ::kaoping::testing::HasCode;
using ::kaoping::testing::IsOk;

// A registered signer key with the private key its holder keeps.
struct Signer {
  Who who;
  v1::SignerKey key;
  signing::PrivateKey private_key;
};

struct OutboxRow {
  std::string event_type;
  v1::Event event;
};

struct AuditRow {
  std::string principal;
  std::string method;
  std::string resource;
  std::string outcome;
  std::string detail;
};

class AppraisalServiceTest : public ::testing::TestWithParam<::kaoping::testing::StoreKind> {
 protected:
  AppraisalServiceTest();

  void SetUp() override;
  // Whatever a test did, the audit chains still verify.
  void TearDown() override;

  db::Database& Db() { return harness_->runtime().db(); }

  // Any RPC as `who`: the status, the response in *out.
  template <typename Request, typename Response>
  grpc::Status Call(const Who& who,
                    grpc::Status (v1::AppraisalService::Stub::*method)(grpc::ClientContext*,
                                                                       const Request&, Response*),
                    const Request& request, Response* out = nullptr) {
    Response scratch;
    return (stub_.get()->*method)(harness_->Context(who).get(), request,
                                  out != nullptr ? out : &scratch);
  }

  // Requests.
  static v1::CreateAppraisalRequest CreateRequest(const std::string& subject,
                                                  const std::string& id = "");
  static v1::GetAppraisalRequest GetRequest(const std::string& name);

  // Set-up steps that must succeed.
  v1::Appraisal MustCreate(const std::string& subject = kSubject1, const std::string& id = "");
  v1::Appraisal MustGet(const std::string& name, const Who& who = Team());
  // Self-check by the cadre, opinions by ps-1 and ds-1, the proposed grade by the team.
  v1::Appraisal MustComplete(const std::string& name, const Who& cadre = Cadre(),
                             const Who& party = PartySecretary(),
                             const Who& discipline = DisciplineSecretary());
  Signer MustRegister(const Who& who, v1::AppraisalSignature::Role role,
                      const std::string& unit = kUnit1,
                      signing::Algorithm algorithm = signing::Algorithm::kEd25519);
  // The signer fetches the payload, signs its bytes and sends the signature.
  grpc::Status SignAs(const Signer& signer, const std::string& name, v1::Appraisal* out = nullptr,
                      v1::AppraisalSignature::Role role = v1::AppraisalSignature::ROLE_UNSPECIFIED);
  // Every section written (MustComplete) and signed by ps-1 and ds-1 with
  // keys of unit u-1 registered here.
  v1::Appraisal MustSigned(const std::string& subject = kSubject1);
  v1::Appraisal MustConclude(const std::string& name);
  // The whole flow for `subject` (ps-1 and ds-1 sign with keys registered here).
  v1::Appraisal MustConcluded(const std::string& subject = kSubject1);
  v1::VerifyAppraisalSignaturesResponse MustVerify(const std::string& name,
                                                   const Who& who = Team());

  // The store, read directly.
  int64_t CountRows(const std::string& table);
  std::string Footprint();  // every row of every table but the audit chain's
  std::vector<AuditRow> AuditRows(const std::string& region = kCounty);
  std::vector<OutboxRow> OutboxRows();
  void ExecuteSql(const std::string& sql, const db::Params& params);

  FakeClock clock_;
  FakeEvaluations evaluations_;
  std::shared_ptr<::testing::NiceMock<v1::MockEvaluationServiceStub>> mock_;
  std::unique_ptr<::kaoping::testing::ServiceHarness> harness_;
  std::unique_ptr<v1::AppraisalService::Stub> stub_;
  // The signers MustConcluded uses, registered on first use.
  std::unique_ptr<Signer> party_signer_;
  std::unique_ptr<Signer> discipline_signer_;
};

using ::kaoping::testing::StoreName;

#define KAOPING_APPRAISAL_STORES(Suite)                                                 \
  INSTANTIATE_TEST_SUITE_P(Stores, Suite,                                               \
                           ::testing::Values(::kaoping::testing::StoreKind::kSqlite,    \
                                             ::kaoping::testing::StoreKind::kPostgres), \
                           StoreName)

}  // namespace kaoping::appraisals::testing
