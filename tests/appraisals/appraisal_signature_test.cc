// The two signatures (双签字) on SQLite and PostgreSQL: two different
// persons with keys of either algorithm; every refusal (another's key, a
// key of the wrong role or unit, a revoked key, a bad signature, content
// changed since the payload was fetched, one person signing twice) with
// nothing written; a signature of the same role replaced; a key revoked
// after signing; content tampered in the store found by
// VerifyAppraisalSignatures and refused by :conclude.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/appraisals/signing/signature.h"
#include "tests/appraisals/service_fixture.h"

namespace kaoping::appraisals::testing {
namespace {

using Stub = v1::AppraisalService::Stub;

class AppraisalSignatureTest : public AppraisalServiceTest {
 protected:
  void SetUp() override {
    AppraisalServiceTest::SetUp();
    if (harness_ == nullptr) {
      return;
    }
    appraisal_ = MustCreate().name();
    MustComplete(appraisal_);
  }

  grpc::Status Sign(const Who& who, v1::SignAppraisalRequest request) {
    return Call(who, &Stub::SignAppraisal, request);
  }
  // A request signed by `signer` over the current payload.
  v1::SignAppraisalRequest Signed(const Signer& signer) {
    v1::GetSigningPayloadRequest fetch;
    fetch.set_name(appraisal_ + "/signingPayload");
    v1::SigningPayload payload;
    EXPECT_TRUE(IsOk(Call(Team(), &Stub::GetSigningPayload, fetch, &payload)));
    v1::SignAppraisalRequest request;
    request.set_name(appraisal_);
    request.set_role(signer.key.role());
    request.set_signer_key(signer.key.name());
    request.set_signature(signing::Sign(signer.private_key, payload.content()).value_or(""));
    request.set_content_sha256(payload.content_sha256());
    return request;
  }
  v1::ConcludeAppraisalRequest ConcludeRequest() {
    v1::ConcludeAppraisalRequest request;
    request.set_name(appraisal_);
    return request;
  }
  v1::RevokeSignerKeyRequest Revoke(const Signer& signer) {
    v1::RevokeSignerKeyRequest request;
    request.set_name(signer.key.name());
    request.set_reason("设备丢失");
    return request;
  }

  std::string appraisal_;
};
KAOPING_APPRAISAL_STORES(AppraisalSignatureTest);

TEST_P(AppraisalSignatureTest, TwoPersonsWithKeysOfBothAlgorithmsConclude) {
  const Signer party = MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY,
                                    kUnit1, signing::Algorithm::kSm2);
  const Signer discipline =
      MustRegister(DisciplineSecretary(), v1::AppraisalSignature::DISCIPLINE_SECRETARY, kUnit1);
  ASSERT_TRUE(IsOk(SignAs(party, appraisal_)));
  ASSERT_TRUE(IsOk(SignAs(discipline, appraisal_)));
  const v1::Appraisal signed_ = MustGet(appraisal_);
  ASSERT_EQ(signed_.signatures_size(), 2);
  EXPECT_EQ(signed_.signatures(0).algorithm(), v1::SignatureAlgorithm::SM2_SM3);
  EXPECT_EQ(signed_.signatures(0).signer(), "ps-1");
  EXPECT_EQ(signed_.signatures(1).algorithm(), v1::SignatureAlgorithm::ED25519);
  EXPECT_EQ(signed_.signatures(1).signer(), "ds-1");
  EXPECT_EQ(MustConclude(appraisal_).state(), v1::Appraisal::CONCLUDED);
}

TEST_P(AppraisalSignatureTest, OnePersonCannotSignInBothRoles) {
  Who both = PartySecretary();
  both.subject = "ps-both";
  both.roles = {"PARTY_SECRETARY", "DISCIPLINE_SECRETARY"};
  const Signer party = MustRegister(both, v1::AppraisalSignature::PARTY_SECRETARY, kUnit1);
  const Signer discipline =
      MustRegister(both, v1::AppraisalSignature::DISCIPLINE_SECRETARY, kUnit1);
  ASSERT_TRUE(IsOk(SignAs(party, appraisal_)));
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(SignAs(discipline, appraisal_), grpc::StatusCode::FAILED_PRECONDITION,
                      "two different persons"));
  EXPECT_EQ(Footprint(), before);
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::ConcludeAppraisal, ConcludeRequest()),
                      grpc::StatusCode::FAILED_PRECONDITION,
                      "signature of DISCIPLINE_SECRETARY missing"));
}

