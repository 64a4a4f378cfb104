#pragma once

#include "absl/strings/string_view.h"

// `kaoping keygen` and `kaoping sign`: a signer's key pair, and signing an
// appraisal with it on the signer's own machine (sign_appraisal.h).
//
//   kaoping keygen --algorithm sm2|ed25519 --out KEY.pem [--passphrase-file F]
//   kaoping sign ADDRESS regions/R/appraisals/A --key-file KEY.pem
//                --signer-key regions/R/signerKeys/K --role PARTY_SECRETARY|DISCIPLINE_SECRETARY
//                [--passphrase-file F] [--expect-sha256 HEX] [--tls-ca FILE ...]
//   (bearer token from $KAOPING_TOKEN)
namespace kaoping::cli {

bool IsSignCommand(absl::string_view command);

// Runs one of them; the process's exit code.
int RunSignCommand(int argc, char** argv);

}  // namespace kaoping::cli
