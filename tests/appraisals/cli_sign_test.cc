// `kaoping keygen` and `kaoping sign` (tools/kaoping/sign_appraisal.h)
// against the real service over gRPC, on SQLite and PostgreSQL: key files
// written as an administrator registers them, the private key kept private
// (mode 0600, encrypted with a passphrase if given), and a signature the
// server accepts made from the payload alone; refusals sign nothing.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/appraisals/signing/private_key.h"
#include "tests/appraisals/service_fixture.h"
#include "tools/kaoping/sign_appraisal.h"

namespace kaoping::appraisals::testing {
namespace {

using Stub = v1::AppraisalService::Stub;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CliSignTest : public AppraisalServiceTest {
 protected:
  void SetUp() override {
    AppraisalServiceTest::SetUp();
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("kaoping-cli-sign-", ::getpid(), "-",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    AppraisalServiceTest::TearDown();
  }

  // keygen, then the administrator registers the .pub file as given.
  v1::SignerKey KeygenAndRegister(const std::string& file, signing::Algorithm algorithm,
                                  const Who& holder, v1::AppraisalSignature::Role role,
                                  const std::string& passphrase = "") {
    const std::string path = (dir_ / file).string();
    absl::StatusOr<std::string> fingerprint = cli::GenerateKeyFiles(algorithm, path, passphrase);
    EXPECT_TRUE(fingerprint.ok()) << fingerprint.status();
    v1::CreateSignerKeyRequest request;
    request.set_parent("regions/510114");
    v1::SignerKey* key = request.mutable_signer_key();
    key->set_person(holder.subject);
    key->set_display_name("签字人");
    key->set_role(role);
    key->set_unit(kUnit1);
    key->set_algorithm(algorithm == signing::Algorithm::kSm2 ? v1::SignatureAlgorithm::SM2_SM3
                                                             : v1::SignatureAlgorithm::ED25519);
    key->set_public_key(ReadText(path + ".pub"));
    v1::SignerKey registered;
    EXPECT_TRUE(IsOk(Call(Admin(), &Stub::CreateSignerKey, request, &registered)));
    EXPECT_EQ(registered.fingerprint(), fingerprint.value_or(""));
    return registered;
  }
  absl::StatusOr<v1::Appraisal> SignWith(const Who& who, const std::string& file,
                                         const v1::SignerKey& key, const std::string& appraisal,
                                         const std::string& passphrase = "",
                                         const std::string& expect = "") {
    cli::SignOptions options;
    options.appraisal = appraisal;
    options.signer_key = key.name();
    options.role = key.role();
    options.private_key_pem = ReadText((dir_ / file).string());
    options.passphrase = passphrase;
    options.expect_sha256_hex = expect;
    std::ostringstream out;
    absl::StatusOr<v1::Appraisal> signed_appraisal = cli::SignWithKeyFile(
        *stub_, [&] { return harness_->Context(who); }, options, out);
    printed_ = out.str();
    return signed_appraisal;
  }

  std::filesystem::path dir_;
  std::string printed_;
};
KAOPING_APPRAISAL_STORES(CliSignTest);

TEST_P(CliSignTest, KeygenWritesAPrivateFileAndAPublicOneThatRegisters) {
  const v1::SignerKey key = KeygenAndRegister("ps.pem", signing::Algorithm::kSm2, PartySecretary(),
                                              v1::AppraisalSignature::PARTY_SECRETARY);
  struct stat info {};
  ASSERT_EQ(::stat((dir_ / "ps.pem").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u) << "the private key is the signer's alone";
  EXPECT_TRUE(signing::ParsePrivateKey(ReadText((dir_ / "ps.pem").string())).ok());
  // Never over an existing key.
  EXPECT_EQ(cli::GenerateKeyFiles(signing::Algorithm::kSm2, (dir_ / "ps.pem").string(), "")
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  // With a passphrase the file is encrypted and opens only with it.
  KeygenAndRegister("ds.pem", signing::Algorithm::kEd25519, DisciplineSecretary(),
                    v1::AppraisalSignature::DISCIPLINE_SECRETARY, "口令-1");
  const std::string encrypted = ReadText((dir_ / "ds.pem").string());
  EXPECT_NE(encrypted.find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  EXPECT_FALSE(signing::ParsePrivateKey(encrypted, "wrong").ok());
  EXPECT_TRUE(signing::ParsePrivateKey(encrypted, "口令-1").ok());
}

TEST_P(CliSignTest, BothSecretariesSignWithTheCliAndTheTeamConcludes) {
  const v1::Appraisal created = MustCreate();
  MustComplete(created.name());
  const v1::SignerKey party =
      KeygenAndRegister("ps.pem", signing::Algorithm::kSm2, PartySecretary(),
                        v1::AppraisalSignature::PARTY_SECRETARY);
  const v1::SignerKey discipline =
      KeygenAndRegister("ds.pem", signing::Algorithm::kEd25519, DisciplineSecretary(),
                        v1::AppraisalSignature::DISCIPLINE_SECRETARY, "口令-1");
  const v1::Appraisal current = MustGet(created.name());
  absl::StatusOr<v1::Appraisal> once =
      SignWith(PartySecretary(), "ps.pem", party, created.name(), "",
               absl::BytesToHexString(current.content_sha256()));
  ASSERT_TRUE(once.ok()) << once.status();
  EXPECT_NE(printed_.find(absl::BytesToHexString(current.content_sha256())), std::string::npos)
      << "the signer sees the digest they sign: " << printed_;
  absl::StatusOr<v1::Appraisal> twice =
      SignWith(DisciplineSecretary(), "ds.pem", discipline, created.name(), "口令-1");
  ASSERT_TRUE(twice.ok()) << twice.status();
  EXPECT_EQ(twice->signatures_size(), 2);
  EXPECT_TRUE(MustVerify(created.name()).complete());
  EXPECT_EQ(MustConclude(created.name()).state(), v1::Appraisal::CONCLUDED);
}

TEST_P(CliSignTest, RefusalsSignNothing) {
  const v1::Appraisal created = MustCreate();
  const v1::SignerKey party =
      KeygenAndRegister("ps.pem", signing::Algorithm::kEd25519, PartySecretary(),
                        v1::AppraisalSignature::PARTY_SECRETARY);
  // Incomplete: nothing to sign yet.
  EXPECT_EQ(SignWith(PartySecretary(), "ps.pem", party, created.name()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  MustComplete(created.name());
  const std::string before = Footprint();
  // Another digest than the one the signer was shown.
  absl::StatusOr<v1::Appraisal> unexpected =
      SignWith(PartySecretary(), "ps.pem", party, created.name(), "", std::string(64, '0'));
  EXPECT_EQ(unexpected.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(unexpected.status().message().find("--expect-sha256"), std::string::npos);
  // Not a private key.
  std::ofstream((dir_ / "junk.pem").string()) << "not a key";
  EXPECT_EQ(SignWith(PartySecretary(), "junk.pem", party, created.name()).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Another person's key file is refused by the server.
  EXPECT_EQ(
      SignWith(Person("ps-2", "PARTY_SECRETARY", kCounty, kUnit1), "ps.pem", party, created.name())
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Footprint(), before);
}

}  // namespace
}  // namespace kaoping::appraisals::testing
