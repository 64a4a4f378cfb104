#include "tests/results/results_fixture.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "services/appraisals/signing/digests.h"
#include "services/appraisals/signing/signature.h"
#include "services/common/audit/audit_log.h"
#include "services/common/status_macros.h"
#include "services/results/migrations.h"
#include "services/results/signature_check.h"
#include "tests/support/authorization_matrix.h"

namespace kaoping::results::testing {

using ::kaoping::testing::ServiceHarness;
using ::kaoping::testing::StoreKind;
using ::testing::_;
using ::testing::Invoke;

absl::Time Cst(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute), ChinaStandardTime());
}

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

Who Caller(std::string subject, std::string role, std::string region) {
  Who who;
  who.subject = std::move(subject);
  who.roles = {std::move(role)};
  who.regions = {std::move(region)};
  return who;
}

Who AdminOf(const std::string& region) { return Caller("admin-" + region, "REGION_ADMIN", region); }

Who CadreWho(const std::string& cadre_id) {
  Who who = Caller("cadre-" + cadre_id, "CADRE", kCounty);
  who.cadre = CadreName(kCounty, cadre_id);
  return who;
}

Who Machine(const std::string& region, std::vector<std::string> scopes) {
  Who who = Caller("system-" + region, "SYSTEM", region);
  who.scopes = std::move(scopes);
  return who;
}

std::string UnitName(const std::string& region, const std::string& id) {
  return absl::StrCat("regions/", region, "/units/", id);
}

std::string CadreName(const std::string& region, const std::string& id) {
  return absl::StrCat("regions/", region, "/cadres/", id);
}

ResultsServiceTest::ResultsServiceTest()
    : clock_(Cst(2026, 11, 26)),
      appraisals_(std::make_shared<::testing::NiceMock<v1::MockAppraisalServiceStub>>()),
      evaluations_(std::make_shared<::testing::NiceMock<v1::MockEvaluationServiceStub>>()) {}

void ResultsServiceTest::SetUp() {
  auto party = signing::GeneratePrivateKey(signing::Algorithm::kEd25519);
  auto discipline = signing::GeneratePrivateKey(signing::Algorithm::kEd25519);
  ASSERT_TRUE(party.ok() && discipline.ok());
  party_key_ = *std::move(party);
  discipline_key_ = *std::move(discipline);
  // AppraisalService answers the appraisals a test served, NOT_FOUND otherwise.
  ON_CALL(*appraisals_, GetAppraisal(_, _, _))
      .WillByDefault(Invoke(
          [this](grpc::ClientContext*, const v1::GetAppraisalRequest& request, v1::Appraisal* out) {
            auto it = served_.find(request.name());
            if (it == served_.end()) {
              return grpc::Status(grpc::StatusCode::NOT_FOUND, request.name() + " not found");
            }
            *out = it->second;
            return grpc::Status::OK;
          }));
  BeforeStart();
  ServiceHarness::Options options;
  options.store = GetParam();
  options.clock = &clock_;
  options.redis_url = RedisUrl();
  // The consumers' own token (local profile: minted).
  options.config = {{"profile", "local"},
                    {"service_regions", kCounty},
                    {"service_scopes", "archive:write,leads:read"},
                    {"event_consumer_name", "results-test"},
                    {"event_discover_interval", "100ms"}};
  auto harness = ServiceHarness::Start(
      "results", Migrations(),
      [this](ServiceRuntime& runtime) -> absl::StatusOr<std::vector<OwnedService>> {
        return ResultsServicesWith(runtime, Upstreams(appraisals_, evaluations_), &domain_);
      },
      options);
  ASSERT_TRUE(harness.ok()) << harness.status();
  harness_ = std::move(*harness);
  stub_ = v1::ResultsService::NewStub(harness_->channel());
}

void ResultsServiceTest::TearDown() {
  if (harness_ == nullptr) {
    return;
  }
  absl::StatusOr<AuditVerification> verification = VerifyAuditLog(Db(), ServiceHarness::kAuditKey);
  ASSERT_TRUE(verification.ok()) << verification.status();
  EXPECT_TRUE(verification->ok()) << absl::StrJoin(verification->problems, "\n");
}

v1::Unit ResultsServiceTest::UnitRow(const std::string& region, const std::string& id) {
  v1::Unit unit;
  unit.set_name(UnitName(region, id));
  unit.set_display_name("单位 " + id);
  unit.set_sector(v1::PARTY_GOVERNMENT);
  return unit;
}

v1::Cadre ResultsServiceTest::CadreRow(const std::string& region, const std::string& id,
                                       const std::string& unit_id) {
  v1::Cadre cadre;
  cadre.set_name(CadreName(region, id));
  cadre.set_display_name("干部 " + id);
  cadre.set_unit(UnitName(region, unit_id));
  cadre.set_post_title("副局长");
  cadre.set_post_tier(v1::DEPUTY);
  cadre.set_status(v1::Cadre::ACTIVE);
  return cadre;
}

grpc::Status ResultsServiceTest::Import(const Who& who, const v1::ImportRosterRequest& request,
                                        v1::ImportRosterResponse* out) {
  v1::ImportRosterResponse scratch;
  return stub_->ImportRoster(As(who).get(), request, out != nullptr ? out : &scratch);
}

