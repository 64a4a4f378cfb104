// JWT verification: valid, expired, not yet valid, wrong key, wrong
// algorithm, `none`, tampering, issuer, claims — for HS256, EdDSA and RS256.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/auth/jwt.h"
#include "services/common/crypto.h"

namespace kaoping {
namespace {

using ::testing::HasSubstr;

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-local";
const absl::Time kNow = absl::FromUnixSeconds(1795000000);

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

KeyPair Generate(const char* type, int rsa_bits = 0) {
  EVP_PKEY* key = rsa_bits > 0
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits))
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, type);
  KeyPair pair;
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  pair.private_pem.assign(data, len);
  BIO_free(bio);
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  len = BIO_get_mem_data(bio, &data);
  pair.public_pem.assign(data, len);
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pair;
}

JwtClaims Claims() {
  JwtClaims c;
  c.subject = "zhang.san";
  c.roles = {"REGION_ADMIN", "AUDITOR"};
  c.regions = {"510114", "510100"};
  c.scopes = {"eligibility:read"};
  c.unit = "u-12";
  c.issuer = "kaoping-local";
  c.issued_at = kNow - absl::Minutes(1);
  c.expiry = kNow + absl::Hours(1);
  return c;
}

std::unique_ptr<JwtVerifier> Verifier(const FakeClock* clock,
                                      JwtAlgorithm alg = JwtAlgorithm::kHs256,
                                      std::string key = kSecret) {
  JwtVerifierOptions options;
  options.algorithm = alg;
  options.key = std::move(key);
  options.issuer = "kaoping-local";
  auto v = JwtVerifier::Create(options, clock);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? std::move(*v) : nullptr;
}

class JwtTest : public ::testing::Test {
 protected:
  FakeClock clock_{kNow};
};

TEST_F(JwtTest, ValidHs256TokenGivesThePrincipal) {
  auto token = SignJwt(JwtAlgorithm::kHs256, kSecret, Claims());
  ASSERT_TRUE(token.ok());
  auto p = Verifier(&clock_)->Verify(*token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "zhang.san");
  EXPECT_TRUE(p->HasRole("REGION_ADMIN"));
  EXPECT_TRUE(p->HasRole("AUDITOR"));
  EXPECT_FALSE(p->HasRole("RATER"));
  EXPECT_TRUE(p->HasScope("eligibility:read"));
  EXPECT_EQ(p->unit, "u-12");
  // "510100" (a city) is normalized to the prefix "5101": it covers its counties.
  EXPECT_THAT(p->region_prefixes, ::testing::ElementsAre("510114", "5101"));
  EXPECT_TRUE(p->CoversRegion("510114"));
  EXPECT_TRUE(p->CoversRegion("510107"));
  EXPECT_FALSE(p->CoversRegion("510000"));
  EXPECT_FALSE(p->CoversRegion("520114"));
}

TEST_F(JwtTest, ExpiredTokenIsRefusedAfterTheLeeway) {
  auto token = SignJwt(JwtAlgorithm::kHs256, kSecret, Claims());
  auto verifier = Verifier(&clock_);
  clock_.Set(kNow + absl::Hours(1) + absl::Seconds(29));
  EXPECT_TRUE(verifier->Verify(*token).ok()) << "within 30 s of leeway";
  clock_.Set(kNow + absl::Hours(1) + absl::Seconds(31));
  auto p = verifier->Verify(*token);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(p.status().message(), HasSubstr("expired"));
}

TEST_F(JwtTest, NotYetValidTokenIsRefused) {
  const std::string payload = absl::StrCat(
      "{\"sub\":\"a\",\"iss\":\"kaoping-local\",\"exp\":", absl::ToUnixSeconds(kNow) + 7200,
      ",\"nbf\":", absl::ToUnixSeconds(kNow) + 3600, ",\"roles\":[],\"regions\":[\"510114\"]}");
  auto token = SignJwtWithHeader(JwtAlgorithm::kHs256, kSecret, "{\"alg\":\"HS256\"}", payload);
  auto p = Verifier(&clock_)->Verify(*token);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(p.status().message(), HasSubstr("nbf"));
}