TEST_P(AppraisalSignatureTest, ASecondSignatureOfARoleReplacesTheFirst) {
  const Signer first =
      MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY, kUnit1);
  const Signer second =
      MustRegister(Person("ps-2", "PARTY_SECRETARY", kCounty, kUnit1),
                   v1::AppraisalSignature::PARTY_SECRETARY, kUnit1, signing::Algorithm::kSm2);
  ASSERT_TRUE(IsOk(SignAs(first, appraisal_)));
  v1::Appraisal replaced;
  ASSERT_TRUE(IsOk(SignAs(second, appraisal_, &replaced)));
  ASSERT_EQ(replaced.signatures_size(), 1);
  EXPECT_EQ(replaced.signatures(0).signer(), "ps-2");
  ASSERT_EQ(replaced.discarded_signatures_size(), 1);
  EXPECT_EQ(replaced.discarded_signatures(0).signer(), "ps-1");
}

TEST_P(AppraisalSignatureTest, RefusalsNameTheirFieldAndWriteNothing) {
  const Signer party =
      MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY, kUnit1);
  const Signer other = MustRegister(Person("ps-2", "PARTY_SECRETARY", kCounty, kUnit1),
                                    v1::AppraisalSignature::PARTY_SECRETARY, kUnit1);
  const Signer other_unit = MustRegister(Person("ps-3", "PARTY_SECRETARY", kCounty, kUnit1),
                                         v1::AppraisalSignature::PARTY_SECRETARY, kUnit2);
  const std::string before = Footprint();

  // Another person's key.
  EXPECT_TRUE(HasCode(Sign(PartySecretary(), Signed(other)), grpc::StatusCode::PERMISSION_DENIED,
                      "is not yours"));
  // A key whose unit does not cover the cadre's.
  EXPECT_TRUE(HasCode(Sign(other_unit.who, Signed(other_unit)), grpc::StatusCode::PERMISSION_DENIED,
                      "not for unit"));
  // Signing in a role the token does not hold.
  v1::SignAppraisalRequest wrong_role = Signed(party);
  wrong_role.set_role(v1::AppraisalSignature::DISCIPLINE_SECRETARY);
  EXPECT_TRUE(
      HasCode(Sign(PartySecretary(), wrong_role), grpc::StatusCode::PERMISSION_DENIED, "role"));
  // A signature that does not verify, over other bytes.
  v1::SignAppraisalRequest forged = Signed(party);
  forged.set_signature(signing::Sign(party.private_key, "something else").value_or(""));
  EXPECT_TRUE(
      HasCode(Sign(PartySecretary(), forged), grpc::StatusCode::INVALID_ARGUMENT, "signature:"));
  v1::SignAppraisalRequest oversized = Signed(party);
  oversized.set_signature(std::string(100, 'x'));
  EXPECT_TRUE(HasCode(Sign(PartySecretary(), oversized), grpc::StatusCode::INVALID_ARGUMENT,
                      "signature: at most 72 bytes"));
  v1::SignAppraisalRequest no_sha = Signed(party);
  no_sha.clear_content_sha256();
  EXPECT_TRUE(HasCode(Sign(PartySecretary(), no_sha), grpc::StatusCode::INVALID_ARGUMENT,
                      "content_sha256"));
  v1::SignAppraisalRequest no_role = Signed(party);
  no_role.set_role(v1::AppraisalSignature::ROLE_UNSPECIFIED);
  EXPECT_TRUE(
      HasCode(Sign(PartySecretary(), no_role), grpc::StatusCode::INVALID_ARGUMENT, "role:"));
  v1::SignAppraisalRequest foreign_key = Signed(party);
  foreign_key.set_signer_key("regions/510104/signerKeys/k-1");
  EXPECT_TRUE(HasCode(Sign(PartySecretary(), foreign_key), grpc::StatusCode::INVALID_ARGUMENT,
                      "signer_key"));
  v1::SignAppraisalRequest missing_key = Signed(party);
  missing_key.set_signer_key("regions/510114/signerKeys/nope");
  EXPECT_TRUE(
      HasCode(Sign(PartySecretary(), missing_key), grpc::StatusCode::NOT_FOUND, "signer_key"));
  EXPECT_EQ(Footprint(), before);
}

