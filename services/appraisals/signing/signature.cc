#include "services/appraisals/signing/signature.h"

#include <openssl/evp.h>

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/appraisals/signing/openssl_handles.h"
#include "services/common/status_macros.h"

namespace kaoping::signing {
namespace {

using internal::Bytes;
using internal::MdCtxPtr;
using internal::TakeOpenSslErrors;

// L, the order of edwards25519's base point, little-endian (RFC 8032 §5.1).
constexpr unsigned char kEd25519Order[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

// RFC 8032 §5.1.7 step 1: S must be below L, or one signature has many
// encodings (malleable signatures defeat "the exact bytes stored").
absl::Status CheckEd25519Signature(absl::string_view signature) {
  if (signature.size() != 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be 64 bytes for Ed25519, got ", signature.size()));
  }
  for (int i = 31; i >= 0; --i) {
    const auto byte = static_cast<unsigned char>(signature[32 + i]);
    if (byte < kEd25519Order[i]) {
      return absl::OkStatus();
    }
    if (byte > kEd25519Order[i]) {
      break;
    }
  }
  return absl::InvalidArgumentError(
      "is not a canonical Ed25519 signature (S is not below the group order L)");
}

absl::Status CheckEncoding(Algorithm algorithm, absl::string_view signature) {
  if (algorithm == Algorithm::kEd25519) {
    return CheckEd25519Signature(signature);
  }
  return ParseSm2Signature(signature).status();
}

// A digest-sign or -verify context: pure Ed25519 (no digest), or SM2 with
// SM3 and the signer id set before any data (OpenSSL computes Z on the first
// update, from whatever id it has then).
absl::StatusOr<MdCtxPtr> StartContext(EVP_PKEY* key, Algorithm algorithm, bool sign,
                                      const SignatureOptions& options) {
  if (algorithm == Algorithm::kSm2) {
    RETURN_IF_ERROR(CheckSm2SignerId(options.sm2_signer_id));
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const char* digest = algorithm == Algorithm::kSm2 ? "SM3" : nullptr;
  const int started =
      ctx == nullptr ? 0
      : sign ? EVP_DigestSignInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, key, nullptr)
             : EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, key, nullptr);
  if (started != 1 ||
      (algorithm == Algorithm::kSm2 && EVP_PKEY_CTX_set1_id(pctx, options.sm2_signer_id.data(),
                                                            options.sm2_signer_id.size()) != 1)) {
    return absl::InternalError(absl::StrCat("OpenSSL: ", TakeOpenSslErrors()));
  }
  return ctx;
}

std::string Mismatch(const PublicKey& key, const SignatureOptions& options) {
  std::string text = absl::StrCat("does not verify with ", AlgorithmName(key.algorithm()), " key ",
                                  key.fingerprint().substr(0, 16),
                                  "…: the message, the signature or the key is not the one signed");
  if (key.algorithm() == Algorithm::kSm2) {
    absl::StrAppend(&text, ", or it was signed with another signer id than \"",
                    absl::CHexEscape(options.sm2_signer_id), "\"");
  }
  return text;
}

}  // namespace

absl::StatusOr<std::string> Sign(const PrivateKey& key, absl::string_view message,
                                 const SignatureOptions& options) {
  ASSIGN_OR_RETURN(MdCtxPtr ctx, StartContext(key.native(), key.algorithm(), true, options));
  std::size_t length = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &length, Bytes(message), message.size()) != 1) {
    return absl::InternalError(absl::StrCat("OpenSSL: ", TakeOpenSslErrors()));
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     Bytes(message), message.size()) != 1) {
    return absl::InternalError(absl::StrCat("OpenSSL: ", TakeOpenSslErrors()));
  }
  signature.resize(length);
  return signature;
}

absl::Status Verify(const PublicKey& key, absl::string_view message, absl::string_view signature,
                    const SignatureOptions& options) {
  RETURN_IF_ERROR(CheckEncoding(key.algorithm(), signature));
  ASSIGN_OR_RETURN(MdCtxPtr ctx, StartContext(key.native(), key.algorithm(), false, options));
  const int verified = EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(),
                                        Bytes(message), message.size());
  if (verified == 1) {
    return absl::OkStatus();
  }
  // 0 is a mismatch; OpenSSL's negative values mix internal faults with
  // signatures it cannot decode, and the encoding was checked above, so both
  // are "does not verify", never a server fault the signer could not fix.
  TakeOpenSslErrors();
  return absl::InvalidArgumentError(Mismatch(key, options));
}

}  // namespace kaoping::signing
