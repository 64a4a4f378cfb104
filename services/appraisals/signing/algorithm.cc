#include "services/appraisals/signing/algorithm.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace kaoping::signing {

absl::string_view AlgorithmName(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kEd25519:
      return "Ed25519";
    case Algorithm::kSm2:
      return "SM2";
  }
  return "unknown";
}

absl::StatusOr<Algorithm> ParseAlgorithmName(absl::string_view name) {
  for (Algorithm algorithm : {Algorithm::kEd25519, Algorithm::kSm2}) {
    if (absl::EqualsIgnoreCase(name, AlgorithmName(algorithm))) {
      return algorithm;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("must be Ed25519 or SM2, got \"", absl::CHexEscape(name), "\""));
}

}  // namespace kaoping::signing