TEST_P(AppraisalSignatureTest, ContentChangedSinceThePayloadWasFetchedIsAborted) {
  const Signer party =
      MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY, kUnit1);
  const v1::SignAppraisalRequest old = Signed(party);
  v1::WriteSelfCheckRequest change;
  change.set_name(appraisal_);
  change.set_text("自查（补充）");
  ASSERT_TRUE(IsOk(Call(Cadre(), &Stub::WriteSelfCheck, change)));
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(Sign(PartySecretary(), old), grpc::StatusCode::ABORTED, "content_sha256"));
  EXPECT_EQ(Footprint(), before);
}

TEST_P(AppraisalSignatureTest, ARevokedKeySignsNothing) {
  const Signer party =
      MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY, kUnit1);
  ASSERT_TRUE(IsOk(Call(Admin(), &Stub::RevokeSignerKey, Revoke(party))));
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(SignAs(party, appraisal_), grpc::StatusCode::FAILED_PRECONDITION, "REVOKED"));
  EXPECT_EQ(Footprint(), before);
}

TEST_P(AppraisalSignatureTest, AKeyRevokedAfterSigningBlocksADraftButNotAConcludedAppraisal) {
  const Signer party =
      MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY, kUnit1);
  const Signer discipline =
      MustRegister(DisciplineSecretary(), v1::AppraisalSignature::DISCIPLINE_SECRETARY, kUnit1);
  ASSERT_TRUE(IsOk(SignAs(party, appraisal_)));
  ASSERT_TRUE(IsOk(SignAs(discipline, appraisal_)));
  clock_.Advance(absl::Minutes(5));
  ASSERT_TRUE(IsOk(Call(Admin(), &Stub::RevokeSignerKey, Revoke(party))));
  // The draft: the signature stays valid, but concluding needs an ACTIVE key.
  const v1::VerifyAppraisalSignaturesResponse draft = MustVerify(appraisal_);
  ASSERT_EQ(draft.checks_size(), 2);
  EXPECT_TRUE(draft.checks(0).valid()) << "made before the revocation";
  EXPECT_FALSE(draft.checks(0).key_active());
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::ConcludeAppraisal, ConcludeRequest()),
                      grpc::StatusCode::FAILED_PRECONDITION, "REVOKED since; sign again"));
  // Signed again with a new key, it concludes; revoking that key later
  // leaves the concluded appraisal's signatures valid.
  const Signer renewed = MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY,
                                      kUnit1, signing::Algorithm::kSm2);
  ASSERT_TRUE(IsOk(SignAs(renewed, appraisal_)));
  MustConclude(appraisal_);
  clock_.Advance(absl::Hours(24));
  ASSERT_TRUE(IsOk(Call(Admin(), &Stub::RevokeSignerKey, Revoke(renewed))));
  const v1::VerifyAppraisalSignaturesResponse concluded = MustVerify(appraisal_);
  EXPECT_TRUE(concluded.complete());
  for (const v1::SignatureCheck& check : concluded.checks()) {
    EXPECT_TRUE(check.valid()) << check.reason();
  }
}

