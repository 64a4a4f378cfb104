// The library against the standards' published test vectors.
//
//   SM3: GB/T 32905-2016 Appendix A, examples 1 ("abc") and 2 ("abcd" x 16).
//   SM2: GB/T 32918.5-2017 (= GM/T 0003.5-2012) Appendix A, the signature
//        example on the recommended curve: d, the public point, ID
//        "1234567812345678", Z_A, e and (r, s) for the message
//        "message digest". The same vector is OpenSSL's sm2_sig_test
//        (test/sm2_internal_test.c, "From Annex A in both GM/T0003.5-2012 and
//        GB/T 32918.5-2016"); GB/T 32918.2's own Annex A uses a test curve.
//   Ed25519: RFC 8032 §7.1, TEST 1, TEST 2 and TEST 3.

#include <string>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/appraisals/signing/digests.h"
#include "services/appraisals/signing/private_key.h"
#include "services/appraisals/signing/public_key.h"
#include "services/appraisals/signing/signature.h"
#include "services/appraisals/signing/sm2.h"
#include "tests/appraisals/signing/test_keys.h"

namespace kaoping::signing {
namespace {

using ::kaoping::signing::testing::Ed25519Pkcs8Pem;
using ::kaoping::signing::testing::Hex;
using ::kaoping::signing::testing::Sm2Pkcs8Pem;

std::string ToHex(absl::string_view bytes) { return absl::BytesToHexString(bytes); }

TEST(Sm3, GbT32905ExampleAbc) {
  EXPECT_EQ(ToHex(Sm3("abc")), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

TEST(Sm3, GbT32905ExampleAbcdTimes16) {
  std::string message;
  for (int i = 0; i < 16; ++i) {
    message += "abcd";
  }
  ASSERT_EQ(message.size(), 64u);
  EXPECT_EQ(ToHex(Sm3(message)),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
}

// GB/T 32918.5-2017 Appendix A.
constexpr char kSm2D[] = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
constexpr char kSm2Point[] =
    "04"
    "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
    "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13";
constexpr char kSm2Message[] = "message digest";
constexpr char kSm2Z[] = "b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3";
constexpr char kSm2E[] = "f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640";
constexpr char kSm2R[] = "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3";
constexpr char kSm2S[] = "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa";

// (r, s) as GM/T 0009 DER: both have their top bit set, so each INTEGER
// carries a leading zero.
std::string Sm2VectorSignature() {
  return Hex(absl::StrCat("3046", "022100", kSm2R, "022100", kSm2S));
}

TEST(Sm2, AppendixAKeyDerivesThePublishedPoint) {
  absl::StatusOr<PrivateKey> key = ParsePrivateKey(Sm2Pkcs8Pem(Hex(kSm2D)));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->algorithm(), Algorithm::kSm2);
  EXPECT_EQ(ToHex(key->public_key().raw()), kSm2Point);
}

TEST(Sm2, AppendixAZAndMessageHash) {
  absl::StatusOr<PublicKey> key = ParsePublicKey(Hex(kSm2Point));
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<std::string> z = ComputeSm2Z(*key, kDefaultSm2SignerId);
  ASSERT_TRUE(z.ok()) << z.status();
  EXPECT_EQ(ToHex(*z), kSm2Z);
  absl::StatusOr<std::string> e = Sm2MessageHash(*key, kSm2Message, kDefaultSm2SignerId);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(ToHex(*e), kSm2E);
}

TEST(Sm2, AppendixASignatureVerifiesWithTheDefaultSignerId) {
  absl::StatusOr<PublicKey> key = ParsePublicKey(Hex(kSm2Point), Algorithm::kSm2);
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<Sm2SignatureValues> values = ParseSm2Signature(Sm2VectorSignature());
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_EQ(ToHex(values->r), kSm2R);
  EXPECT_EQ(ToHex(values->s), kSm2S);
  // The default options carry the default id: OpenSSL 3.0's own default
  // (an empty id) would fail here.
  EXPECT_TRUE(Verify(*key, kSm2Message, Sm2VectorSignature()).ok());
}

TEST(Sm2, AppendixASignatureFailsWithAnotherIdOrMessage) {
  absl::StatusOr<PublicKey> key = ParsePublicKey(Hex(kSm2Point));
  ASSERT_TRUE(key.ok()) << key.status();
  SignatureOptions alice;
  alice.sm2_signer_id = "ALICE123@YAHOO.COM";
  EXPECT_FALSE(Verify(*key, kSm2Message, Sm2VectorSignature(), alice).ok());
  EXPECT_FALSE(Verify(*key, "message digesT", Sm2VectorSignature()).ok());
}

TEST(Sm2, AppendixAKeySignsWhatTheVectorKeyVerifies) {
  absl::StatusOr<PrivateKey> key = ParsePrivateKey(Sm2Pkcs8Pem(Hex(kSm2D)));
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<std::string> signature = Sign(*key, kSm2Message);
  ASSERT_TRUE(signature.ok()) << signature.status();
  absl::StatusOr<PublicKey> published = ParsePublicKey(Hex(kSm2Point));
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_TRUE(Verify(*published, kSm2Message, *signature).ok());
}

struct Rfc8032Vector {
  const char* name;
  const char* secret;
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 §7.1.
const Rfc8032Vector kRfc8032[] = {
    {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b"
     "4"
     "6bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11"
     "d"
     "8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc"
     "6"
     "594a7c15e9716ed28dc027beceea1ec40a"},
};

TEST(Ed25519, Rfc8032SignsExactlyThePublishedSignatures) {
  for (const Rfc8032Vector& vector : kRfc8032) {
    SCOPED_TRACE(vector.name);
    absl::StatusOr<PrivateKey> key = ParsePrivateKey(Ed25519Pkcs8Pem(Hex(vector.secret)));
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(key->algorithm(), Algorithm::kEd25519);
    EXPECT_EQ(ToHex(key->public_key().raw()), vector.public_key);
    absl::StatusOr<std::string> signature = Sign(*key, Hex(vector.message));
    ASSERT_TRUE(signature.ok()) << signature.status();
    EXPECT_EQ(ToHex(*signature), vector.signature);
  }
}

TEST(Ed25519, Rfc8032SignaturesVerifyAndTamperedOnesDoNot) {
  for (const Rfc8032Vector& vector : kRfc8032) {
    SCOPED_TRACE(vector.name);
    absl::StatusOr<PublicKey> key = ParsePublicKey(Hex(vector.public_key), Algorithm::kEd25519);
    ASSERT_TRUE(key.ok()) << key.status();
    const std::string message = Hex(vector.message);
    const std::string signature = Hex(vector.signature);
    EXPECT_TRUE(Verify(*key, message, signature).ok());
    std::string flipped = signature;
    flipped[5] = static_cast<char>(flipped[5] ^ 0x01);
    EXPECT_FALSE(Verify(*key, message, flipped).ok());
    EXPECT_FALSE(Verify(*key, message + "x", signature).ok());
  }
}

}  // namespace
}  // namespace kaoping::signing
