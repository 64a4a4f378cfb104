// The appraisals service's authorization as a matrix generated from its RPC
// table (tests/support/authorization_matrix.h), on SQLite and PostgreSQL:
// every RPC × every role (SYSTEM with and without `archive:write`) × own /
// child / sibling / parent region × own / other unit; the code, and that a
// refused call wrote nothing but its audit entry. Secretaries reach only
// the appraisals of their unit (the cadre's unit is stored with the
// appraisal: NOT_FOUND otherwise); the cadre reaches their own.
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/appraisals/appraisal_policy.h"
#include "services/appraisals/appraisal_service.h"
#include "services/appraisals/signing/signature.h"
#include "services/common/status_macros.h"
#include "tests/appraisals/service_fixture.h"
#include "tests/support/authorization_matrix.h"

namespace kaoping::appraisals::testing {
namespace {

using ::kaoping::testing::MatrixRpc;
using ::kaoping::testing::MatrixRpcs;
using ::kaoping::testing::MatrixSubject;
using Stub = v1::AppraisalService::Stub;

constexpr char kCity[] = "510100";
constexpr char kCityCampaign[] = "regions/510100/campaigns/2026-annual";
constexpr char kCityUnit[] = "regions/510100/units/u-1";
constexpr char kCityCadre[] = "regions/510100/cadres/c-1";

class AppraisalMatrixTest : public AppraisalServiceTest {
 protected:
  // A fresh subject about the matrix's cadre, for an appraisal of its own.
  std::string NewSubject(int cell) {
    const std::string subject = absl::StrCat(kCityCampaign, "/subjects/s-", cell);
    evaluations_.AddSubject(subject, kCityCadre, kCityUnit);
    return subject;
  }
  v1::Appraisal Draft(int cell) { return MustCreate(NewSubject(cell), absl::StrCat("m-", cell)); }
  v1::Appraisal Complete(int cell) {
    const v1::Appraisal draft = Draft(cell);
    return MustComplete(draft.name(), Person("cadre-m", "CADRE", kCity, "", kCityCadre),
                        Person("ps-m", "PARTY_SECRETARY", kCity, kCityUnit),
                        Person("ds-m", "DISCIPLINE_SECRETARY", kCity, kCityUnit));
  }
  // Both secretaries of the whole city, registered once.
  const Signer& CitySigner(v1::AppraisalSignature::Role role) {
    std::unique_ptr<Signer>& signer =
        role == v1::AppraisalSignature::PARTY_SECRETARY ? party_signer_ : discipline_signer_;
    if (signer == nullptr) {
      const bool party = role == v1::AppraisalSignature::PARTY_SECRETARY;
      signer = std::make_unique<Signer>(
          MustRegister(Person(party ? "ps-city" : "ds-city",
                              party ? "PARTY_SECRETARY" : "DISCIPLINE_SECRETARY", kCity, "*"),
                       role, "*"));
    }
    return *signer;
  }
  v1::Appraisal Concluded(int cell) {
    const v1::Appraisal complete = Complete(cell);
    EXPECT_TRUE(IsOk(SignAs(CitySigner(v1::AppraisalSignature::PARTY_SECRETARY), complete.name())));
    EXPECT_TRUE(
        IsOk(SignAs(CitySigner(v1::AppraisalSignature::DISCIPLINE_SECRETARY), complete.name())));
    return MustConclude(complete.name());
  }
  // A signature by `who` with a key of their own covering their unit, in
  // the role their token holds (PARTY_SECRETARY for anyone else: refused).
  v1::SignAppraisalRequest SignRequest(int cell, const Who& who) {
    const bool discipline = who.roles[0] == "DISCIPLINE_SECRETARY";
    const v1::AppraisalSignature::Role role = discipline
                                                  ? v1::AppraisalSignature::DISCIPLINE_SECRETARY
                                                  : v1::AppraisalSignature::PARTY_SECRETARY;
    Who holder = who;
    holder.regions = {kCity};
    const Signer signer = MustRegister(holder, role, who.unit.empty() ? "*" : who.unit);
    const v1::Appraisal complete = Complete(cell);
    v1::SignAppraisalRequest request;
    request.set_name(complete.name());
    request.set_role(role);
    request.set_signer_key(signer.key.name());
    request.set_signature(
        signing::Sign(signer.private_key, complete.signed_content()).value_or(""));
    request.set_content_sha256(complete.content_sha256());
    return request;
  }
  v1::SignerKey NewKey(int cell) {
    return MustRegister(Person(absl::StrCat("holder-", cell), "PARTY_SECRETARY", kCity, kCityUnit),
                        v1::AppraisalSignature::PARTY_SECRETARY, kCityUnit)
        .key;
  }

