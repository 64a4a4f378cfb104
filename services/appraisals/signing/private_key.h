#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/appraisals/signing/algorithm.h"
#include "services/appraisals/signing/public_key.h"

// A signer's private key, as the signer's own device (the `kaoping` CLI)
// holds it; the server never sees one. Ed25519 or SM2 on the SM2 curve only,
// and for SM2 a checked key pair (private scalar in [1, n-2], public point
// d·G), since SM2 signs with the public key inside Z.
namespace kaoping::signing {

class PrivateKey;

namespace internal {
// Wraps a checked key pair (private_key.cc).
absl::StatusOr<PrivateKey> MakePrivateKey(Algorithm algorithm, EVP_PKEY* key);
}  // namespace internal

class PrivateKey {
 public:
  Algorithm algorithm() const { return public_key_.algorithm(); }
  const PublicKey& public_key() const { return public_key_; }

  // PEM PKCS#8 ("-----BEGIN PRIVATE KEY-----"); with a non-empty passphrase
  // an EncryptedPrivateKeyInfo (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC),
  // which `openssl pkey -in KEY.pem` opens too.
  absl::StatusOr<std::string> ToPem(absl::string_view passphrase = {}) const;

  // For this library's OpenSSL calls; never modified.
  EVP_PKEY* native() const { return key_.get(); }

 private:
  friend absl::StatusOr<PrivateKey> internal::MakePrivateKey(Algorithm algorithm, EVP_PKEY* key);
  PrivateKey(std::shared_ptr<EVP_PKEY> key, PublicKey public_key)
      : key_(std::move(key)), public_key_(std::move(public_key)) {}

  std::shared_ptr<EVP_PKEY> key_;
  PublicKey public_key_;
};

// Reads a PEM PKCS#8 private key: "PRIVATE KEY", or "ENCRYPTED PRIVATE KEY"
// opened with `passphrase` (ignored for an unencrypted key). Other PEM blocks
// (traditional "EC PRIVATE KEY", public keys, …) are refused with the command
// that converts them. Errors are INVALID_ARGUMENT whose message reads after
// the name of the file ("key.pem: is encrypted; give its passphrase").
absl::StatusOr<PrivateKey> ParsePrivateKey(absl::string_view pem,
                                           absl::string_view passphrase = {});

// A fresh key pair from OpenSSL's CSPRNG.
absl::StatusOr<PrivateKey> GeneratePrivateKey(Algorithm algorithm);

}  // namespace kaoping::signing
