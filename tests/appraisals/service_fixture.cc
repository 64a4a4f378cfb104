#include "tests/appraisals/service_fixture.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "services/appraisals/appraisal_service.h"
#include "services/appraisals/migrations.h"
#include "services/appraisals/signing/signature.h"
#include "services/common/audit/audit_verify.h"
#include "services/common/status_macros.h"
#include "tests/support/authorization_matrix.h"

namespace kaoping::appraisals::testing {

using ::kaoping::testing::ServiceHarness;
using ::kaoping::testing::StoreKind;

Who Person(std::string subject, std::string role, std::string region, std::string unit,
           std::string cadre) {
  Who who;
  who.subject = std::move(subject);
  who.roles = {std::move(role)};
  who.regions = {std::move(region)};
  who.unit = std::move(unit);
  who.cadre = std::move(cadre);
  return who;
}

Who Team() { return Person("team-1", "ASSESSMENT_TEAM"); }
Who TeamOf(const std::string& name) {
  return Person("team-1", "ASSESSMENT_TEAM", name.substr(8, name.find('/', 8) - 8));
}
Who Admin() { return Person("admin-1", "REGION_ADMIN"); }
Who Auditor() { return Person("auditor-1", "AUDITOR"); }
Who PartySecretary(std::string unit) { return Person("ps-1", "PARTY_SECRETARY", kCounty, unit); }
Who DisciplineSecretary(std::string unit) {
  return Person("ds-1", "DISCIPLINE_SECRETARY", kCounty, unit);
}
Who Cadre(std::string cadre) {
  return Person(absl::StrCat("cadre-", cadre.substr(cadre.rfind('/') + 1)), "CADRE", kCounty, "",
                cadre);
}
Who Results() {
  Who who = Person("service:results", "SYSTEM");
  who.scopes = {"archive:write"};
  return who;
}

// ───────────────────────────── the fixture ─────────────────────────────

AppraisalServiceTest::AppraisalServiceTest()
    : clock_(
          absl::FromCivil(absl::CivilMinute(2026, 12, 10, 10, 0), absl::FixedTimeZone(8 * 3600))),
      mock_(std::make_shared<::testing::NiceMock<v1::MockEvaluationServiceStub>>()) {}

void AppraisalServiceTest::SetUp() {
  evaluations_.AddCampaign(kCampaign);
  evaluations_.AddSubject(kSubject1, kCadre1, kUnit1);
  evaluations_.AddSubject(kSubject2, kCadre2, kUnit2);
  evaluations_.Install(*mock_);
  ServiceHarness::Options options;
  options.store = GetParam();
  options.clock = &clock_;
  options.config = {{"evaluations_address", "unused:1"}};
  auto harness = ServiceHarness::Start(
      "appraisals", Migrations(),
      [this](ServiceRuntime& runtime) -> absl::StatusOr<std::vector<OwnedService>> {
        std::vector<OwnedService> services;
        ASSIGN_OR_RETURN(OwnedService service, AppraisalService(runtime, runtime.deps(), mock_));
        services.push_back(std::move(service));
        return services;
      },
      options);
  ASSERT_TRUE(harness.ok()) << harness.status();
  harness_ = std::move(*harness);
  stub_ = v1::AppraisalService::NewStub(harness_->channel());
}

void AppraisalServiceTest::TearDown() {
  if (harness_ == nullptr) {
    return;
  }
  absl::StatusOr<AuditVerification> verification = VerifyAuditLog(Db(), ServiceHarness::kAuditKey);
  ASSERT_TRUE(verification.ok()) << verification.status();
  EXPECT_TRUE(verification->ok()) << absl::StrJoin(verification->problems, "\n");
}

// --- requests ---

v1::CreateAppraisalRequest AppraisalServiceTest::CreateRequest(const std::string& subject,
                                                               const std::string& id) {
  v1::CreateAppraisalRequest request;
  request.set_parent(subject.substr(0, subject.find("/campaigns/")));
  request.set_appraisal_id(id);
  request.mutable_appraisal()->set_subject(subject);
  return request;
}

v1::GetAppraisalRequest AppraisalServiceTest::GetRequest(const std::string& name) {
  v1::GetAppraisalRequest request;
  request.set_name(name);
  return request;
}

// --- set-up steps ---

v1::Appraisal AppraisalServiceTest::MustCreate(const std::string& subject, const std::string& id) {
  v1::Appraisal created;
  EXPECT_TRUE(IsOk(Call(TeamOf(subject), &v1::AppraisalService::Stub::CreateAppraisal,
                        CreateRequest(subject, id), &created)))
      << "creating the appraisal of " << subject;
  return created;
}

v1::Appraisal AppraisalServiceTest::MustGet(const std::string& name, const Who& who) {
  v1::Appraisal appraisal;
  EXPECT_TRUE(
      IsOk(Call(who, &v1::AppraisalService::Stub::GetAppraisal, GetRequest(name), &appraisal)))
      << "reading " << name;
  return appraisal;
}

v1::Appraisal AppraisalServiceTest::MustComplete(const std::string& name, const Who& cadre,
                                                 const Who& party, const Who& discipline) {
  v1::WriteSelfCheckRequest self_check;
  self_check.set_name(name);
  self_check.set_text("本人自查：坚持政治学习，严守纪律。");
  EXPECT_TRUE(IsOk(Call(cadre, &v1::AppraisalService::Stub::WriteSelfCheck, self_check)));
  v1::WritePartyOpinionRequest opinion;
  opinion.set_name(name);
  opinion.set_text("党委意见：政治立场坚定，担当作为。");
  EXPECT_TRUE(IsOk(Call(party, &v1::AppraisalService::Stub::WritePartyOpinion, opinion)));
  v1::WriteIntegrityAppraisalRequest integrity;
  integrity.set_name(name);
  integrity.set_text("廉洁鉴定：未发现违纪违法问题。");
  EXPECT_TRUE(
      IsOk(Call(discipline, &v1::AppraisalService::Stub::WriteIntegrityAppraisal, integrity)));
  const v1::Appraisal current = MustGet(name, TeamOf(name));
  v1::WriteConclusionRequest conclusion;
  conclusion.set_name(name);
  conclusion.set_grade(current.content().summary().proposal().grade());
  v1::Appraisal completed;
  EXPECT_TRUE(IsOk(
      Call(TeamOf(name), &v1::AppraisalService::Stub::WriteConclusion, conclusion, &completed)));
  return completed;
}

Signer AppraisalServiceTest::MustRegister(const Who& who, v1::AppraisalSignature::Role role,
                                          const std::string& unit, signing::Algorithm algorithm) {
  absl::StatusOr<signing::PrivateKey> generated = signing::GeneratePrivateKey(algorithm);
  EXPECT_TRUE(generated.ok()) << generated.status();
  v1::CreateSignerKeyRequest request;
  request.set_parent(absl::StrCat("regions/", who.regions[0]));
  v1::SignerKey* key = request.mutable_signer_key();
  key->set_person(who.subject);
  key->set_display_name(absl::StrCat("签字人 ", who.subject));
  key->set_role(role);
  key->set_unit(unit);
  key->set_algorithm(algorithm == signing::Algorithm::kEd25519 ? v1::SignatureAlgorithm::ED25519
                                                               : v1::SignatureAlgorithm::SM2_SM3);
  key->set_public_key(generated->public_key().ToPem());
  v1::SignerKey registered;
  const Who admin = Person("admin-1", "REGION_ADMIN", who.regions[0]);
  EXPECT_TRUE(IsOk(Call(admin, &v1::AppraisalService::Stub::CreateSignerKey, request, &registered)))
      << "registering a key of " << who.subject;
  return Signer{who, registered, *std::move(generated)};
}

grpc::Status AppraisalServiceTest::SignAs(const Signer& signer, const std::string& name,
                                          v1::Appraisal* out, v1::AppraisalSignature::Role role) {
  v1::GetSigningPayloadRequest fetch;
  fetch.set_name(absl::StrCat(name, "/signingPayload"));
  v1::SigningPayload payload;
  grpc::Status fetched =
      Call(signer.who, &v1::AppraisalService::Stub::GetSigningPayload, fetch, &payload);
  if (!fetched.ok()) {
    return fetched;
  }
  absl::StatusOr<std::string> signature = signing::Sign(signer.private_key, payload.content());
  EXPECT_TRUE(signature.ok()) << signature.status();
  v1::SignAppraisalRequest request;
  request.set_name(name);
  request.set_etag(payload.etag());
  request.set_role(role == v1::AppraisalSignature::ROLE_UNSPECIFIED ? signer.key.role() : role);
  request.set_signer_key(signer.key.name());
  request.set_signature(signature.value_or(""));
  request.set_content_sha256(payload.content_sha256());
  return Call(signer.who, &v1::AppraisalService::Stub::SignAppraisal, request, out);
}

v1::Appraisal AppraisalServiceTest::MustSigned(const std::string& subject) {
  const v1::Appraisal created = MustCreate(subject);
  MustComplete(created.name());
  const Signer party =
      MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY, kUnit1);
  const Signer discipline =
      MustRegister(DisciplineSecretary(), v1::AppraisalSignature::DISCIPLINE_SECRETARY, kUnit1);
  EXPECT_TRUE(IsOk(SignAs(party, created.name())));
  EXPECT_TRUE(IsOk(SignAs(discipline, created.name())));
  return MustGet(created.name());
}

