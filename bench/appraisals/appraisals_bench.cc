// An appraisal's signatures through real gRPC (in-process server, SQLite
// store, JWT verified per call, evaluations as the tests' gMock stub),
// beside two baselines measured in the same run: the gRPC no-op (the health
// check on the same server and channel) and the bare check of the same two
// signatures over the same bytes (signing::Verify, no gRPC, no store).
//
//   VerifyAppraisalSignatures  reads the row and its two keys, checks both
//   GetAppraisal               the audited read the printed form needs
//   SignAppraisal              verifies one signature, stores it, emits AppraisalSigned
//
//   bench/run            (or: build/bench/bench/appraisals/kaoping_appraisals_bench)
#include <memory>

#include <benchmark/benchmark.h>

#include "kaoping/v1/appraisals.grpc.pb.h"
#include "services/appraisals/appraisal_service.h"
#include "services/appraisals/migrations.h"
#include "services/appraisals/signing/signature.h"
#include "services/common/client/generic_call.h"
#include "services/common/log.h"
#include "tests/appraisals/fake_evaluations.h"
#include "tests/support/service_harness.h"

namespace {

using kaoping::testing::ServiceHarness;
namespace v1 = kaoping::v1;
namespace signing = kaoping::signing;

constexpr char kSubject[] = "regions/510114/campaigns/2026-annual/subjects/c-1";
constexpr char kUnit[] = "regions/510114/units/u-1";

ServiceHarness::Who Person(const char* subject, const char* role, const char* unit = "") {
  ServiceHarness::Who who;
  who.subject = subject;
  who.roles = {role};
  who.regions = {"510114"};
  who.unit = unit;
  return who;
}

void Check(const grpc::Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, status.error_message().c_str());
    std::exit(1);
  }
}

struct Signer {
  ServiceHarness::Who who;
  v1::SignerKey key;
  std::optional<signing::PrivateKey> private_key;
};

struct Fixture {
  kaoping::appraisals::testing::FakeEvaluations evaluations;
  std::shared_ptr<::testing::NiceMock<v1::MockEvaluationServiceStub>> mock =
      std::make_shared<::testing::NiceMock<v1::MockEvaluationServiceStub>>();
  std::unique_ptr<ServiceHarness> harness;
  std::unique_ptr<v1::AppraisalService::Stub> stub;
  std::string appraisal;
  Signer party;
  Signer discipline;
  v1::Appraisal signed_appraisal;

  std::unique_ptr<grpc::ClientContext> Context(const ServiceHarness::Who& who) {
    return harness->Context(who);
  }
  Signer Register(ServiceHarness::Who who, v1::AppraisalSignature::Role role,
                  signing::Algorithm algorithm) {
    Signer signer{std::move(who), {}, *signing::GeneratePrivateKey(algorithm)};
    v1::CreateSignerKeyRequest request;
    request.set_parent("regions/510114");
    v1::SignerKey* key = request.mutable_signer_key();
    key->set_person(signer.who.subject);
    key->set_display_name("签字人");
    key->set_role(role);
    key->set_unit(kUnit);
    key->set_algorithm(algorithm == signing::Algorithm::kSm2 ? v1::SignatureAlgorithm::SM2_SM3
                                                             : v1::SignatureAlgorithm::ED25519);
    key->set_public_key(signer.private_key->public_key().ToPem());
    Check(
        stub->CreateSignerKey(Context(Person("admin", "REGION_ADMIN")).get(), request, &signer.key),
        "registering a key");
    return signer;
  }
  v1::SignAppraisalRequest SignRequest(const Signer& signer) {
    v1::GetSigningPayloadRequest fetch;
    fetch.set_name(appraisal + "/signingPayload");
    v1::SigningPayload payload;
    Check(stub->GetSigningPayload(Context(signer.who).get(), fetch, &payload), "payload");
    v1::SignAppraisalRequest request;
    request.set_name(appraisal);
    request.set_role(signer.key.role());
    request.set_signer_key(signer.key.name());
    request.set_signature(*signing::Sign(*signer.private_key, payload.content()));
    request.set_content_sha256(payload.content_sha256());
    return request;
  }
};

