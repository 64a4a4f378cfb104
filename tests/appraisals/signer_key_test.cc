// The signer key registry on SQLite and PostgreSQL: a key of either
// algorithm registered in any form (PEM, DER, raw; an SM2 point
// compressed in its SubjectPublicKeyInfo), stored raw with the fingerprint `openssl pkey -pubin
// -outform DER | sha256sum` prints, once per region; every bad field named;
// revocation once, with a reason; lists by person, role and state.
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/appraisals/signing/private_key.h"
#include "services/common/crypto.h"
#include "tests/appraisals/service_fixture.h"

namespace kaoping::appraisals::testing {
namespace {

using Stub = v1::AppraisalService::Stub;

class SignerKeyTest : public AppraisalServiceTest {
 protected:
  static v1::CreateSignerKeyRequest Request(const std::string& public_key,
                                            v1::SignatureAlgorithm::Algorithm algorithm,
                                            const std::string& person = "ps-1") {
    v1::CreateSignerKeyRequest request;
    request.set_parent("regions/510114");
    v1::SignerKey* key = request.mutable_signer_key();
    key->set_person(person);
    key->set_display_name("李书记");
    key->set_role(v1::AppraisalSignature::PARTY_SECRETARY);
    key->set_unit(kUnit1);
    key->set_algorithm(algorithm);
    key->set_public_key(public_key);
    return request;
  }
  static signing::PrivateKey Generated(signing::Algorithm algorithm) {
    absl::StatusOr<signing::PrivateKey> key = signing::GeneratePrivateKey(algorithm);
    EXPECT_TRUE(key.ok()) << key.status();
    return *std::move(key);
  }
};
KAOPING_APPRAISAL_STORES(SignerKeyTest);

TEST_P(SignerKeyTest, AKeyInAnyFormIsStoredRawWithItsFingerprintOncePerRegion) {
  const signing::PrivateKey ed25519 = Generated(signing::Algorithm::kEd25519);
  const signing::PublicKey& public_key = ed25519.public_key();
  v1::SignerKey registered;
  ASSERT_TRUE(
      IsOk(Call(Admin(), &Stub::CreateSignerKey,
                Request(public_key.ToPem(), v1::SignatureAlgorithm::ED25519), &registered)));
  EXPECT_EQ(registered.public_key(), public_key.raw());
  EXPECT_EQ(registered.public_key().size(), 32u);
  EXPECT_EQ(registered.fingerprint(), HexEncode(Sha256(public_key.der())));
  EXPECT_EQ(registered.state(), v1::SignerKey::ACTIVE);
  EXPECT_EQ(registered.creator(), "admin-1");
  EXPECT_EQ(AuditRows().back().outcome, "OK");
  const std::string before = Footprint();
  for (const std::string& form : {public_key.der(), public_key.raw(), public_key.ToPem()}) {
    EXPECT_TRUE(HasCode(Call(Admin(), &Stub::CreateSignerKey,
                             Request(form, v1::SignatureAlgorithm::ED25519, "someone-else")),
                        grpc::StatusCode::ALREADY_EXISTS, registered.name()));
  }
  EXPECT_EQ(Footprint(), before);
  v1::SignerKey read;
  v1::GetSignerKeyRequest get;
  get.set_name(registered.name());
  ASSERT_TRUE(IsOk(Call(Cadre(), &Stub::GetSignerKey, get, &read)))
      << "public keys are no secret to the county";
  EXPECT_EQ(read.fingerprint(), registered.fingerprint());
}

TEST_P(SignerKeyTest, AnSm2KeyIsStoredAsItsUncompressedPoint) {
  const signing::PrivateKey sm2 = Generated(signing::Algorithm::kSm2);
  const std::string& raw = sm2.public_key().raw();
  ASSERT_EQ(raw.size(), 65u);
  // A SubjectPublicKeyInfo holding the compressed point: 02 or 03 by Y's
  // parity, then X.
  const std::string compressed =
      absl::StrCat(absl::HexStringToBytes("3039301306072a8648ce3d020106082a811ccf5501822d032200"),
                   std::string(1, (raw[64] & 1) ? '\x03' : '\x02'), raw.substr(1, 32));
  v1::SignerKey registered;
  ASSERT_TRUE(IsOk(Call(Admin(), &Stub::CreateSignerKey,
                        Request(compressed, v1::SignatureAlgorithm::SM2_SM3), &registered)));
  EXPECT_EQ(registered.public_key(), raw);
  EXPECT_EQ(registered.algorithm(), v1::SignatureAlgorithm::SM2_SM3);
  EXPECT_EQ(registered.fingerprint(), HexEncode(Sha256(sm2.public_key().der())));
}

TEST_P(SignerKeyTest, ARegistrationReplayedReturnsTheFirstAndWritesNothing) {
  v1::CreateSignerKeyRequest request = Request(
      Generated(signing::Algorithm::kSm2).public_key().ToPem(), v1::SignatureAlgorithm::SM2_SM3);
  request.set_request_id("register-ps-1");
  v1::SignerKey first;
  ASSERT_TRUE(IsOk(Call(Admin(), &Stub::CreateSignerKey, request, &first)));
  const std::string after_first = Footprint();
  v1::SignerKey again;
  ASSERT_TRUE(IsOk(Call(Admin(), &Stub::CreateSignerKey, request, &again)));
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(again.fingerprint(), first.fingerprint());
  EXPECT_EQ(Footprint(), after_first);
  request.mutable_signer_key()->set_display_name("另一个名字");
  EXPECT_TRUE(HasCode(Call(Admin(), &Stub::CreateSignerKey, request),
                      grpc::StatusCode::INVALID_ARGUMENT, "request_id"));
}

TEST_P(SignerKeyTest, BadFieldsAreNamedAndNothingIsWritten) {
  const std::string ed25519 = Generated(signing::Algorithm::kEd25519).public_key().ToPem();
  const std::string sm2 = Generated(signing::Algorithm::kSm2).public_key().ToPem();
  const std::string before = Footprint();
  auto refused = [&](v1::CreateSignerKeyRequest request, absl::string_view mentions) {
    return HasCode(Call(Admin(), &Stub::CreateSignerKey, request),
                   grpc::StatusCode::INVALID_ARGUMENT, mentions);
  };
  v1::CreateSignerKeyRequest request = Request(ed25519, v1::SignatureAlgorithm::ED25519);
  request.mutable_signer_key()->clear_person();
  EXPECT_TRUE(refused(request, "signer_key.person: required"));
  request = Request(ed25519, v1::SignatureAlgorithm::ED25519);
  request.mutable_signer_key()->set_display_name(std::string(101, 'x'));
  EXPECT_TRUE(refused(request, "signer_key.display_name: at most 100"));
  request = Request(ed25519, v1::SignatureAlgorithm::ED25519);
  request.mutable_signer_key()->set_role(v1::AppraisalSignature::ROLE_UNSPECIFIED);
  EXPECT_TRUE(refused(request, "signer_key.role"));
  request = Request(ed25519, v1::SignatureAlgorithm::ED25519);
  request.mutable_signer_key()->clear_unit();
  EXPECT_TRUE(refused(request, "signer_key.unit"));
  request = Request(ed25519, v1::SignatureAlgorithm::ED25519);
  request.mutable_signer_key()->set_unit("regions/510104/units/u-1");
  EXPECT_TRUE(refused(request, "signer_key.unit"));
  EXPECT_TRUE(refused(Request(ed25519, v1::SignatureAlgorithm::ALGORITHM_UNSPECIFIED),
                      "signer_key.algorithm: required"));
  EXPECT_TRUE(
      refused(Request("", v1::SignatureAlgorithm::ED25519), "signer_key.public_key: required"));
  EXPECT_TRUE(refused(Request(sm2, v1::SignatureAlgorithm::ED25519), "signer_key.public_key"))
      << "an SM2 key declared Ed25519";
  EXPECT_TRUE(refused(Request(ed25519, v1::SignatureAlgorithm::SM2_SM3), "signer_key.public_key"))
      << "an Ed25519 key declared SM2";
  EXPECT_TRUE(refused(Request(std::string(31, 'k'), v1::SignatureAlgorithm::ED25519),
                      "signer_key.public_key"));
  request = Request(ed25519, v1::SignatureAlgorithm::ED25519);
  request.set_signer_key_id("Not_An_Id");
  EXPECT_TRUE(refused(request, "signer_key_id"));
  EXPECT_EQ(Footprint(), before);
}

TEST_P(SignerKeyTest, RevocationNeedsAReasonAndHappensOnce) {
  v1::SignerKey registered;
  ASSERT_TRUE(IsOk(Call(Admin(), &Stub::CreateSignerKey,
                        Request(Generated(signing::Algorithm::kEd25519).public_key().ToPem(),
                                v1::SignatureAlgorithm::ED25519),
                        &registered)));
  v1::RevokeSignerKeyRequest revoke;
  revoke.set_name(registered.name());
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(Call(Admin(), &Stub::RevokeSignerKey, revoke),
                      grpc::StatusCode::INVALID_ARGUMENT, "reason: required"));
  revoke.set_reason("调离");
  revoke.set_etag("\"stale\"");
  EXPECT_TRUE(HasCode(Call(Admin(), &Stub::RevokeSignerKey, revoke), grpc::StatusCode::ABORTED));
  EXPECT_EQ(Footprint(), before);
  revoke.set_etag(registered.etag());
  clock_.Advance(absl::Hours(1));
  v1::SignerKey revoked;
  ASSERT_TRUE(IsOk(Call(Admin(), &Stub::RevokeSignerKey, revoke, &revoked)));
  EXPECT_EQ(revoked.state(), v1::SignerKey::REVOKED);
  EXPECT_EQ(revoked.revoke_reason(), "调离");
  EXPECT_EQ(revoked.revoke_time().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_NE(revoked.etag(), registered.etag());
  revoke.set_etag("");
  EXPECT_TRUE(HasCode(Call(Admin(), &Stub::RevokeSignerKey, revoke),
                      grpc::StatusCode::FAILED_PRECONDITION, "already REVOKED"));
}

TEST_P(SignerKeyTest, ListsFilterByPersonRoleAndState) {
  const Signer a = MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY);
  clock_.Advance(absl::Seconds(1));
  const Signer b =
      MustRegister(DisciplineSecretary(), v1::AppraisalSignature::DISCIPLINE_SECRETARY);
  clock_.Advance(absl::Seconds(1));
  const Signer c = MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY, kUnit1,
                                signing::Algorithm::kSm2);
  v1::RevokeSignerKeyRequest revoke;
  revoke.set_name(a.key.name());
  revoke.set_reason("轮换");
  ASSERT_TRUE(IsOk(Call(Admin(), &Stub::RevokeSignerKey, revoke)));
  auto listed = [&](v1::ListSignerKeysRequest request) {
    request.set_parent("regions/510114");
    v1::ListSignerKeysResponse response;
    EXPECT_TRUE(IsOk(Call(Auditor(), &Stub::ListSignerKeys, request, &response)));
    std::vector<std::string> names;
    for (const v1::SignerKey& key : response.signer_keys()) {
      names.push_back(key.name());
    }
    return names;
  };
  v1::ListSignerKeysRequest all;
  EXPECT_THAT(listed(all),
              ::testing::UnorderedElementsAre(a.key.name(), b.key.name(), c.key.name()));
  v1::ListSignerKeysRequest by_person;
  by_person.set_person("ps-1");
  EXPECT_THAT(listed(by_person), ::testing::ElementsAre(a.key.name(), c.key.name()));
  v1::ListSignerKeysRequest active_party;
  active_party.set_role(v1::AppraisalSignature::PARTY_SECRETARY);
  active_party.set_state(v1::SignerKey::ACTIVE);
  EXPECT_THAT(listed(active_party), ::testing::ElementsAre(c.key.name()));
  v1::ListSignerKeysRequest paged;
  paged.set_page_size(1);
  paged.set_parent("regions/510114");
  v1::ListSignerKeysResponse first;
  ASSERT_TRUE(IsOk(Call(Auditor(), &Stub::ListSignerKeys, paged, &first)));
  ASSERT_EQ(first.signer_keys_size(), 1);
  EXPECT_FALSE(first.next_page_token().empty());
}

}  // namespace
}  // namespace kaoping::appraisals::testing
