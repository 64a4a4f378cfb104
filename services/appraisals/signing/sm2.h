#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/appraisals/signing/public_key.h"

// The parts of SM2 signing (GB/T 32918.2-2016) that OpenSSL does inside its
// EVP calls, made visible: the signer id, Z, the message hash e, and the
// signature's DER form. Sign and Verify (signature.h) do not need them; they
// exist for tests against the standards' vectors and for signing devices
// that sign a precomputed e (as USB keys behind the GM/T 0016 SKF interface do).
namespace kaoping::signing {

// The signer id of GM/T 0009-2012 §10 (ID_A in Z) when none other is agreed.
// OpenSSL 3.0 uses an empty id when none is set, so it is always set here.
inline constexpr absl::string_view kDefaultSm2SignerId = "1234567812345678";

// OK for 1 to 8190 bytes (ENTL, its length in bits, is a 16-bit field, and
// OpenSSL refuses 8191).
absl::Status CheckSm2SignerId(absl::string_view signer_id);

// Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), 32 bytes (GB/T 32918.2),
// with the curve's a, b and G and the signer's public point A.
// INVALID_ARGUMENT for a key that is not SM2 or a bad signer id.
absl::StatusOr<std::string> ComputeSm2Z(const PublicKey& key, absl::string_view signer_id);

// e = SM3(Z ‖ M), 32 bytes: the hash an SM2 signature signs (GB/T 32918.2
// signing step A2).
absl::StatusOr<std::string> Sm2MessageHash(const PublicKey& key, absl::string_view message,
                                           absl::string_view signer_id);

// An SM2 signature's two integers, 32 bytes big-endian each.
struct Sm2SignatureValues {
  std::string r;
  std::string s;
};

// Reads SM2Signature ::= SEQUENCE { r INTEGER, s INTEGER } (GM/T 0009-2012)
// strictly as DER: minimal lengths and integers, no negative values, nothing
// after the SEQUENCE, and 1 <= r, s <= n-1 (GB/T 32918.2 verification steps
// B1-B2).
// INVALID_ARGUMENT naming the first fault otherwise.
absl::StatusOr<Sm2SignatureValues> ParseSm2Signature(absl::string_view der);

}  // namespace kaoping::signing
