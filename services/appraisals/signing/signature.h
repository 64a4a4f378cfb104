#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/appraisals/signing/private_key.h"
#include "services/appraisals/signing/public_key.h"
#include "services/appraisals/signing/sm2.h"

// Signing and verifying the exact bytes given: no hashing or encoding of
// the caller's, so that what is stored is what was signed.
//   Ed25519: RFC 8032 pure Ed25519, 64-byte signatures.
//   SM2: GB/T 32918.2 over e = SM3(Z ‖ M) with the signer id in Z, signatures
//        DER SEQUENCE { r, s } (GM/T 0009), 70 to 72 bytes and rarely fewer.
namespace kaoping::signing {

struct SignatureOptions {
  // ID_A in SM2's Z; signer and verifier must use the same one. Ignored for
  // Ed25519.
  std::string sm2_signer_id = std::string(kDefaultSm2SignerId);
};

// The signature of `message` with `key` under the key's algorithm.
// INVALID_ARGUMENT for a bad signer id; INTERNAL when OpenSSL fails.
absl::StatusOr<std::string> Sign(const PrivateKey& key, absl::string_view message,
                                 const SignatureOptions& options = {});

// OK when `signature` is a well-formed signature of `message` by `key`.
// INVALID_ARGUMENT otherwise, whose message (reading after a field name)
// tells a malformed signature (wrong length, not strict DER, S or r/s out of
// range) from one that does not verify; INTERNAL when OpenSSL fails.
absl::Status Verify(const PublicKey& key, absl::string_view message, absl::string_view signature,
                    const SignatureOptions& options = {});

}  // namespace kaoping::signing