v1::Appraisal AppraisalServiceTest::MustConclude(const std::string& name) {
  v1::ConcludeAppraisalRequest request;
  request.set_name(name);
  v1::Appraisal concluded;
  EXPECT_TRUE(
      IsOk(Call(TeamOf(name), &v1::AppraisalService::Stub::ConcludeAppraisal, request, &concluded)))
      << "concluding " << name;
  return concluded;
}

v1::Appraisal AppraisalServiceTest::MustConcluded(const std::string& subject) {
  const v1::Appraisal created = MustCreate(subject);
  const std::string unit = subject == kSubject2 ? kUnit2 : kUnit1;
  const std::string cadre = subject == kSubject2 ? kCadre2 : kCadre1;
  if (party_signer_ == nullptr) {
    party_signer_ = std::make_unique<Signer>(
        MustRegister(PartySecretary("*"), v1::AppraisalSignature::PARTY_SECRETARY, "*"));
    discipline_signer_ = std::make_unique<Signer>(
        MustRegister(DisciplineSecretary("*"), v1::AppraisalSignature::DISCIPLINE_SECRETARY, "*"));
  }
  MustComplete(created.name(), Cadre(cadre), PartySecretary(unit), DisciplineSecretary(unit));
  EXPECT_TRUE(IsOk(SignAs(*party_signer_, created.name())));
  EXPECT_TRUE(IsOk(SignAs(*discipline_signer_, created.name())));
  return MustConclude(created.name());
}

