#include "tests/appraisals/signing/test_keys.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <functional>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace kaoping::signing::testing {
namespace {

std::string Bio(const std::function<int(BIO*)>& write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || write(bio.get()) != 1) {
    std::abort();  // a test set-up fault, not a case under test
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

std::string Hex(absl::string_view hex) { return absl::HexStringToBytes(hex); }

std::string PemOf(absl::string_view label, absl::string_view der) {
  const std::string base64 = absl::Base64Escape(der);
  std::string pem = absl::StrCat("-----BEGIN ", label, "-----\n");
  for (std::size_t at = 0; at < base64.size(); at += 64) {
    absl::StrAppend(&pem, base64.substr(at, 64), "\n");
  }
  absl::StrAppend(&pem, "-----END ", label, "-----\n");
  return pem;
}

std::string Ed25519Pkcs8Pem(absl::string_view seed) {
  // SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }
  return PemOf("PRIVATE KEY", absl::StrCat(Hex("302e020100300506032b657004220420"), seed));
}

std::string Sm2Pkcs8Pem(absl::string_view d) {
  // SEQUENCE { INTEGER 0, SEQUENCE { OID id-ecPublicKey, OID sm2 (1.2.156.10197.1.301) },
  //            OCTET STRING { SEQUENCE { INTEGER 1, OCTET STRING d } } }
  return PemOf("PRIVATE KEY",
               absl::StrCat(Hex("3041020100301306072a8648ce3d020106082a811ccf5501822d"
                                "0427302502010104"
                                "20"),
                            d));
}

ForeignKey GenerateForeignKey(absl::string_view type) {
  EVP_PKEY* key = nullptr;
  if (type == "RSA") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
  } else if (type == "P-256") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  } else {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, std::string(type).c_str());
  }
  if (key == nullptr) {
    std::abort();
  }
  ForeignKey out;
  out.private_pem = Bio([&](BIO* bio) {
    return PEM_write_bio_PKCS8PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
  out.public_pem = Bio([&](BIO* bio) { return PEM_write_bio_PUBKEY(bio, key); });
  if (type == "P-256") {
    unsigned char point[65];
    std::size_t length = 0;
    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point), &length);
    out.public_point.assign(reinterpret_cast<const char*>(point), length);
  }
  EVP_PKEY_free(key);
  return out;
}

const char kCliEd25519PrivatePem[] = R"(-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIFtoqpIb/aOBAfawKCDHWuxDSJ3oHXGlnorsTUqLwas5
-----END PRIVATE KEY-----
)";

const char kCliEd25519PublicPem[] = R"(-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAu5umIh3IJ1BTWefIASc1mHQkYTYHl87BGhybt4QgEFU=
-----END PUBLIC KEY-----
)";

const char kCliEd25519Sm4Pem[] = R"(-----BEGIN ENCRYPTED PRIVATE KEY-----
MIGaMFYGCSqGSIb3DQEFDTBJMCkGCSqGSIb3DQEFDDAcBAiLjDTrwZpeRAICCAAw
DAYIKoZIhvcNAgkFADAcBggqgRzPVQFoAgQQpOylqf4+wGR4ECjm20l9RQRABOO5
NstrpqtHxFj4PktY1sKn4s7a0YTsBRTBjGHaNV+Hl2kAFyjUb4kYctW22sU6U2+1
+khtW6kQ+9Uq2tyJeA==
-----END ENCRYPTED PRIVATE KEY-----
)";

const char kCliSm2PrivatePem[] = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgGTAnFoWQYu4nwA26
ytXuEj4GAZ8blfgtqpw+v4QCEwehRANCAATVVhkeucGPEANwgt81u3c2yv8YGyId
GyH7FYqg6dBuuQW4VjnuSIllvGwgvy5L2CoZGjQhyz0WRWTwp0BSkgGc
-----END PRIVATE KEY-----
)";

const char kCliSm2PublicPem[] = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE1VYZHrnBjxADcILfNbt3Nsr/GBsi
HRsh+xWKoOnQbrkFuFY57kiJZbxsIL8uS9gqGRo0Ics9FkVk8KdAUpIBnA==
-----END PUBLIC KEY-----
)";