void ResultsServiceTest::SeedRoster(const std::string& region, int cadres) {
  v1::ImportRosterRequest request;
  request.set_region("regions/" + region);
  request.set_request_id(absl::StrCat("seed-", region, "-", cadres));
  *request.add_units() = UnitRow(region, "u-1");
  *request.add_units() = UnitRow(region, "u-2");
  for (int i = 1; i <= cadres; ++i) {
    *request.add_cadres() = CadreRow(region, absl::StrCat("c-", i), i % 2 == 1 ? "u-1" : "u-2");
  }
  v1::ImportRosterResponse response;
  ASSERT_TRUE(IsOk(Import(AdminOf(region), request, &response)));
  ASSERT_EQ(response.cadre_counts().rejected(), 0) << response.DebugString();
}

v1::Appraisal ResultsServiceTest::SignedAppraisal(const std::string& region, const std::string& id,
                                                  const std::string& cadre, v1::Grade grade,
                                                  absl::Time concluded,
                                                  const std::vector<std::string>& veto_leads) {
  v1::Appraisal appraisal;
  appraisal.set_name(absl::StrCat("regions/", region, "/appraisals/", id));
  appraisal.set_state(v1::Appraisal::CONCLUDED);
  v1::AppraisalContent& content = *appraisal.mutable_content();
  content.set_appraisal(appraisal.name());
  content.set_cadre(cadre);
  content.set_campaign(absl::StrCat("regions/", region, "/campaigns/annual-2026"));
  content.set_campaign_kind(v1::ANNUAL);
  content.set_grade(grade);
  content.mutable_summary()->mutable_proposal()->set_grade(grade);
  for (const std::string& lead : veto_leads) {
    v1::VerifiedLead& verified = *content.mutable_summary()->add_verified_leads();
    verified.set_lead(lead);
    verified.set_cadre(cadre);
    verified.mutable_negative_item()->set_id("veto-item");
    verified.mutable_negative_item()->set_title("严重违纪");
    verified.mutable_negative_item()->set_severity(v1::VETO);
    verified.mutable_verify_time()->set_seconds(absl::ToUnixSeconds(concluded));
    verified.set_findings("查实 by rater-7");
  }
  content.mutable_summary()->set_vetoed(!veto_leads.empty());
  appraisal.mutable_conclude_time()->set_seconds(absl::ToUnixSeconds(concluded));
  appraisal.set_summary_snapshot(content.summary().SerializeAsString());
  v1::AppraisalSignedContent signed_content;
  signed_content.set_appraisal(appraisal.name());
  signed_content.set_cadre(cadre);
  signed_content.set_summary_sha256(signing::Sha256(appraisal.summary_snapshot()));
  signed_content.set_grade(grade);
  signed_content.set_vetoed(!veto_leads.empty());
  appraisal.set_signed_content(
      absl::StrCat(kSignedContentLine, signed_content.SerializeAsString()));
  appraisal.set_content_sha256(signing::Sha256(appraisal.signed_content()));
  auto sign = [&](v1::AppraisalSignature::Role role, const signing::PrivateKey& key) {
    v1::AppraisalSignature& signature = *appraisal.add_signatures();
    signature.set_role(role);
    signature.set_signer(absl::StrCat("signer-", v1::AppraisalSignature::Role_Name(role)));
    signature.set_algorithm(v1::SignatureAlgorithm::ED25519);
    signature.set_public_key(key.public_key().der());
    signature.set_content_sha256(appraisal.content_sha256());
    absl::StatusOr<std::string> bytes = signing::Sign(key, appraisal.signed_content());
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    signature.set_signature(bytes.value_or(""));
  };
  sign(v1::AppraisalSignature::PARTY_SECRETARY, *party_key_);
  sign(v1::AppraisalSignature::DISCIPLINE_SECRETARY, *discipline_key_);
  EXPECT_TRUE(CheckConcludedAppraisal(appraisal).ok()) << CheckConcludedAppraisal(appraisal);
  return appraisal;
}

void ResultsServiceTest::Serve(const v1::Appraisal& appraisal) {
  served_[appraisal.name()] = appraisal;
}

grpc::Status ResultsServiceTest::Apply(const Who& who, const std::string& appraisal,
                                       v1::ApplyAppraisalResponse* out,
                                       const std::string& request_id) {
  v1::ApplyAppraisalRequest request;
  request.set_region(appraisal.substr(0, std::string("regions/").size() + 6));
  request.set_appraisal(appraisal);
  request.set_request_id(request_id);
  v1::ApplyAppraisalResponse scratch;
  return stub_->ApplyAppraisal(As(who).get(), request, out != nullptr ? out : &scratch);
}

grpc::Status ResultsServiceTest::Eligibility(const Who& who, const std::string& cadre,
                                             const google::type::Date& as_of,
                                             v1::Eligibility* out) {
  v1::GetEligibilityRequest request;
  request.set_name(cadre + "/eligibility");
  *request.mutable_as_of() = as_of;
  v1::Eligibility scratch;
  return stub_->GetEligibility(As(who).get(), request, out != nullptr ? out : &scratch);
}

std::string ResultsServiceTest::Footprint() {
  absl::StatusOr<std::string> footprint = ::kaoping::testing::StoreFootprint(Db());
  EXPECT_TRUE(footprint.ok()) << footprint.status();
  return footprint.value_or("<unreadable>");
}

int64_t ResultsServiceTest::CountRows(const std::string& table, const std::string& where) {
  absl::StatusOr<int64_t> count = db::RunInTransaction(
      Db(), db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<int64_t> {
        ASSIGN_OR_RETURN(db::Row row,
                         tx.QueryOne(absl::StrCat("SELECT COUNT(*) FROM ", table,
                                                  where.empty() ? "" : " WHERE ", where)));
        return row[0].AsInt();
      });
  EXPECT_TRUE(count.ok()) << count.status();
  return count.value_or(-1);
}

}  // namespace kaoping::results::testing