v1::VerifyAppraisalSignaturesResponse AppraisalServiceTest::MustVerify(const std::string& name,
                                                                       const Who& who) {
  v1::VerifyAppraisalSignaturesRequest request;
  request.set_name(name);
  v1::VerifyAppraisalSignaturesResponse response;
  EXPECT_TRUE(
      IsOk(Call(who, &v1::AppraisalService::Stub::VerifyAppraisalSignatures, request, &response)));
  return response;
}

// --- the store ---

int64_t AppraisalServiceTest::CountRows(const std::string& table) {
  absl::StatusOr<int64_t> count = db::RunInTransaction(
      Db(), db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<int64_t> {
        ASSIGN_OR_RETURN(db::Row row, tx.QueryOne(absl::StrCat("SELECT COUNT(*) FROM ", table)));
        return row[0].AsInt();
      });
  EXPECT_TRUE(count.ok()) << count.status();
  return count.value_or(-1);
}

std::string AppraisalServiceTest::Footprint() {
  absl::StatusOr<std::string> footprint = ::kaoping::testing::StoreFootprint(Db());
  EXPECT_TRUE(footprint.ok()) << footprint.status();
  return footprint.value_or("<unreadable>");
}

std::vector<AuditRow> AppraisalServiceTest::AuditRows(const std::string& region) {
  absl::StatusOr<std::vector<AuditRow>> rows = db::RunInTransaction(
      Db(), db::Access::kReadOnly,
      [&](db::Transaction& tx) -> absl::StatusOr<std::vector<AuditRow>> {
        ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT principal, method, resource, outcome,"
                                                 " detail FROM audit_log WHERE region_code = $1"
                                                 " ORDER BY seq",
                                                 {region}));
        std::vector<AuditRow> out;
        for (const db::Row& row : rows) {
          out.push_back({row[0].AsText(), row[1].AsText(), row[2].AsText(), row[3].AsText(),
                         row[4].AsText()});
        }
        return out;
      });
  EXPECT_TRUE(rows.ok()) << rows.status();
  return rows.value_or(std::vector<AuditRow>());
}

std::vector<OutboxRow> AppraisalServiceTest::OutboxRows() {
  absl::StatusOr<std::vector<OutboxRow>> rows = db::RunInTransaction(
      Db(), db::Access::kReadOnly,
      [&](db::Transaction& tx) -> absl::StatusOr<std::vector<OutboxRow>> {
        ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT event_type, event FROM outbox"
                                                 " ORDER BY created_micros, region_code, seq"));
        std::vector<OutboxRow> out;
        for (const db::Row& row : rows) {
          OutboxRow r{row[0].AsText(), v1::Event()};
          if (!r.event.ParseFromString(row[1].AsBlob())) {
            return absl::DataLossError("an outbox event does not parse");
          }
          out.push_back(std::move(r));
        }
        return out;
      });
  EXPECT_TRUE(rows.ok()) << rows.status();
  return rows.value_or(std::vector<OutboxRow>());
}

void AppraisalServiceTest::ExecuteSql(const std::string& sql, const db::Params& params) {
  absl::Status done = db::RunInTransaction(
      Db(), db::Access::kReadWrite,
      [&](db::Transaction& tx) -> absl::Status { return tx.Execute(sql, params).status(); });
  EXPECT_TRUE(done.ok()) << done;
}

}  // namespace kaoping::appraisals::testing
