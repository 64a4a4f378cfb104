#include "services/appraisals/signing/key_material.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/appraisals/signing/digests.h"
#include "services/appraisals/signing/ed25519_point.h"
#include "services/common/status_macros.h"

namespace kaoping::signing::internal {
namespace {

constexpr char kAccepted[] = "signer keys are Ed25519 or SM2 (on the SM2 curve)";

std::string GroupName(EVP_PKEY* key) {
  char name[80] = {0};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name),
                                     &length) != 1) {
    return "";
  }
  return std::string(name, length);
}

absl::StatusOr<std::string> PaddedBn(EVP_PKEY* key, const char* param) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &bn) != 1) {
    return absl::InvalidArgumentError("has no SM2 public point");
  }
  std::string out(32, '\0');
  const int written = BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), 32);
  BN_free(bn);
  if (written != 32) {
    return absl::InvalidArgumentError("has an SM2 coordinate longer than 32 bytes");
  }
  return out;
}

absl::StatusOr<std::string> Ed25519Raw(EVP_PKEY* key) {
  std::string raw(32, '\0');
  std::size_t length = raw.size();
  if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &length) !=
          1 ||
      length != 32) {
    return absl::InvalidArgumentError("has no Ed25519 public key");
  }
  return raw;
}

absl::StatusOr<PkeyPtr> Sm2KeyFromPoint(absl::string_view point) {
  if (point.size() != 65 || point[0] != 0x04) {
    return absl::InvalidArgumentError(
        "an SM2 public point is 65 bytes: 04, then x and y of 32 bytes each");
  }
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> build(OSSL_PARAM_BLD_new(),
                                                                        &OSSL_PARAM_BLD_free);
  if (!build ||
      OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return absl::InternalError(absl::StrCat("OpenSSL: ", TakeOpenSslErrors()));
  }
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
      OSSL_PARAM_BLD_to_param(build.get()), &OSSL_PARAM_free);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    return absl::InternalError(absl::StrCat("OpenSSL: ", TakeOpenSslErrors()));
  }
  if (EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    TakeOpenSslErrors();
    return absl::InvalidArgumentError("is not a point on the SM2 curve");
  }
  PkeyPtr owned(key);
  // On the curve (checked above) and not the point at infinity; with
  // cofactor 1 that puts it in the group of order n without the full check's
  // extra scalar multiplication.
  RETURN_IF_ERROR(RunKeyCheck(key, &EVP_PKEY_public_check_quick,
                              "is not a valid SM2 public key (the point at infinity)"));
  return owned;
}

absl::StatusOr<std::string> Sm2Point(EVP_PKEY* key) {
  ASSIGN_OR_RETURN(std::string x, PaddedBn(key, OSSL_PKEY_PARAM_EC_PUB_X));
  ASSIGN_OR_RETURN(std::string y, PaddedBn(key, OSSL_PKEY_PARAM_EC_PUB_Y));
  return absl::StrCat("\x04", x, y);
}

absl::StatusOr<PkeyPtr> CanonicalKey(Algorithm algorithm, absl::string_view raw) {
  if (algorithm == Algorithm::kSm2) {
    return Sm2KeyFromPoint(raw);
  }
  RETURN_IF_ERROR(CheckEd25519PublicKey(raw));
  PkeyPtr key(EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, Bytes(raw), raw.size()));
  if (!key) {
    return absl::InternalError(absl::StrCat("OpenSSL: ", TakeOpenSslErrors()));
  }
  return key;
}

absl::StatusOr<std::string> SpkiDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) {
    return absl::InternalError(absl::StrCat("OpenSSL i2d_PUBKEY: ", TakeOpenSslErrors()));
  }
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

}  // namespace

absl::StatusOr<Algorithm> IdentifyAlgorithm(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "ED25519")) {
    return Algorithm::kEd25519;
  }
  if (EVP_PKEY_is_a(key, "SM2") || EVP_PKEY_is_a(key, "EC")) {
    const std::string group = GroupName(key);
    if (group == "SM2") {
      return Algorithm::kSm2;
    }
    if (group.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("is an elliptic-curve key whose explicit curve parameters are no named "
                       "curve (not SM2); ",
                       kAccepted));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("is an elliptic-curve key on curve ", group, ", not SM2; ", kAccepted));
  }
  const char* type = EVP_PKEY_get0_type_name(key);
  return absl::InvalidArgumentError(
      absl::StrCat("is a key of type ", type != nullptr ? type : "unknown", "; ", kAccepted));
}

absl::Status RunKeyCheck(EVP_PKEY* key, int (*check)(EVP_PKEY_CTX*), absl::string_view failure) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || check(ctx.get()) != 1) {
    TakeOpenSslErrors();
    return absl::InvalidArgumentError(failure);
  }
  return absl::OkStatus();
}

absl::Status CheckExpectedAlgorithm(Algorithm actual, std::optional<Algorithm> expected) {
  if (expected.has_value() && *expected != actual) {
    return absl::InvalidArgumentError(
        absl::StrCat("is an ", AlgorithmName(actual), " key, not ", AlgorithmName(*expected)));
  }
  return absl::OkStatus();
}

absl::StatusOr<PublicKey> PublicKeyFromRaw(Algorithm algorithm, std::string raw) {
  ASSIGN_OR_RETURN(PkeyPtr canonical, CanonicalKey(algorithm, raw));
  PublicKey out;
  out.algorithm_ = algorithm;
  out.raw_ = std::move(raw);
  ASSIGN_OR_RETURN(out.der_, SpkiDer(canonical.get()));
  out.fingerprint_ = absl::BytesToHexString(Sha256(out.der_));
  out.key_ = std::shared_ptr<EVP_PKEY>(canonical.release(), OpenSslDeleter());
  return out;
}

absl::StatusOr<PublicKey> MakePublicKey(Algorithm algorithm, EVP_PKEY* key) {
  ASSIGN_OR_RETURN(std::string raw, algorithm == Algorithm::kSm2 ? Sm2Point(key) : Ed25519Raw(key));
  return PublicKeyFromRaw(algorithm, std::move(raw));
}

}  // namespace kaoping::signing::internal
