#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/auth/jwt.h"
#include "services/common/config.h"

namespace kaoping::gateway {

// Signs the short-lived token a rater without an account gets once the
// gateway has redeemed their access code: `sub` the invitation's rater
// principal ("invitation:{invitation}"), role RATER, the county's code,
// valid until the campaign's window ends and at most `lifetime`.
//
// Configured by rater_token_key_file (an HS256 secret, or a PEM private key
// for EdDSA or RS256 whose public key the services verify with),
// rater_token_algorithm (default jwt_algorithm), rater_token_lifetime
// (default 8h); in the local profile without a key file, HS256 with the
// gateway's jwt_key. Issuer and audience are the gateway's jwt_issuer and
// jwt_audience.
class RaterTokenSigner {
 public:
  // Null when nothing is configured to sign with (redemption is then 503).
  static absl::StatusOr<std::unique_ptr<RaterTokenSigner>> FromConfig(const Config& config);

  absl::StatusOr<std::string> Sign(const std::string& rater_principal,
                                   const std::string& region_code, absl::Time window_end,
                                   absl::Time now, absl::Time* expiry) const;

 private:
  JwtAlgorithm algorithm_ = JwtAlgorithm::kHs256;
  std::string key_;
  std::string issuer_;
  std::string audience_;
  absl::Duration lifetime_ = absl::Hours(8);
};

}  // namespace kaoping::gateway
