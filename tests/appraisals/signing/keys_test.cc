// Parsing, refusing, generating and exporting signer keys.

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/appraisals/signing/private_key.h"
#include "services/appraisals/signing/public_key.h"
#include "tests/appraisals/signing/expect_invalid.h"
#include "tests/appraisals/signing/test_keys.h"

namespace kaoping::signing {
namespace {

using ::kaoping::signing::testing::Ed25519Pkcs8Pem;
using ::kaoping::signing::testing::ExpectInvalid;
using ::kaoping::signing::testing::ForeignKey;
using ::kaoping::signing::testing::GenerateForeignKey;
using ::kaoping::signing::testing::Hex;
using ::kaoping::signing::testing::PemOf;
using ::kaoping::signing::testing::Sm2Pkcs8Pem;
namespace fx = ::kaoping::signing::testing;

// `openssl pkey -pubin -in KEY.pub -outform DER | sha256sum` of the fixtures.
constexpr char kCliEd25519Fingerprint[] =
    "ac2935296b21bb5bbfbb6a85f69de46457ff2004e86244e8c6e6ad81968ed51d";
constexpr char kCliSm2Fingerprint[] =
    "6f5defe795e5a40fffa41803f0fe79e01bc7f807775261603cbfe9c1df073485";
// `openssl pkey -in sm2.pem -noout -text`, pub:
constexpr char kCliSm2Point[] =
    "04d556191eb9c18f10037082df35bb7736caff181b221d1b21fb158aa0e9d06eb9"
    "05b85639ee488965bc6c20bf2e4bd82a191a3421cb3d164564f0a7405292019c";
constexpr char kSm2SpkiPrefix[] = "3059301306072a8648ce3d020106082a811ccf5501822d034200";

std::string DerOfPem(absl::string_view pem) {
  std::string base64;
  for (absl::string_view line : absl::StrSplit(pem, '\n')) {
    if (!line.empty() && line[0] != '-') {
      absl::StrAppend(&base64, line);
    }
  }
  std::string der;
  absl::Base64Unescape(base64, &der);
  return der;
}

// ---- public keys ----

TEST(ParsePublicKey, Ed25519FromPemDerAndRawIsOneKey) {
  absl::StatusOr<PublicKey> pem = ParsePublicKey(fx::kCliEd25519PublicPem);
  ASSERT_TRUE(pem.ok()) << pem.status();
  EXPECT_EQ(pem->algorithm(), Algorithm::kEd25519);
  EXPECT_EQ(pem->raw().size(), 32u);
  EXPECT_EQ(pem->fingerprint(), kCliEd25519Fingerprint);
  absl::StatusOr<PublicKey> der = ParsePublicKey(pem->der());
  absl::StatusOr<PublicKey> raw = ParsePublicKey(pem->raw());
  ASSERT_TRUE(der.ok()) << der.status();
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_TRUE(*der == *pem);
  EXPECT_TRUE(*raw == *pem);
  EXPECT_EQ(raw->fingerprint(), kCliEd25519Fingerprint);
  EXPECT_EQ(pem->ToPem(), fx::kCliEd25519PublicPem);
}

TEST(ParsePublicKey, Sm2FromPemDerRawAndCompressedIsOneKey) {
  absl::StatusOr<PublicKey> pem = ParsePublicKey(fx::kCliSm2PublicPem, Algorithm::kSm2);
  ASSERT_TRUE(pem.ok()) << pem.status();
  EXPECT_EQ(pem->algorithm(), Algorithm::kSm2);
  EXPECT_EQ(absl::BytesToHexString(pem->raw()), kCliSm2Point);
  EXPECT_EQ(pem->fingerprint(), kCliSm2Fingerprint);
  EXPECT_EQ(pem->ToPem(), fx::kCliSm2PublicPem);
  // y ends in 9c: even, so the compressed form starts with 02.
  const std::string compressed_spki =
      Hex(absl::StrCat("3039301306072a8648ce3d020106082a811ccf5501822d032200", "02",
                       std::string(kCliSm2Point).substr(2, 64)));
  for (const std::string& form : {pem->der(), pem->raw(), compressed_spki}) {
    absl::StatusOr<PublicKey> other = ParsePublicKey(form);
    ASSERT_TRUE(other.ok()) << other.status();
    EXPECT_TRUE(*other == *pem);
    EXPECT_EQ(other->fingerprint(), kCliSm2Fingerprint);
    EXPECT_EQ(other->raw().size(), 65u);
  }
}

TEST(ParsePublicKey, ExplicitCurveParametersCountAsTheCurveTheyAre) {
  // The SM2 curve spelled out is the SM2 curve: the same canonical key.
  absl::StatusOr<PublicKey> key = ParsePublicKey(fx::kCliSm2ExplicitPublicPem);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->fingerprint(), kCliSm2Fingerprint);
  ExpectInvalid(ParsePublicKey(fx::kCliP256ExplicitPublicPem).status(),
                "on curve prime256v1, not SM2");
  // SM2's field, equation and order with another generator (2G): a curve
  // that claims to be SM2's and is not.
  std::string der = DerOfPem(fx::kCliSm2ExplicitPublicPem);
  ASSERT_EQ(der.substr(138, 3), Hex("044104"));
  der.replace(141, 64,
              Hex("56cefd60d7c87c000d58ef57fa73ba4d9c0dfa08c08a7331495c2e1da3f2bd52"
                  "31b7e7e6cc8189f668535ce0f8eaf1bd6de84c182f6c8e716f780d3a970a23c3"));
  ExpectInvalid(ParsePublicKey(der).status(), "explicit curve parameters are no named curve");
}

TEST(ParsePublicKey, TheOtherAlgorithmIsRefusedWhenOneIsExpected) {
  ExpectInvalid(ParsePublicKey(fx::kCliEd25519PublicPem, Algorithm::kSm2).status(),
                "is an Ed25519 key, not SM2");
  ExpectInvalid(ParsePublicKey(fx::kCliSm2PublicPem, Algorithm::kEd25519).status(),
                "is an SM2 key, not Ed25519");
}

// Each refused kind, as a public and as a private key.
TEST(ParseKeys, OtherKindsOfKeysAreRefusedByName) {
  const struct {
    const char* type;
    const char* fragment;
  } kinds[] = {
      {"RSA", "is a key of type RSA; signer keys are Ed25519 or SM2"},
      {"ED448", "is a key of type ED448"},
      {"X25519", "is a key of type X25519"},
      {"P-256", "is an elliptic-curve key on curve prime256v1, not SM2"},
  };
  for (const auto& kind : kinds) {
    SCOPED_TRACE(kind.type);
    const ForeignKey key = GenerateForeignKey(kind.type);
    ExpectInvalid(ParsePublicKey(key.public_pem).status(), kind.fragment);
    ExpectInvalid(ParsePublicKey(key.public_pem, Algorithm::kSm2).status(), kind.fragment);
    ExpectInvalid(ParsePrivateKey(key.private_pem).status(), kind.fragment);
  }
}

TEST(ParsePublicKey, AKeyFromAnotherCurveClaimingSm2IsRefused) {
  const ForeignKey p256 = GenerateForeignKey("P-256");
  ASSERT_EQ(p256.public_point.size(), 65u);
  // As a raw SM2 point, and inside an SPKI that names the SM2 curve.
  ExpectInvalid(ParsePublicKey(p256.public_point, Algorithm::kSm2).status(),
                "not a point on the SM2 curve");
  absl::Status in_spki =
      ParsePublicKey(absl::StrCat(Hex(kSm2SpkiPrefix), p256.public_point)).status();
  ExpectInvalid(in_spki, "point off its curve");
}

TEST(ParsePublicKey, InvalidSm2PointsAreRefused) {
  std::string off_curve = Hex(kCliSm2Point);
  off_curve[64] = static_cast<char>(off_curve[64] ^ 0x01);
  ExpectInvalid(ParsePublicKey(off_curve).status(), "not a point on the SM2 curve");
  ExpectInvalid(ParsePublicKey(absl::StrCat("\x04", std::string(64, '\0'))).status(), "SM2");
}

TEST(ParsePublicKey, WeakAndInvalidEd25519KeysAreRefused) {
  std::string identity(32, '\0');
  identity[0] = 1;
  ExpectInvalid(ParsePublicKey(identity).status(), "small-order");
  std::string order8 = Hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
  order8[31] = static_cast<char>(order8[31] | 0x80);  // the same point's other sign
  ExpectInvalid(ParsePublicKey(order8).status(), "small-order");
  // y = p + 3: not canonical.
  ExpectInvalid(
      ParsePublicKey(Hex("f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"))
          .status(),
      "not a canonical");
  // y = 2: (y^2 - 1) / (d y^2 + 1) has no square root mod p.
  std::string y2(32, '\0');
  y2[0] = 2;
  ExpectInvalid(ParsePublicKey(y2).status(), "not a point on the Ed25519 curve");
}

TEST(ParsePublicKey, WhatIsNotAPublicKeySaysWhatItIs) {
  ExpectInvalid(ParsePublicKey("").status(), "got 0 bytes");
  ExpectInvalid(ParsePublicKey("abcdefghij").status(), "got 10 bytes");
  ExpectInvalid(ParsePublicKey(fx::kCliSm2PrivatePem).status(), "is a private key");
  ExpectInvalid(ParsePublicKey(PemOf("CERTIFICATE", "x")).status(), "is a certificate");
  ExpectInvalid(ParsePublicKey(PemOf("SOMETHING", "x")).status(),
                "expected -----BEGIN PUBLIC KEY-----");
  ExpectInvalid(
      ParsePublicKey("-----BEGIN PUBLIC KEY-----\n@@@@\n-----END PUBLIC KEY-----\n").status(),
      "is not PEM");
  ExpectInvalid(ParsePublicKey(std::string(70 * 1024, 'a')).status(), "no public key is");
}

TEST(ParsePublicKey, DamagedDerIsRefused) {
  absl::StatusOr<PublicKey> key = ParsePublicKey(fx::kCliSm2PublicPem);
  ASSERT_TRUE(key.ok());
  ExpectInvalid(ParsePublicKey(absl::StrCat(key->der(), std::string(1, '\0'))).status(),
                "bytes after");
  ExpectInvalid(ParsePublicKey(key->der().substr(0, 60)).status(), "SubjectPublicKeyInfo");
  ExpectInvalid(ParsePublicKey(PemOf("PUBLIC KEY", key->der().substr(0, 60))).status(),
                "SubjectPublicKeyInfo");
}

// ---- private keys ----

TEST(ParsePrivateKey, OpensslCommandLineKeysAreRead) {
  absl::StatusOr<PrivateKey> ed = ParsePrivateKey(fx::kCliEd25519PrivatePem);
  ASSERT_TRUE(ed.ok()) << ed.status();
  EXPECT_EQ(ed->algorithm(), Algorithm::kEd25519);
  EXPECT_EQ(ed->public_key().fingerprint(), kCliEd25519Fingerprint);
  absl::StatusOr<PrivateKey> sm2 = ParsePrivateKey(fx::kCliSm2PrivatePem);
  ASSERT_TRUE(sm2.ok()) << sm2.status();
  EXPECT_EQ(sm2->algorithm(), Algorithm::kSm2);
  EXPECT_EQ(sm2->public_key().fingerprint(), kCliSm2Fingerprint);
}

TEST(ParsePrivateKey, EncryptedPkcs8OpensWithTheRightPassphraseOnly) {
  absl::StatusOr<PrivateKey> sm2 = ParsePrivateKey(fx::kCliSm2AesPem, fx::kCliSm2Passphrase);
  ASSERT_TRUE(sm2.ok()) << sm2.status();
  EXPECT_EQ(sm2->public_key().fingerprint(), kCliSm2Fingerprint);
  absl::StatusOr<PrivateKey> ed = ParsePrivateKey(fx::kCliEd25519Sm4Pem, fx::kCliEd25519Passphrase);
  ASSERT_TRUE(ed.ok()) << ed.status();
  EXPECT_EQ(ed->public_key().fingerprint(), kCliEd25519Fingerprint);

  ExpectInvalid(ParsePrivateKey(fx::kCliSm2AesPem, "correct horse").status(),
                "cannot be decrypted: wrong passphrase");
  ExpectInvalid(ParsePrivateKey(fx::kCliEd25519Sm4Pem, "Correct horse").status(),
                "cannot be decrypted: wrong passphrase");
  ExpectInvalid(ParsePrivateKey(fx::kCliSm2AesPem).status(), "is encrypted; give its passphrase");
}

TEST(ParsePrivateKey, AnUnencryptedKeyIgnoresAPassphrase) {
  absl::StatusOr<PrivateKey> key = ParsePrivateKey(fx::kCliSm2PrivatePem, "unused");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->public_key().fingerprint(), kCliSm2Fingerprint);
}

