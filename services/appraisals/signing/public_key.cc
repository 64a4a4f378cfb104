#include "services/appraisals/signing/public_key.h"

#include <openssl/x509.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/appraisals/signing/key_material.h"
#include "services/appraisals/signing/openssl_handles.h"
#include "services/appraisals/signing/pem.h"
#include "services/common/status_macros.h"

namespace kaoping::signing {
namespace {

using internal::PkeyPtr;

absl::StatusOr<PkeyPtr> DecodeSpki(absl::string_view der) {
  const unsigned char* cursor = internal::Bytes(der);
  PkeyPtr key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size())));
  internal::TakeOpenSslErrors();
  if (!key) {
    return absl::InvalidArgumentError(
        "is not a DER SubjectPublicKeyInfo OpenSSL can read (damaged, of an unknown algorithm, "
        "or with a point off its curve)");
  }
  if (cursor != internal::Bytes(der) + der.size()) {
    return absl::InvalidArgumentError("has bytes after its SubjectPublicKeyInfo");
  }
  return key;
}

absl::StatusOr<PkeyPtr> DecodePemPublicKey(absl::string_view text) {
  ASSIGN_OR_RETURN(internal::PemBlock block, internal::ReadPemBlock(text));
  if (block.label == "PUBLIC KEY") {
    return DecodeSpki(block.der);
  }
  if (block.label == "CERTIFICATE") {
    return absl::InvalidArgumentError(
        "is a certificate; give its public key: openssl x509 -in CERT.pem -pubkey -noout");
  }
  if (absl::StrContains(block.label, "PRIVATE KEY")) {
    return absl::InvalidArgumentError(
        absl::StrCat("is a private key (\"", block.label,
                     "\"); give only its public key: openssl pkey -in KEY.pem -pubout"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("is a \"", block.label, "\" PEM block; expected -----BEGIN PUBLIC KEY-----"));
}

absl::StatusOr<PublicKey> FromDecoded(absl::StatusOr<PkeyPtr> key,
                                      std::optional<Algorithm> expected) {
  RETURN_IF_ERROR(key.status());
  ASSIGN_OR_RETURN(Algorithm algorithm, internal::IdentifyAlgorithm(key->get()));
  RETURN_IF_ERROR(internal::CheckExpectedAlgorithm(algorithm, expected));
  return internal::MakePublicKey(algorithm, key->get());
}

absl::StatusOr<PublicKey> FromRaw(Algorithm algorithm, absl::string_view raw,
                                  std::optional<Algorithm> expected) {
  RETURN_IF_ERROR(internal::CheckExpectedAlgorithm(algorithm, expected));
  return internal::PublicKeyFromRaw(algorithm, std::string(raw));
}

}  // namespace

std::string PublicKey::ToPem() const { return internal::WritePemBlock("PUBLIC KEY", der_); }

// The forms are told apart by shape: PEM text, 32 bytes, 65 bytes from 04,
// and otherwise DER (no DER SubjectPublicKeyInfo is 32 or 65 bytes long).
absl::StatusOr<PublicKey> ParsePublicKey(absl::string_view encoded,
                                         std::optional<Algorithm> expected) {
  if (encoded.size() > internal::kMaxEncodedKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("is ", encoded.size(), " bytes long; no public key is"));
  }
  if (internal::LooksLikePem(encoded)) {
    return FromDecoded(DecodePemPublicKey(encoded), expected);
  }
  if (encoded.size() == 32) {
    return FromRaw(Algorithm::kEd25519, encoded, expected);
  }
  if (encoded.size() == 65 && encoded[0] == 0x04) {
    return FromRaw(Algorithm::kSm2, encoded, expected);
  }
  if (!encoded.empty() && encoded[0] == 0x30) {
    return FromDecoded(DecodeSpki(encoded), expected);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "is not a public key: expected PEM or DER SubjectPublicKeyInfo, 32 raw bytes (Ed25519) or "
      "65 raw bytes from 04 (an uncompressed SM2 point); got ",
      encoded.size(), " bytes"));
}

}  // namespace kaoping::signing
