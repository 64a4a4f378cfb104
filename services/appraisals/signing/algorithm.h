#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// The signature algorithms of signer keys. SM2 is what the commercial
// cryptography rules (商用密码) expect of a government system; Ed25519 is kept
// beside it for keys and archives made with it.
namespace kaoping::signing {

enum class Algorithm {
  kEd25519,  // RFC 8032 pure Ed25519: 64-byte signatures
  kSm2,      // GB/T 32918.2 with SM3 (GB/T 32905), DER (r, s) signatures (GM/T 0009)
};

// "Ed25519" or "SM2".
absl::string_view AlgorithmName(Algorithm algorithm);

// Accepts the names above in any letter case; INVALID_ARGUMENT otherwise.
absl::StatusOr<Algorithm> ParseAlgorithmName(absl::string_view name);

}  // namespace kaoping::signing
