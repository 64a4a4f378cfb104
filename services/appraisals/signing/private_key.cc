#include "services/appraisals/signing/private_key.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <limits>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/appraisals/signing/key_material.h"
#include "services/appraisals/signing/openssl_handles.h"
#include "services/appraisals/signing/pem.h"
#include "services/common/status_macros.h"

namespace kaoping::signing {
namespace {

using internal::Bytes;
using internal::PkeyCtxPtr;
using internal::PkeyPtr;
using internal::TakeOpenSslErrors;

struct Deleter {
  void operator()(PKCS8_PRIV_KEY_INFO* p) const { PKCS8_PRIV_KEY_INFO_free(p); }
  void operator()(X509_SIG* p) const { X509_SIG_free(p); }
  // Exported key parameters hold the private scalar: cleared before freed.
  void operator()(OSSL_PARAM* params) const {
    for (OSSL_PARAM* p = params; p->key != nullptr; ++p) {
      OPENSSL_cleanse(p->data, p->data_size);
    }
    OSSL_PARAM_free(params);
  }
};
using P8Ptr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, Deleter>;

absl::StatusOr<P8Ptr> DecodePrivateKeyInfo(absl::string_view der) {
  const unsigned char* cursor = Bytes(der);
  P8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, static_cast<long>(der.size())));
  TakeOpenSslErrors();
  if (!info || cursor != Bytes(der) + der.size()) {
    return absl::InvalidArgumentError("is not a well-formed PKCS#8 PrivateKeyInfo");
  }
  return info;
}

absl::StatusOr<P8Ptr> DecryptPrivateKeyInfo(absl::string_view der, absl::string_view passphrase) {
  if (passphrase.empty()) {
    return absl::InvalidArgumentError("is encrypted; give its passphrase");
  }
  if (passphrase.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return absl::InvalidArgumentError("passphrase is too long");
  }
  const unsigned char* cursor = Bytes(der);
  std::unique_ptr<X509_SIG, Deleter> encrypted(
      d2i_X509_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!encrypted || cursor != Bytes(der) + der.size()) {
    TakeOpenSslErrors();
    return absl::InvalidArgumentError("is not a well-formed PKCS#8 EncryptedPrivateKeyInfo");
  }
  P8Ptr info(
      PKCS8_decrypt(encrypted.get(), passphrase.data(), static_cast<int>(passphrase.size())));
  TakeOpenSslErrors();
  if (!info) {
    return absl::InvalidArgumentError(
        "cannot be decrypted: wrong passphrase, an unsupported cipher, or a damaged file");
  }
  return info;
}

absl::StatusOr<P8Ptr> DecodePkcs8Block(const internal::PemBlock& block,
                                       absl::string_view passphrase) {
  if (block.label == "PRIVATE KEY") {
    return DecodePrivateKeyInfo(block.der);
  }
  if (block.label == "ENCRYPTED PRIVATE KEY") {
    return DecryptPrivateKeyInfo(block.der, passphrase);
  }
  if (absl::StrContains(block.label, "PRIVATE KEY")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "is a \"", block.label,
        "\" PEM block, not PKCS#8; convert it: openssl pkcs8 -topk8 -in OLD.pem -out NEW.pem "
        "(add -nocrypt to leave it unencrypted)"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("is a \"", block.label,
                   "\" PEM block; expected -----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED "
                   "PRIVATE KEY-----"));
}

absl::StatusOr<PkeyPtr> DecodePrivateKey(absl::string_view pem, absl::string_view passphrase) {
  if (pem.size() > internal::kMaxEncodedKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("is ", pem.size(), " bytes long; no private key is"));
  }
  ASSIGN_OR_RETURN(internal::PemBlock block, internal::ReadPemBlock(pem));
  absl::StatusOr<P8Ptr> info = DecodePkcs8Block(block, passphrase);
  OPENSSL_cleanse(block.der.data(), block.der.size());
  if (!info.ok()) {
    return info.status();
  }
  PkeyPtr key(EVP_PKCS82PKEY(info->get()));
  TakeOpenSslErrors();
  if (!key) {
    return absl::InvalidArgumentError(
        "holds a private key of an unknown algorithm or damaged key data");
  }
  return key;
}

// An SM2-curve key as OpenSSL's "SM2" type (an "EC" one would sign with
// ECDSA), through its exported parameters; an Ed25519 key as it is.
absl::StatusOr<PkeyPtr> AsSigningType(Algorithm algorithm, EVP_PKEY* key) {
  if (algorithm == Algorithm::kEd25519) {
    EVP_PKEY_up_ref(key);
    return PkeyPtr(key);
  }
  OSSL_PARAM* params = nullptr;
  if (EVP_PKEY_todata(key, EVP_PKEY_KEYPAIR, &params) != 1) {
    TakeOpenSslErrors();
    return absl::InvalidArgumentError("holds no SM2 private scalar");
  }
  std::unique_ptr<OSSL_PARAM, Deleter> owned(params);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* sm2 = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &sm2, EVP_PKEY_KEYPAIR, params) != 1) {
    TakeOpenSslErrors();
    return absl::InvalidArgumentError("is not a usable SM2 key pair");
  }
  return PkeyPtr(sm2);
}

}  // namespace

namespace internal {

absl::StatusOr<PrivateKey> MakePrivateKey(Algorithm algorithm, EVP_PKEY* key) {
  ASSIGN_OR_RETURN(PkeyPtr signing, AsSigningType(algorithm, key));
  // The private scalar in range and the public key its multiple of G
  // (OpenSSL's full check; for SM2 it also refuses d = n-1).
  RETURN_IF_ERROR(RunKeyCheck(signing.get(), &EVP_PKEY_check,
                              "is not a valid key pair (private scalar out of range, or a public "
                              "key that does not belong to it)"));
  ASSIGN_OR_RETURN(PublicKey public_key, MakePublicKey(algorithm, signing.get()));
  return PrivateKey(std::shared_ptr<EVP_PKEY>(signing.release(), OpenSslDeleter()),
                    std::move(public_key));
}

}  // namespace internal

absl::StatusOr<std::string> PrivateKey::ToPem(absl::string_view passphrase) const {
  if (passphrase.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return absl::InvalidArgumentError("passphrase is too long");
  }
  // The secure-heap BIO clears what it held when freed.
  internal::BioPtr bio(BIO_new(BIO_s_secmem()));
  const EVP_CIPHER* cipher = passphrase.empty() ? nullptr : EVP_aes_256_cbc();
  if (!bio ||
      PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), cipher, passphrase.data(),
                                    static_cast<int>(passphrase.size()), nullptr, nullptr) != 1) {
    return absl::InternalError(absl::StrCat("OpenSSL PKCS#8: ", TakeOpenSslErrors()));
  }
  return internal::BioContents(bio.get());
}

absl::StatusOr<PrivateKey> ParsePrivateKey(absl::string_view pem, absl::string_view passphrase) {
  ASSIGN_OR_RETURN(PkeyPtr key, DecodePrivateKey(pem, passphrase));
  ASSIGN_OR_RETURN(Algorithm algorithm, internal::IdentifyAlgorithm(key.get()));
  return internal::MakePrivateKey(algorithm, key.get());
}

absl::StatusOr<PrivateKey> GeneratePrivateKey(Algorithm algorithm) {
  PkeyPtr key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, algorithm == Algorithm::kSm2 ? "SM2" : "ED25519"));
  if (!key) {
    return absl::InternalError(absl::StrCat("OpenSSL key generation: ", TakeOpenSslErrors()));
  }
  return internal::MakePrivateKey(algorithm, key.get());
}

}  // namespace kaoping::signing