TEST_F(JwtTest, WrongKeyIsRefused) {
  auto token = SignJwt(JwtAlgorithm::kHs256, "another-secret-another-secret-another", Claims());
  auto p = Verifier(&clock_)->Verify(*token);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(p.status().message(), HasSubstr("signature"));
}

TEST_F(JwtTest, AlgorithmNoneIsRefused) {
  const std::string payload = absl::StrCat(
      "{\"sub\":\"a\",\"iss\":\"kaoping-local\",\"exp\":", absl::ToUnixSeconds(kNow) + 60,
      ",\"roles\":[\"REGION_ADMIN\"],\"regions\":[\"51\"]}");
  const std::string token = absl::StrCat(Base64UrlEncode("{\"alg\":\"none\",\"typ\":\"JWT\"}"), ".",
                                         Base64UrlEncode(payload), ".");
  auto p = Verifier(&clock_)->Verify(token);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(p.status().message(), HasSubstr("\"none\" is not accepted"));
}

TEST_F(JwtTest, TokenOfAnotherAlgorithmIsRefusedBeforeAnyKeyIsUsed) {
  // The classic confusion: an HS256 token "signed" with the server's public
  // key must not pass a verifier pinned to EdDSA.
  KeyPair ed = Generate("ED25519");
  auto hs_with_public_key = SignJwt(JwtAlgorithm::kHs256, ed.public_pem, Claims());
  ASSERT_TRUE(hs_with_public_key.ok());
  auto p = Verifier(&clock_, JwtAlgorithm::kEdDsa, ed.public_pem)->Verify(*hs_with_public_key);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(p.status().message(), HasSubstr("expected EdDSA"));
  // And an EdDSA token is refused by an HS256 verifier.
  auto ed_token = SignJwt(JwtAlgorithm::kEdDsa, ed.private_pem, Claims());
  ASSERT_TRUE(ed_token.ok());
  EXPECT_EQ(Verifier(&clock_)->Verify(*ed_token).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(JwtTest, EdDsaAndRs256Verify) {
  KeyPair ed = Generate("ED25519");
  auto ed_token = SignJwt(JwtAlgorithm::kEdDsa, ed.private_pem, Claims());
  ASSERT_TRUE(ed_token.ok()) << ed_token.status();
  EXPECT_TRUE(Verifier(&clock_, JwtAlgorithm::kEdDsa, ed.public_pem)->Verify(*ed_token).ok());
  KeyPair other = Generate("ED25519");
  EXPECT_FALSE(Verifier(&clock_, JwtAlgorithm::kEdDsa, other.public_pem)->Verify(*ed_token).ok());

  KeyPair rsa = Generate("RSA", 2048);
  auto rs_token = SignJwt(JwtAlgorithm::kRs256, rsa.private_pem, Claims());
  ASSERT_TRUE(rs_token.ok()) << rs_token.status();
  EXPECT_TRUE(Verifier(&clock_, JwtAlgorithm::kRs256, rsa.public_pem)->Verify(*rs_token).ok());
}

TEST_F(JwtTest, WeakOrMismatchedKeysAreRefusedAtConfiguration) {
  JwtVerifierOptions options;
  options.issuer = "kaoping-local";
  options.key = "short";
  EXPECT_THAT(JwtVerifier::Create(options, &clock_).status().message(), HasSubstr("32 bytes"));
  KeyPair rsa = Generate("RSA", 1024);
  options.algorithm = JwtAlgorithm::kRs256;
  options.key = rsa.public_pem;
  EXPECT_THAT(JwtVerifier::Create(options, &clock_).status().message(), HasSubstr("2048"));
  KeyPair ed = Generate("ED25519");
  options.key = ed.public_pem;
  EXPECT_THAT(JwtVerifier::Create(options, &clock_).status().message(), HasSubstr("RSA key"));
  options.key = "not a pem";
  EXPECT_FALSE(JwtVerifier::Create(options, &clock_).ok());
  options.algorithm = JwtAlgorithm::kHs256;
  options.key = kSecret;
  options.issuer = "";
  EXPECT_FALSE(JwtVerifier::Create(options, &clock_).ok());
  EXPECT_FALSE(ParseJwtAlgorithm("none").ok());
  EXPECT_FALSE(ParseJwtAlgorithm("HS512").ok());
}

TEST_F(JwtTest, TamperedPayloadIsRefused) {
  auto token = SignJwt(JwtAlgorithm::kHs256, kSecret, Claims());
  std::vector<std::string> parts = absl::StrSplit(*token, '.');
  std::string payload;
  ASSERT_TRUE(Base64UrlDecode(parts[1], &payload));
  absl::StrReplaceAll({{"510114", "520000"}}, &payload);
  const std::string forged = absl::StrCat(parts[0], ".", Base64UrlEncode(payload), ".", parts[2]);
  EXPECT_EQ(Verifier(&clock_)->Verify(forged).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(JwtTest, MalformedTokensAreRefusedWithoutCrashing) {
  auto v = Verifier(&clock_);
  for (const char* bad : {"", ".", "..", "a.b", "a.b.c.d", "!!!.???.***", "e30.e30.",
                          "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln"}) {
    EXPECT_EQ(v->Verify(bad).status().code(), absl::StatusCode::kUnauthenticated) << bad;
  }
}

TEST_F(JwtTest, ClaimsAreChecked) {
  auto v = Verifier(&clock_);
  auto sign = [&](const std::string& payload) {
    return *SignJwtWithHeader(JwtAlgorithm::kHs256, kSecret, "{\"alg\":\"HS256\"}", payload);
  };
  const std::string exp = absl::StrCat(absl::ToUnixSeconds(kNow) + 60);
  struct Case {
    std::string payload;
    std::string reason;
  };
  const Case cases[] = {
      {absl::StrCat("{\"sub\":\"a\",\"iss\":\"kaoping-local\",\"regions\":[\"510114\"]}"), "exp"},
      {absl::StrCat("{\"sub\":\"a\",\"iss\":\"evil\",\"exp\":", exp, "}"), "issuer"},
      {absl::StrCat("{\"iss\":\"kaoping-local\",\"exp\":", exp, "}"), "sub"},
      {absl::StrCat("{\"sub\":\"a\",\"iss\":\"kaoping-local\",\"exp\":", exp,
                    ",\"roles\":[\"GOD\"]}"),
       "unknown role"},
      {absl::StrCat("{\"sub\":\"a\",\"iss\":\"kaoping-local\",\"exp\":", exp,
                    ",\"roles\":\"REGION_ADMIN\"}"),
       "roles"},
      {absl::StrCat("{\"sub\":\"a\",\"iss\":\"kaoping-local\",\"exp\":", exp,
                    ",\"regions\":[\"5\"]}"),
       "regions"},
      {absl::StrCat("{\"sub\":\"a\",\"iss\":\"kaoping-local\",\"exp\":", exp,
                    ",\"regions\":[\"\"]}"),
       "regions"},
      {absl::StrCat("{\"sub\":\"a\",\"iss\":\"kaoping-local\",\"exp\":\"soon\"}"), "exp"},
      // Would overflow microseconds: refused, not undefined behaviour.
      {absl::StrCat("{\"sub\":\"a\",\"iss\":\"kaoping-local\",\"exp\":1e300}"), "exp"},
      {absl::StrCat("{\"sub\":\"a\",\"iss\":\"kaoping-local\",\"exp\":", exp, ",\"nbf\":-9.3e12}"),
       "nbf"},
  };
  for (const Case& c : cases) {
    auto p = v->Verify(sign(c.payload));
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated) << c.payload;
    EXPECT_THAT(p.status().message(), HasSubstr(c.reason)) << c.payload;
  }
}

TEST_F(JwtTest, AudienceIsCheckedWhenConfigured) {
  JwtVerifierOptions options;
  options.key = kSecret;
  options.issuer = "kaoping-local";
  options.audience = "kaoping";
  auto v = *JwtVerifier::Create(options, &clock_);
  JwtClaims c = Claims();
  EXPECT_FALSE(v->Verify(*SignJwt(JwtAlgorithm::kHs256, kSecret, c)).ok());
  c.audience = "kaoping";
  EXPECT_TRUE(v->Verify(*SignJwt(JwtAlgorithm::kHs256, kSecret, c)).ok());
}

}  // namespace
}  // namespace kaoping
