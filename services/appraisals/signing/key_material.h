#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/appraisals/signing/algorithm.h"
#include "services/appraisals/signing/openssl_handles.h"
#include "services/appraisals/signing/public_key.h"

// What public and private key parsing share: telling the algorithm of an
// OpenSSL key (and refusing every other kind), and public keys rebuilt from
// their point, checked, so that one key has one encoding and an SM2 key is
// always OpenSSL's "SM2" type (an "EC" key on the SM2 curve would use ECDSA).
namespace kaoping::signing::internal {

// Larger inputs are refused before any parsing: no key file is that long.
inline constexpr std::size_t kMaxEncodedKeyBytes = 64 * 1024;

// kEd25519, or kSm2 for an EC or SM2 key on the named SM2 curve; otherwise
// INVALID_ARGUMENT naming what the key is (RSA, P-256, explicit parameters…).
absl::StatusOr<Algorithm> IdentifyAlgorithm(EVP_PKEY* key);

// INVALID_ARGUMENT ("is an Ed25519 key, not SM2") when `expected` is set and differs.
absl::Status CheckExpectedAlgorithm(Algorithm actual, std::optional<Algorithm> expected);

// Runs one of OpenSSL's key checks (EVP_PKEY_check, …_public_check_quick);
// INVALID_ARGUMENT with `failure` when the key fails it.
absl::Status RunKeyCheck(EVP_PKEY* key, int (*check)(EVP_PKEY_CTX*), absl::string_view failure);

// The canonical PublicKey of `key`'s public half (of a private key too).
absl::StatusOr<PublicKey> MakePublicKey(Algorithm algorithm, EVP_PKEY* key);

}  // namespace kaoping::signing::internal
