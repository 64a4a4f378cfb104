// Sign and Verify: round trips, tampering, wrong algorithms, strict
// encodings, the SM2 signer id, and agreement with other implementations
// (the openssl command line, and a textbook GB/T 32918.2 verifier).

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/appraisals/signing/private_key.h"
#include "services/appraisals/signing/public_key.h"
#include "services/appraisals/signing/signature.h"
#include "services/appraisals/signing/sm2.h"
#include "tests/appraisals/signing/expect_invalid.h"
#include "tests/appraisals/signing/test_keys.h"

namespace kaoping::signing {
namespace {

using ::kaoping::signing::testing::ExpectInvalid;
using ::kaoping::signing::testing::Hex;
namespace fx = ::kaoping::signing::testing;

// The Ed25519 group order L, little-endian.
constexpr char kEd25519L[] = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";

PrivateKey NewKey(Algorithm algorithm) {
  absl::StatusOr<PrivateKey> key = GeneratePrivateKey(algorithm);
  EXPECT_TRUE(key.ok()) << key.status();
  return *std::move(key);
}

std::string Payload() {
  std::string payload = "kaoping.v1.AppraisalContent\n";
  for (int i = 0; i < 2000; ++i) {
    payload.push_back(static_cast<char>(i * 7));  // binary, with NULs
  }
  return payload;
}

class SignVerifyTest : public ::testing::TestWithParam<Algorithm> {};

TEST_P(SignVerifyTest, RoundTripsOverAnyBytes) {
  const PrivateKey key = NewKey(GetParam());
  for (const std::string& message :
       {std::string(), std::string("x"), Payload(), std::string(1 << 20, '\xff')}) {
    absl::StatusOr<std::string> signature = Sign(key, message);
    ASSERT_TRUE(signature.ok()) << signature.status();
    if (GetParam() == Algorithm::kEd25519) {
      EXPECT_EQ(signature->size(), 64u);
    } else {
      EXPECT_TRUE(ParseSm2Signature(*signature).ok());
    }
    EXPECT_TRUE(Verify(key.public_key(), message, *signature).ok());
  }
}

TEST_P(SignVerifyTest, AChangedMessageDoesNotVerify) {
  const PrivateKey key = NewKey(GetParam());
  const std::string message = Payload();
  absl::StatusOr<std::string> signature = Sign(key, message);
  ASSERT_TRUE(signature.ok());
  for (std::size_t at : {std::size_t{0}, message.size() / 2, message.size() - 1}) {
    std::string changed = message;
    changed[at] = static_cast<char>(changed[at] ^ 0x01);
    ExpectInvalid(Verify(key.public_key(), changed, *signature), "does not verify");
  }
  ExpectInvalid(Verify(key.public_key(), message + '\0', *signature), "does not verify");
  ExpectInvalid(Verify(key.public_key(), message.substr(1), *signature), "does not verify");
}

TEST_P(SignVerifyTest, AChangedSignatureIsRefused) {
  const PrivateKey key = NewKey(GetParam());
  absl::StatusOr<std::string> signature = Sign(key, Payload());
  ASSERT_TRUE(signature.ok());
  for (std::size_t at = 0; at < signature->size(); ++at) {
    std::string changed = *signature;
    changed[at] = static_cast<char>(changed[at] ^ 0x04);
    EXPECT_EQ(Verify(key.public_key(), Payload(), changed).code(),
              absl::StatusCode::kInvalidArgument)
        << "byte " << at;
  }
}

TEST_P(SignVerifyTest, AnotherKeyOfTheSameAlgorithmDoesNotVerify) {
  const PrivateKey key = NewKey(GetParam());
  const PrivateKey other = NewKey(GetParam());
  absl::StatusOr<std::string> signature = Sign(key, Payload());
  ASSERT_TRUE(signature.ok());
  absl::Status status = Verify(other.public_key(), Payload(), *signature);
  ExpectInvalid(status, "does not verify");
  ExpectInvalid(status, other.public_key().fingerprint().substr(0, 16));
}

TEST_P(SignVerifyTest, OneKeyServesManyThreads) {
  const PrivateKey key = NewKey(GetParam());
  std::vector<std::thread> threads;
  std::vector<int> verified(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const std::string message = absl::StrCat("appraisal ", t, "/", i);
        absl::StatusOr<std::string> signature = Sign(key, message);
        if (signature.ok() && Verify(key.public_key(), message, *signature).ok()) {
          ++verified[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_THAT(verified, ::testing::Each(25));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, SignVerifyTest,
                         ::testing::Values(Algorithm::kEd25519, Algorithm::kSm2),
                         [](const ::testing::TestParamInfo<Algorithm>& info) {
                           return std::string(AlgorithmName(info.param));
                         });

TEST(Verify, ASignatureOfTheOtherAlgorithmIsRefused) {
  const PrivateKey ed = NewKey(Algorithm::kEd25519);
  const PrivateKey sm2 = NewKey(Algorithm::kSm2);
  absl::StatusOr<std::string> ed_signature = Sign(ed, "m");
  absl::StatusOr<std::string> sm2_signature = Sign(sm2, "m");
  ASSERT_TRUE(ed_signature.ok() && sm2_signature.ok());
  ExpectInvalid(Verify(sm2.public_key(), "m", *ed_signature), "is not a DER SM2 signature");
  ExpectInvalid(Verify(ed.public_key(), "m", *sm2_signature), "must be 64 bytes for Ed25519");
}

TEST(Verify, Ed25519SignaturesOfTheWrongLengthAreRefused) {
  const PrivateKey key = NewKey(Algorithm::kEd25519);
  absl::StatusOr<std::string> signature = Sign(key, "m");
  ASSERT_TRUE(signature.ok());
  ExpectInvalid(Verify(key.public_key(), "m", signature->substr(0, 63)), "got 63");
  ExpectInvalid(Verify(key.public_key(), "m", *signature + "x"), "got 65");
  ExpectInvalid(Verify(key.public_key(), "m", ""), "got 0");
}

// S + L verifies under a lax verifier (it is the same scalar mod L); a
// strict one refuses it, or one signature would have two encodings.
TEST(Verify, NonCanonicalEd25519SIsRefused) {
  const PrivateKey key = NewKey(Algorithm::kEd25519);
  absl::StatusOr<std::string> signature = Sign(key, "m");
  ASSERT_TRUE(signature.ok());
  const std::string l = Hex(kEd25519L);
  std::string bumped = *signature;
  int carry = 0;
  for (int i = 0; i < 32; ++i) {
    const int sum = static_cast<unsigned char>(bumped[32 + i]) +
                    static_cast<unsigned char>(l[static_cast<std::size_t>(i)]) + carry;
    bumped[32 + i] = static_cast<char>(sum & 0xff);
    carry = sum >> 8;
  }
  ASSERT_EQ(carry, 0);  // S < L < 2^253, so S + L fits
  ExpectInvalid(Verify(key.public_key(), "m", bumped), "not a canonical Ed25519 signature");
}

// DER pieces with short-form lengths, from their contents.
std::string Tlv(char tag, absl::string_view content) {
  return absl::StrCat(std::string(1, tag), std::string(1, static_cast<char>(content.size())),
                      content);
}
std::string Integer(absl::string_view content) { return Tlv('\x02', content); }
std::string Sequence(absl::string_view content) { return Tlv('\x30', content); }
std::string Der(absl::string_view r, absl::string_view s) {
  return Sequence(absl::StrCat(Integer(r), Integer(s)));
}

TEST(ParseSm2Signature, RefusesEveryNonDerForm) {
  const PrivateKey key = NewKey(Algorithm::kSm2);
  absl::StatusOr<std::string> signature = Sign(key, "m");
  ASSERT_TRUE(signature.ok());
  absl::StatusOr<Sm2SignatureValues> values = ParseSm2Signature(*signature);
  ASSERT_TRUE(values.ok()) << values.status();
  const std::string r = values->r;  // 32 bytes
  const std::string s = values->s;
  auto positive = [](const std::string& v) {
    return (static_cast<unsigned char>(v[0]) & 0x80) != 0 ? std::string(1, '\0') + v : v;
  };
  EXPECT_EQ(Der(positive(r), positive(s)), *signature);  // what OpenSSL made is DER

  struct Case {
    const char* name;
    std::string bytes;
    const char* fragment;
  };
  const std::string good = Der(positive(r), positive(s));
  std::string long_form = good;
  long_form.insert(1, "\x81");
  const std::string negative = Der(std::string(1, '\x80') + r.substr(1), positive(s));
  const std::string padded = Der(std::string("\x00\x01", 2), positive(s));
  const Case cases[] = {
      {"trailing byte", good + std::string(1, '\0'), "1 bytes after the SEQUENCE"},
      {"truncated", good.substr(0, good.size() - 1), "truncated"},
      {"empty", "", "does not start with a SEQUENCE"},
      {"raw r||s", r + s, "does not start with a SEQUENCE"},
      {"long-form length", long_form, "short form"},
      {"indefinite length", absl::StrCat("\x30\x80", good.substr(2), std::string(2, '\0')),
       "short form"},
      {"negative r", negative, "r is negative"},
      {"superfluous zero", padded, "r has a superfluous leading zero"},
      {"s missing", Sequence(Integer(positive(r))), "s is not an INTEGER"},
      {"third INTEGER",
       Sequence(absl::StrCat(Integer(positive(r)), Integer(positive(s)), Integer("\x01"))),
       "3 bytes after s inside the SEQUENCE"},
      {"OCTET STRING", Sequence(Tlv('\x04', "\x01\x01")), "r is not an INTEGER"},
      {"r = 0", Der(std::string(1, '\0'), positive(s)), "r is not in [1, n-1]"},
      {"r = n", Der(std::string(1, '\0') + Hex(fx::kSm2OrderHex), positive(s)),
       "r is not in [1, n-1]"},
      {"s = n", Der(positive(r), std::string(1, '\0') + Hex(fx::kSm2OrderHex)),
       "s is not in [1, n-1]"},
      {"33-byte s", Der(positive(r), std::string(1, '\x01') + s), "s is longer than 32 bytes"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectInvalid(ParseSm2Signature(c.bytes).status(), c.fragment);
    EXPECT_EQ(Verify(key.public_key(), "m", c.bytes).code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(ParseSm2Signature, AcceptsSmallIntegersAndNMinusOne) {
  std::string n_minus_1 = Hex(fx::kSm2OrderHex);
  n_minus_1[31] = static_cast<char>(n_minus_1[31] - 1);
  absl::StatusOr<Sm2SignatureValues> values =
      ParseSm2Signature(Der(std::string(1, '\x01'), std::string(1, '\0') + n_minus_1));
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_EQ(values->r, absl::StrCat(std::string(31, '\0'), "\x01"));
  EXPECT_EQ(values->s, n_minus_1);
}

TEST(Sm2SignerId, SignerAndVerifierMustAgree) {
  const PrivateKey key = NewKey(Algorithm::kSm2);
  SignatureOptions alice;
  alice.sm2_signer_id = "ALICE123@YAHOO.COM";
  absl::StatusOr<std::string> signature = Sign(key, "m", alice);
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(Verify(key.public_key(), "m", *signature, alice).ok());
  ExpectInvalid(Verify(key.public_key(), "m", *signature),
                "or it was signed with another signer id than \"1234567812345678\"");
}

TEST(Sm2SignerId, MustBeOneTo8190Bytes) {
  const PrivateKey key = NewKey(Algorithm::kSm2);
  SignatureOptions options;
  options.sm2_signer_id = "";
  ExpectInvalid(Sign(key, "m", options).status(), "SM2 signer id must be 1 to 8190 bytes");
  options.sm2_signer_id = std::string(8191, 'i');
  ExpectInvalid(Sign(key, "m", options).status(), "got 8191");
  options.sm2_signer_id = std::string(8190, 'i');
  absl::StatusOr<std::string> signature = Sign(key, "m", options);
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_TRUE(Verify(key.public_key(), "m", *signature, options).ok());
}

TEST(Sm2SignerId, IsIgnoredForEd25519) {
  const PrivateKey key = NewKey(Algorithm::kEd25519);
  SignatureOptions options;
  options.sm2_signer_id = "";
  absl::StatusOr<std::string> signature = Sign(key, "m", options);
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_TRUE(Verify(key.public_key(), "m", *signature).ok());
}

// GB/T 32918.2 verification steps B1-B7 done by hand with OpenSSL's bare
// curve arithmetic, independent of its SM2 code and of the signer id it is
// given: t = (r + s) mod n, (x1, y1) = [s]G + [t]P, valid iff
// (e + x1) mod n = r, with e = SM3(Z ‖ M) computed from the standard.
bool TextbookVerify(const PublicKey& key, absl::string_view message, absl::string_view der,
                    absl::string_view signer_id) {
  absl::StatusOr<Sm2SignatureValues> values = ParseSm2Signature(der);
  absl::StatusOr<std::string> e = Sm2MessageHash(key, message, signer_id);
  if (!values.ok() || !e.ok()) {
    return false;
  }
  auto bn = [](absl::string_view bytes) {
    return std::unique_ptr<BIGNUM, decltype(&BN_free)>(
        BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                  static_cast<int>(bytes.size()), nullptr),
        &BN_free);
  };
  std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> group(EC_GROUP_new_by_curve_name(NID_sm2),
                                                            &EC_GROUP_free);
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), &BN_CTX_free);
  std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> p(EC_POINT_new(group.get()), &EC_POINT_free);
  std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> sum(EC_POINT_new(group.get()),
                                                          &EC_POINT_free);
  auto r = bn(values->r), s = bn(values->s), e_bn = bn(*e), n = bn(Hex(fx::kSm2OrderHex));
  auto t = bn(""), x1 = bn(""), expected = bn("");
  const bool computed =
      EC_POINT_oct2point(group.get(), p.get(),
                         reinterpret_cast<const unsigned char*>(key.raw().data()), key.raw().size(),
                         ctx.get()) == 1 &&
      BN_mod_add(t.get(), r.get(), s.get(), n.get(), ctx.get()) == 1 && !BN_is_zero(t.get()) &&
      EC_POINT_mul(group.get(), sum.get(), s.get(), p.get(), t.get(), ctx.get()) == 1 &&
      EC_POINT_get_affine_coordinates(group.get(), sum.get(), x1.get(), nullptr, ctx.get()) == 1 &&
      BN_mod_add(expected.get(), e_bn.get(), x1.get(), n.get(), ctx.get()) == 1;
  return computed && BN_cmp(expected.get(), r.get()) == 0;
}

TEST(Sm2, SignaturesFollowTheStandardWithTheGivenSignerId) {
  const PrivateKey key = NewKey(Algorithm::kSm2);
  for (const char* id : {"1234567812345678", "ALICE123@YAHOO.COM", "510114-县委书记"}) {
    SCOPED_TRACE(id);
    SignatureOptions options;
    options.sm2_signer_id = id;
    absl::StatusOr<std::string> signature = Sign(key, Payload(), options);
    ASSERT_TRUE(signature.ok()) << signature.status();
    EXPECT_TRUE(TextbookVerify(key.public_key(), Payload(), *signature, id));
    EXPECT_FALSE(TextbookVerify(key.public_key(), Payload(), *signature, "another id"));
  }
}

TEST(OpensslCommandLine, ItsSignaturesVerify) {
  absl::StatusOr<PublicKey> ed = ParsePublicKey(fx::kCliEd25519PublicPem);
  absl::StatusOr<PublicKey> sm2 = ParsePublicKey(fx::kCliSm2PublicPem);
  ASSERT_TRUE(ed.ok() && sm2.ok());
  EXPECT_TRUE(Verify(*ed, fx::kCliMessage, Hex(fx::kCliEd25519SignatureHex)).ok());
  EXPECT_TRUE(Verify(*sm2, fx::kCliMessage, Hex(fx::kCliSm2SignatureHex)).ok());
  SignatureOptions alice;
  alice.sm2_signer_id = "ALICE123@YAHOO.COM";
  EXPECT_TRUE(Verify(*sm2, fx::kCliMessage, Hex(fx::kCliSm2AliceSignatureHex), alice).ok());
  EXPECT_FALSE(Verify(*sm2, fx::kCliMessage, Hex(fx::kCliSm2AliceSignatureHex)).ok());
}

TEST(OpensslCommandLine, ItsKeysSignWhatItsPublicKeysVerify) {
  absl::StatusOr<PrivateKey> sm2 = ParsePrivateKey(fx::kCliSm2AesPem, fx::kCliSm2Passphrase);
  absl::StatusOr<PublicKey> sm2_public = ParsePublicKey(fx::kCliSm2PublicPem);
  ASSERT_TRUE(sm2.ok() && sm2_public.ok());
  absl::StatusOr<std::string> signature = Sign(*sm2, fx::kCliMessage);
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(Verify(*sm2_public, fx::kCliMessage, *signature).ok());
  EXPECT_TRUE(TextbookVerify(*sm2_public, fx::kCliMessage, *signature, kDefaultSm2SignerId));
}

}  // namespace
}  // namespace kaoping::signing