Fixture& Shared() {
  static Fixture* fixture = [] {
    kaoping::InitLogging("bench", kaoping::LogLevel::kWarning);
    auto* f = new Fixture();
    f->evaluations.AddCampaign("regions/510114/campaigns/2026-annual");
    f->evaluations.AddSubject(kSubject, "regions/510114/cadres/c-1", kUnit);
    f->evaluations.Install(*f->mock);
    ::testing::Mock::AllowLeak(f->mock.get());  // the fixture lives until the process ends
    ServiceHarness::Options options;
    options.store = kaoping::testing::StoreKind::kSqlite;
    options.config = {{"evaluations_address", "unused:1"}};
    auto harness = ServiceHarness::Start(
        "appraisals", kaoping::appraisals::Migrations(),
        [f](kaoping::ServiceRuntime& rt) -> absl::StatusOr<std::vector<kaoping::OwnedService>> {
          std::vector<kaoping::OwnedService> services;
          auto service = kaoping::appraisals::AppraisalService(rt, rt.deps(), f->mock);
          if (!service.ok()) {
            return service.status();
          }
          services.push_back(std::move(*service));
          return services;
        },
        options);
    if (!harness.ok()) {
      std::fprintf(stderr, "cannot start: %s\n", harness.status().ToString().c_str());
      std::exit(1);
    }
    f->harness = std::move(*harness);
    f->stub = v1::AppraisalService::NewStub(f->harness->channel());
    const auto team = Person("team", "ASSESSMENT_TEAM");
    v1::CreateAppraisalRequest create;
    create.set_parent("regions/510114");
    create.mutable_appraisal()->set_subject(kSubject);
    v1::Appraisal created;
    Check(f->stub->CreateAppraisal(f->Context(team).get(), create, &created), "create");
    f->appraisal = created.name();
    v1::Appraisal scratch;
    v1::WriteSelfCheckRequest self_check;
    self_check.set_name(f->appraisal);
    self_check.set_text("本人自查");
    Check(f->stub->WriteSelfCheck(f->Context(team).get(), self_check, &scratch), "self-check");
    v1::WritePartyOpinionRequest opinion;
    opinion.set_name(f->appraisal);
    opinion.set_text("党委意见");
    Check(f->stub->WritePartyOpinion(f->Context(Person("ps", "PARTY_SECRETARY", kUnit)).get(),
                                     opinion, &scratch),
          "party opinion");
    v1::WriteIntegrityAppraisalRequest integrity;
    integrity.set_name(f->appraisal);
    integrity.set_text("廉洁鉴定");
    Check(f->stub->WriteIntegrityAppraisal(
              f->Context(Person("ds", "DISCIPLINE_SECRETARY", kUnit)).get(), integrity, &scratch),
          "integrity appraisal");
    v1::WriteConclusionRequest conclusion;
    conclusion.set_name(f->appraisal);
    conclusion.set_grade(v1::FAIRLY_GOOD);
    Check(f->stub->WriteConclusion(f->Context(team).get(), conclusion, &scratch), "conclusion");
    f->party = f->Register(Person("ps", "PARTY_SECRETARY", kUnit),
                           v1::AppraisalSignature::PARTY_SECRETARY, signing::Algorithm::kSm2);
    f->discipline =
        f->Register(Person("ds", "DISCIPLINE_SECRETARY", kUnit),
                    v1::AppraisalSignature::DISCIPLINE_SECRETARY, signing::Algorithm::kEd25519);
    Check(
        f->stub->SignAppraisal(f->Context(f->party.who).get(), f->SignRequest(f->party), &scratch),
        "party signature");
    Check(f->stub->SignAppraisal(f->Context(f->discipline.who).get(), f->SignRequest(f->discipline),
                                 &f->signed_appraisal),
          "discipline signature");
    return f;
  }();
  return *fixture;
}

// Baseline 1: the cheapest RPC the same server answers.
void BM_GrpcNoopHealthCheck(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) {
    auto serving = kaoping::CheckHealth(*f.harness->channel(), "", absl::Seconds(5));
    if (!serving.ok() || !*serving) {
      state.SkipWithError("health check failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

// Baseline 2: the two signature checks alone (SM2 with SM3, Ed25519) over
// the stored bytes, parsing the stored public keys as the service does.
void BM_BareVerifyBothSignatures(benchmark::State& state) {
  Fixture& f = Shared();
  const v1::Appraisal& a = f.signed_appraisal;
  for (auto _ : state) {
    for (const v1::AppraisalSignature& s : a.signatures()) {
      auto key =
          signing::ParsePublicKey(s.public_key(), s.algorithm() == v1::SignatureAlgorithm::SM2_SM3
                                                      ? signing::Algorithm::kSm2
                                                      : signing::Algorithm::kEd25519);
      if (!key.ok() || !signing::Verify(*key, a.signed_content(), s.signature()).ok()) {
        state.SkipWithError("a signature does not verify");
        return;
      }
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_VerifyAppraisalSignatures(benchmark::State& state) {
  Fixture& f = Shared();
  const auto auditor = Person("auditor", "AUDITOR");
  v1::VerifyAppraisalSignaturesRequest request;
  request.set_name(f.appraisal);
  for (auto _ : state) {
    v1::VerifyAppraisalSignaturesResponse response;
    grpc::Status st =
        f.stub->VerifyAppraisalSignatures(f.Context(auditor).get(), request, &response);
    if (!st.ok() || !response.complete()) {
      state.SkipWithError(st.ok() ? "not complete" : st.error_message().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_GetAppraisal(benchmark::State& state) {
  Fixture& f = Shared();
  const auto auditor = Person("auditor", "AUDITOR");
  v1::GetAppraisalRequest request;
  request.set_name(f.appraisal);
  for (auto _ : state) {
    v1::Appraisal response;
    grpc::Status st = f.stub->GetAppraisal(f.Context(auditor).get(), request, &response);
    if (!st.ok()) {
      state.SkipWithError(st.error_message().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

// The party secretary signs again and again (each replaces the last): the
// server verifies an SM2 signature, rewrites the row, audits and emits.
void BM_SignAppraisal(benchmark::State& state) {
  Fixture& f = Shared();
  const v1::SignAppraisalRequest request = f.SignRequest(f.party);
  for (auto _ : state) {
    v1::Appraisal response;
    grpc::Status st = f.stub->SignAppraisal(f.Context(f.party.who).get(), request, &response);
    if (!st.ok()) {
      state.SkipWithError(st.error_message().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_GrpcNoopHealthCheck)->UseRealTime();
BENCHMARK(BM_BareVerifyBothSignatures)->UseRealTime();
BENCHMARK(BM_VerifyAppraisalSignatures)->UseRealTime();
BENCHMARK(BM_GetAppraisal)->UseRealTime();
BENCHMARK(BM_SignAppraisal)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
