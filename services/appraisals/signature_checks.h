#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kaoping/v1/appraisals.pb.h"
#include "services/appraisals/signing/algorithm.h"

// Checking a stored signature of an appraisal: over the stored signed
// content (never a re-encoding), with the public key stored beside it,
// against the key's registration and its state at signing time
// (services/appraisals/signing does the cryptography).
namespace kaoping::appraisals {

// The signing library's algorithm of an API one (INVALID_ARGUMENT for
// ALGORITHM_UNSPECIFIED and unknown values).
absl::StatusOr<signing::Algorithm> SigningAlgorithmOf(v1::SignatureAlgorithm::Algorithm algorithm);

// The cryptographic check alone: OK when `signature` (encoded as
// `algorithm` says) verifies over `content` with the raw `public_key`;
// INVALID_ARGUMENT otherwise, whose message reads after a field name.
absl::Status VerifySignatureBytes(v1::SignatureAlgorithm::Algorithm algorithm,
                                  absl::string_view public_key, absl::string_view content,
                                  absl::string_view signature);

// What a signature is checked against.
struct SignatureContext {
  // The appraisal's stored bytes and their current content revision.
  absl::string_view signed_content;
  int64_t content_revision = 0;
  // The cadre's unit, which the key must cover.
  absl::string_view unit;
  // A reason every signature fails for, when the stored content is not
  // consistent in itself (a snapshot that is not the one signed); empty when it is.
  std::string content_fault;
};

// The check of one stored signature: valid, or why not (a sentence), and
// whether its key is ACTIVE now. `key` is the registered key it names
// (nullopt when the registry has none of that name).
v1::SignatureCheck CheckSignature(const v1::AppraisalSignature& signature,
                                  const std::optional<v1::SignerKey>& key,
                                  const SignatureContext& context);

}  // namespace kaoping::appraisals