const char kCliSm2AesPem[] = R"(-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAi/rz2OesVdXQICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEECK5thoTDTox/cm4Sb/9CEEgZDo
R/GY/H1z+cleUFDLsAsE5CjMl+AUU03wTC/Ewq97bFaYVj72qkOp8FtcwyXSSHTR
OVJtru7iMCpihY4qSnv7qnAwCfNqWIiMThf7GNoyWZnpvXrZo+eIbn9ABgX6DMIz
TlM689CFSGeZosMQDCcpV8RvwbDPB5JkJzkCmghgqvyCuy/5WKz7n5v2FXnjH0I=
-----END ENCRYPTED PRIVATE KEY-----
)";

const char kCliSm2TraditionalPem[] = R"(-----BEGIN SM2 PRIVATE KEY-----
MHcCAQEEIBkwJxaFkGLuJ8ANusrV7hI+BgGfG5X4LaqcPr+EAhMHoAoGCCqBHM9V
AYItoUQDQgAE1VYZHrnBjxADcILfNbt3Nsr/GBsiHRsh+xWKoOnQbrkFuFY57kiJ
ZbxsIL8uS9gqGRo0Ics9FkVk8KdAUpIBnA==
-----END SM2 PRIVATE KEY-----
)";

const char kCliSm2ExplicitPublicPem[] = R"(-----BEGIN PUBLIC KEY-----
MIIBMzCB7AYHKoZIzj0CATCB4AIBATAsBgcqhkjOPQEBAiEA/////v//////////
//////////8AAAAA//////////8wRAQg/////v////////////////////8AAAAA
//////////wEICjp+p6dn140TVqeS89lCafzl4n1FauPkt28vUFNlA6TBEEEMsSu
LB8ZgRlfmQRGajnJlI/jC7/yZgvhcVpFiTNMdMe8Nzai9PZ3nFm9zuNraSFT0KmH
fMYqR0AC3zLlITnwoAIhAP////7///////////////9yA99rIcYFK1O79Ak51UEj
AgEBA0IABNVWGR65wY8QA3CC3zW7dzbK/xgbIh0bIfsViqDp0G65BbhWOe5IiWW8
bCC/LkvYKhkaNCHLPRZFZPCnQFKSAZw=
-----END PUBLIC KEY-----
)";

const char kCliP256ExplicitPublicPem[] = R"(-----BEGIN PUBLIC KEY-----
MIIBSzCCAQMGByqGSM49AgEwgfcCAQEwLAYHKoZIzj0BAQIhAP////8AAAABAAAA
AAAAAAAAAAAA////////////////MFsEIP////8AAAABAAAAAAAAAAAAAAAA////
///////////8BCBaxjXYqjqT57PrvVV2mIa8ZR0GsMxTsPY7zjw+J9JgSwMVAMSd
NgiG5wSTamZ44ROdJreBn36QBEEEaxfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5
RdiYwpZP40Li/hp/m47n60p8D54WK84zV2sxXs7LtkBoN79R9QIhAP////8AAAAA
//////////+85vqtpxeehPO5ysL8YyVRAgEBA0IABBUCMGC6yPEmPhC+2MFn45JD
7d5xPWccQsBFhlc/p2qZwUtlEU0+vQzgs9RnRyQunYidXULgjVVSQtpMwaef/RE=
-----END PUBLIC KEY-----
)";

const char kCliEd25519Passphrase[] = "correct horse";
const char kCliSm2Passphrase[] = "正确的口令 correct horse";
const char kCliMessage[] = "kaoping.v1.AppraisalContent\nsigned by openssl";

const char kCliEd25519SignatureHex[] =
    "d0e19940cb2b545443e6237d3339133944daccc18ecab208c3c90687a02ca326"
    "f0839be8a23095f4e39979b45be6b0a97910673bd595957b07d8b7d99f5ffa09";
const char kCliSm2SignatureHex[] =
    "3046022100d0be7ca982dda16c6a5812df155351b94025f845fe2625b8af3314f8bccf3849"
    "02210080cf5d6e00cca9f976d269b48c0f54d15b301ec39c19dac077b956f6c007d3f5";
const char kCliSm2AliceSignatureHex[] =
    "304502201807e886a3355fe96d28ccabf3b74fdd3692800a983cd38d8987a5ecba6c0e7f"
    "022100f08f3d3987c4efd1f9874e39439371b011307340be5b2ddc371e212a97179d8b";

}  // namespace kaoping::signing::testing