TEST(ParsePrivateKey, OtherPemBlocksSayHowToConvert) {
  ExpectInvalid(ParsePrivateKey(fx::kCliSm2TraditionalPem).status(),
                "\"SM2 PRIVATE KEY\" PEM block, not PKCS#8; convert it: openssl pkcs8 -topk8");
  ExpectInvalid(ParsePrivateKey(fx::kCliSm2PublicPem).status(),
                "\"PUBLIC KEY\" PEM block; expected -----BEGIN PRIVATE KEY-----");
  ExpectInvalid(ParsePrivateKey("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                                "DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\n"
                                "AAAA\n-----END EC PRIVATE KEY-----\n")
                    .status(),
                "legacy encryption");
  ExpectInvalid(ParsePrivateKey("not a key").status(), "is not PEM");
  ExpectInvalid(ParsePrivateKey(PemOf("PRIVATE KEY", "\x30\x03\x02\x01\x00")).status(), "PKCS#8");
}

TEST(ParsePrivateKey, Sm2ScalarMustBeInOneToNMinusTwo) {
  const std::string n = Hex(fx::kSm2OrderHex);
  auto minus = [&](int k) {
    std::string d = n;
    d[31] = static_cast<char>(static_cast<unsigned char>(d[31]) - k);
    return d;
  };
  EXPECT_TRUE(ParsePrivateKey(Sm2Pkcs8Pem(minus(2))).ok());
  EXPECT_EQ(ParsePrivateKey(Sm2Pkcs8Pem(minus(1))).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePrivateKey(Sm2Pkcs8Pem(n)).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePrivateKey(Sm2Pkcs8Pem(std::string(32, '\0'))).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ParsePrivateKey, Sm2KeyWhosePublicHalfIsAnotherKeysIsRefused) {
  // The fixture's PKCS#8 ends with its public point; put another key's there.
  const std::string der = DerOfPem(fx::kCliSm2PrivatePem);
  ASSERT_EQ(absl::BytesToHexString(der.substr(der.size() - 65)), kCliSm2Point);
  absl::StatusOr<PrivateKey> other = GeneratePrivateKey(Algorithm::kSm2);
  ASSERT_TRUE(other.ok());
  const std::string swapped =
      absl::StrCat(der.substr(0, der.size() - 65), other->public_key().raw());
  ExpectInvalid(ParsePrivateKey(PemOf("PRIVATE KEY", swapped)).status(), "not a valid key pair");
}

// ---- generation and export ----

class GenerateTest : public ::testing::TestWithParam<Algorithm> {};

TEST_P(GenerateTest, ExportsAndReadsBack) {
  absl::StatusOr<PrivateKey> key = GeneratePrivateKey(GetParam());
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->algorithm(), GetParam());
  EXPECT_EQ(key->public_key().fingerprint().size(), 64u);

  absl::StatusOr<std::string> plain = key->ToPem();
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_THAT(*plain, ::testing::StartsWith("-----BEGIN PRIVATE KEY-----\n"));
  absl::StatusOr<PrivateKey> again = ParsePrivateKey(*plain);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->public_key() == key->public_key());

  absl::StatusOr<std::string> sealed = key->ToPem("县委组织部 2027");
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_THAT(*sealed, ::testing::StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
  absl::StatusOr<PrivateKey> opened = ParsePrivateKey(*sealed, "县委组织部 2027");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_TRUE(opened->public_key() == key->public_key());
  ExpectInvalid(ParsePrivateKey(*sealed, "县委组织部 2026").status(), "wrong passphrase");

  absl::StatusOr<PublicKey> public_key = ParsePublicKey(key->public_key().ToPem(), GetParam());
  ASSERT_TRUE(public_key.ok()) << public_key.status();
  EXPECT_TRUE(*public_key == key->public_key());
}

TEST_P(GenerateTest, TwoKeysDiffer) {
  absl::StatusOr<PrivateKey> a = GeneratePrivateKey(GetParam());
  absl::StatusOr<PrivateKey> b = GeneratePrivateKey(GetParam());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->public_key().fingerprint(), b->public_key().fingerprint());
}

INSTANTIATE_TEST_SUITE_P(Algorithms, GenerateTest,
                         ::testing::Values(Algorithm::kEd25519, Algorithm::kSm2),
                         [](const ::testing::TestParamInfo<Algorithm>& info) {
                           return std::string(AlgorithmName(info.param));
                         });

TEST(AlgorithmName, ParsesBothNamesInAnyCase) {
  EXPECT_EQ(*ParseAlgorithmName("ed25519"), Algorithm::kEd25519);
  EXPECT_EQ(*ParseAlgorithmName("SM2"), Algorithm::kSm2);
  EXPECT_EQ(*ParseAlgorithmName("sm2"), Algorithm::kSm2);
  ExpectInvalid(ParseAlgorithmName("RSA").status(), "must be Ed25519 or SM2, got \"RSA\"");
}

}  // namespace
}  // namespace kaoping::signing
