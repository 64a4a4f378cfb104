#pragma once

#include <openssl/types.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/appraisals/signing/algorithm.h"

// A signer's public key: Ed25519 or SM2 on the SM2 recommended curve, and
// nothing else (RSA, P-256, other curves and explicit curve parameters are
// refused when the key is parsed, so a PublicKey is always one of the two).
// Immutable and cheap to copy; safe to use from several threads at once.
namespace kaoping::signing {

class PublicKey;

namespace internal {
// The canonical PublicKey of a raw point, checked (key_material.cc).
absl::StatusOr<PublicKey> PublicKeyFromRaw(Algorithm algorithm, std::string raw);
}  // namespace internal

class PublicKey {
 public:
  Algorithm algorithm() const { return algorithm_; }

  // The key as a point: 32 bytes for Ed25519 (RFC 8032 §5.1.5), 65 bytes
  // 04‖x‖y for SM2 (uncompressed, GB/T 32918.1 §4.2.9).
  const std::string& raw() const { return raw_; }
  // Canonical DER SubjectPublicKeyInfo: RFC 8410 for Ed25519; for SM2
  // id-ecPublicKey with the named curve 1.2.156.10197.1.301 (GM/T 0006) and
  // the uncompressed point. The same key always gives the same bytes,
  // whatever form it was parsed from.
  const std::string& der() const { return der_; }
  // der() in PEM ("-----BEGIN PUBLIC KEY-----").
  std::string ToPem() const;
  // Lowercase hex SHA-256 of der(): names a key for people and logs.
  const std::string& fingerprint() const { return fingerprint_; }

  // For this library's OpenSSL calls; never modified.
  EVP_PKEY* native() const { return key_.get(); }

  friend bool operator==(const PublicKey& a, const PublicKey& b) { return a.der_ == b.der_; }

 private:
  friend absl::StatusOr<PublicKey> internal::PublicKeyFromRaw(Algorithm algorithm, std::string raw);
  PublicKey() = default;

  Algorithm algorithm_ = Algorithm::kEd25519;
  std::shared_ptr<EVP_PKEY> key_;
  std::string raw_;
  std::string der_;
  std::string fingerprint_;
};

// Reads a public key in any of these forms, told apart by their shape:
//   PEM SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----"),
//   DER SubjectPublicKeyInfo,
//   32 raw bytes: an Ed25519 key,
//   65 raw bytes starting with 04: an uncompressed SM2 point.
// With `expected`, a key of the other algorithm is refused. Errors are
// INVALID_ARGUMENT whose message reads after the name of the field or file
// ("signer_key.public_key: is an RSA key; …").
absl::StatusOr<PublicKey> ParsePublicKey(absl::string_view encoded,
                                         std::optional<Algorithm> expected = std::nullopt);

}  // namespace kaoping::signing