  absl::StatusOr<std::string> Request(const std::string& rpc, int cell, const Who& who);
};

absl::StatusOr<std::string> AppraisalMatrixTest::Request(const std::string& rpc, int cell,
                                                         const Who& who) {
  if (rpc == "CreateAppraisal") {
    return CreateRequest(NewSubject(cell), absl::StrCat("m-", cell)).SerializeAsString();
  }
  if (rpc == "ListAppraisals") {
    v1::ListAppraisalsRequest request;
    request.set_parent(absl::StrCat("regions/", kCity));
    return request.SerializeAsString();
  }
  if (rpc == "GetAppraisal") {
    return GetRequest(Concluded(cell).name()).SerializeAsString();
  }
  if (rpc == "VerifyAppraisalSignatures") {
    v1::VerifyAppraisalSignaturesRequest request;
    request.set_name(Concluded(cell).name());
    return request.SerializeAsString();
  }
  if (rpc == "GetSigningPayload") {
    v1::GetSigningPayloadRequest request;
    request.set_name(Complete(cell).name() + "/signingPayload");
    return request.SerializeAsString();
  }
  if (rpc == "DeleteAppraisal") {
    v1::DeleteAppraisalRequest request;
    request.set_name(Draft(cell).name());
    return request.SerializeAsString();
  }
  if (rpc == "RefreshAppraisalSummary") {
    const v1::Appraisal draft = Draft(cell);
    evaluations_.ChangeSummary(draft.subject(), v1::FAIRLY_GOOD);  // something to refresh
    v1::RefreshAppraisalSummaryRequest request;
    request.set_name(draft.name());
    return request.SerializeAsString();
  }
  if (rpc == "WriteSelfCheck") {
    v1::WriteSelfCheckRequest request;
    request.set_name(Draft(cell).name());
    request.set_text("自查");
    return request.SerializeAsString();
  }
  if (rpc == "WritePartyOpinion") {
    v1::WritePartyOpinionRequest request;
    request.set_name(Draft(cell).name());
    request.set_text("党委意见");
    return request.SerializeAsString();
  }
  if (rpc == "WriteIntegrityAppraisal") {
    v1::WriteIntegrityAppraisalRequest request;
    request.set_name(Draft(cell).name());
    request.set_text("廉洁鉴定");
    return request.SerializeAsString();
  }
  if (rpc == "WriteConclusion") {
    v1::WriteConclusionRequest request;
    request.set_name(Draft(cell).name());
    request.set_grade(v1::FAIRLY_GOOD);  // the proposed grade
    return request.SerializeAsString();
  }
  if (rpc == "SignAppraisal") {
    return SignRequest(cell, who).SerializeAsString();
  }
  if (rpc == "ConcludeAppraisal") {
    const v1::Appraisal complete = Complete(cell);
    EXPECT_TRUE(IsOk(SignAs(CitySigner(v1::AppraisalSignature::PARTY_SECRETARY), complete.name())));
    EXPECT_TRUE(
        IsOk(SignAs(CitySigner(v1::AppraisalSignature::DISCIPLINE_SECRETARY), complete.name())));
    v1::ConcludeAppraisalRequest request;
    request.set_name(complete.name());
    return request.SerializeAsString();
  }
  if (rpc == "CreateSignerKey") {
    absl::StatusOr<signing::PrivateKey> key =
        signing::GeneratePrivateKey(signing::Algorithm::kEd25519);
    RETURN_IF_ERROR(key.status());
    v1::CreateSignerKeyRequest request;
    request.set_parent(absl::StrCat("regions/", kCity));
    v1::SignerKey* signer_key = request.mutable_signer_key();
    signer_key->set_person(absl::StrCat("holder-", cell));
    signer_key->set_display_name("签字人");
    signer_key->set_role(v1::AppraisalSignature::PARTY_SECRETARY);
    signer_key->set_unit(kCityUnit);
    signer_key->set_algorithm(v1::SignatureAlgorithm::ED25519);
    signer_key->set_public_key(key->public_key().ToPem());
    return request.SerializeAsString();
  }
  if (rpc == "GetSignerKey") {
    v1::GetSignerKeyRequest request;
    request.set_name(CitySigner(v1::AppraisalSignature::PARTY_SECRETARY).key.name());
    return request.SerializeAsString();
  }
  if (rpc == "ListSignerKeys") {
    v1::ListSignerKeysRequest request;
    request.set_parent(absl::StrCat("regions/", kCity));
    return request.SerializeAsString();
  }
  if (rpc == "RevokeSignerKey") {
    v1::RevokeSignerKeyRequest request;
    request.set_name(NewKey(cell).name());
    request.set_reason("轮换");
    return request.SerializeAsString();
  }
  return absl::NotFoundError(absl::StrCat("no request for ", rpc));
}

KAOPING_APPRAISAL_STORES(AppraisalMatrixTest);

TEST(AppraisalRpcsTest, TheTableCoversTheServiceExactlyOnce) {
  EXPECT_TRUE(AppraisalRpcs().status().ok()) << AppraisalRpcs().status();
}

TEST(AppraisalRpcsTest, OnlyTheCountyItselfReachesAppraisals) {
  const Policy& policy = AppraisalRpcs().policy();
  for (const MatrixRpc& rpc : MatrixRpcs(AppraisalRpcs())) {
    const Rule* rule = policy.RuleOf(rpc.method);
    ASSERT_NE(rule, nullptr) << rpc.method;
    EXPECT_EQ(rule->region, RegionRelation::kOwn)
        << rpc.method << ": city and province grants read no appraisal";
    if (rpc.kind != CallKind::kWrite) {
      EXPECT_TRUE(rule->refuse_as_not_found) << rpc.method << ": a read refused is NOT_FOUND";
    }
  }
}

TEST_P(AppraisalMatrixTest, EveryRpcEveryRoleEveryRegionEveryUnit) {
  MatrixSubject subject;
  subject.region = kCity;
  subject.own_unit = kCityUnit;
  subject.other_unit = "regions/510100/units/u-2";
  subject.own_cadre = kCityCadre;
  evaluations_.AddCampaign(kCityCampaign);
  subject.rpcs = MatrixRpcs(AppraisalRpcs());
  for (MatrixRpc& rpc : subject.rpcs) {
    const std::string name = rpc.method.substr(std::string(kServicePrefix).size());
    // Every RPC naming one appraisal finds the secretaries' unit in it.
    const bool names_an_appraisal = name != "CreateAppraisal" && name != "ListAppraisals" &&
                                    name.find("SignerKey") == std::string::npos;
    if (names_an_appraisal) {
      rpc.stored_unit_roles = kUnitScopedRoles;
    }
  }
  // Set-up work only for callers of the appraisal's own region (the others
  // are refused before anything is read: one shared request serves them).
  std::map<std::string, std::string> shared;
  subject.valid_request_for = [&](const std::string& method, int cell,
                                  const Who& who) -> absl::StatusOr<std::string> {
    const std::string rpc = method.substr(std::string(kServicePrefix).size());
    const bool own_region = who.regions.size() == 1 && who.regions[0] == kCity;
    if (!own_region && shared.contains(rpc)) {
      return shared[rpc];
    }
    absl::StatusOr<std::string> request = Request(rpc, cell, who);
    if (request.ok() && !own_region) {
      shared[rpc] = *request;
    }
    return request;
  };
  int cells = 0;
  const std::vector<std::string> failures =
      ::kaoping::testing::RunAuthorizationMatrix(*harness_, subject, &cells);
  EXPECT_EQ(cells, 17 * 9 * 4 * 2);
  EXPECT_TRUE(failures.empty()) << failures.size() << " cells failed:\n"
                                << absl::StrJoin(failures, "\n");
}

}  // namespace
}  // namespace kaoping::appraisals::testing