TEST_P(AppraisalSignatureTest, ContentTamperedInTheStoreIsFoundAndCannotBeConcluded) {
  const Signer party =
      MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY, kUnit1);
  const Signer discipline =
      MustRegister(DisciplineSecretary(), v1::AppraisalSignature::DISCIPLINE_SECRETARY, kUnit1);
  ASSERT_TRUE(IsOk(SignAs(party, appraisal_)));
  ASSERT_TRUE(IsOk(SignAs(discipline, appraisal_)));
  const v1::Appraisal signed_ = MustGet(appraisal_);
  // Someone with database access rewrites the party opinion in place
  // (same length, so the encoding still parses).
  const std::string tampered =
      absl::StrReplaceAll(signed_.signed_content(), {{"担当作为", "敷衍塞责"}});
  ASSERT_NE(tampered, signed_.signed_content());
  ExecuteSql("UPDATE appraisals SET signed_content = $1 WHERE region_code = $2",
             {db::Blob{tampered}, std::string(kCounty)});
  const v1::VerifyAppraisalSignaturesResponse verified = MustVerify(appraisal_);
  EXPECT_FALSE(verified.complete());
  ASSERT_EQ(verified.checks_size(), 2);
  for (const v1::SignatureCheck& check : verified.checks()) {
    EXPECT_FALSE(check.valid());
    EXPECT_EQ(check.reason(), "the stored content is not what was signed (its SHA-256 differs)");
  }
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::ConcludeAppraisal, ConcludeRequest()),
                      grpc::StatusCode::FAILED_PRECONDITION, "is not valid"));
  EXPECT_EQ(Footprint(), before);
}

TEST_P(AppraisalSignatureTest, ASummarySnapshotTamperedInTheStoreIsFound) {
  const Signer party =
      MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY, kUnit1);
  ASSERT_TRUE(IsOk(SignAs(party, appraisal_)));
  v1::SubjectSummary altered = evaluations_.Summary(kSubject1);
  altered.set_final_composite(99.5);
  ExecuteSql("UPDATE appraisals SET summary_snapshot = $1 WHERE region_code = $2",
             {db::Blob{altered.SerializeAsString()}, std::string(kCounty)});
  const v1::VerifyAppraisalSignaturesResponse verified = MustVerify(appraisal_);
  ASSERT_EQ(verified.checks_size(), 1);
  EXPECT_FALSE(verified.checks(0).valid());
  EXPECT_THAT(verified.checks(0).reason(), ::testing::HasSubstr("summary"));
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::GetAppraisal, GetRequest(appraisal_)),
                      grpc::StatusCode::DATA_LOSS));
}

TEST_P(AppraisalSignatureTest, ThePayloadIsTheStoredBytesWithTheirDigest) {
  v1::GetSigningPayloadRequest fetch;
  fetch.set_name(appraisal_ + "/signingPayload");
  v1::SigningPayload payload;
  ASSERT_TRUE(IsOk(Call(Auditor(), &Stub::GetSigningPayload, fetch, &payload)));
  const v1::Appraisal stored = MustGet(appraisal_);
  EXPECT_EQ(payload.content(), stored.signed_content());
  EXPECT_EQ(payload.content_sha256(), stored.content_sha256());
  EXPECT_EQ(payload.content_sha256_hex().size(), 64u);
  EXPECT_TRUE(payload.complete());
  EXPECT_EQ(payload.etag(), stored.etag());
  fetch.set_name(appraisal_);
  EXPECT_TRUE(HasCode(Call(Auditor(), &Stub::GetSigningPayload, fetch),
                      grpc::StatusCode::INVALID_ARGUMENT, "name"));
}

}  // namespace
}  // namespace kaoping::appraisals::testing
