#include "gateway/public/rater_tokens.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "services/common/runtime_config.h"
#include "services/common/status_macros.h"

namespace kaoping::gateway {

absl::StatusOr<std::unique_ptr<RaterTokenSigner>> RaterTokenSigner::FromConfig(
    const Config& config) {
  auto signer = std::make_unique<RaterTokenSigner>();
  ASSIGN_OR_RETURN(
      signer->algorithm_,
      ParseJwtAlgorithm(config.Get("rater_token_algorithm", config.Get("jwt_algorithm", "HS256"))));
  ASSIGN_OR_RETURN(signer->lifetime_, config.GetDuration("rater_token_lifetime", absl::Hours(8)));
  if (signer->lifetime_ <= absl::ZeroDuration() || signer->lifetime_ > absl::Hours(24 * 31)) {
    return absl::InvalidArgumentError(
        "configuration: `rater_token_lifetime` must be positive and at most 31d");
  }
  signer->issuer_ = config.Get("jwt_issuer", "");
  signer->audience_ = config.Get("jwt_audience", "");
  const std::string file = config.Get("rater_token_key_file", "");
  if (!file.empty()) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      return absl::InvalidArgumentError(
          absl::StrCat("configuration: `rater_token_key_file`: cannot read ", file));
    }
    signer->key_ = KeyFromFile(signer->algorithm_, text.str());
    return signer;
  }
  if (IsLocalProfile(config) && signer->algorithm_ == JwtAlgorithm::kHs256 &&
      (config.Has("jwt_key") || config.Has("jwt_key_file"))) {
    ASSIGN_OR_RETURN(std::string secret, config.RequireSecret("jwt_key"));
    signer->key_ = KeyFromFile(JwtAlgorithm::kHs256, std::move(secret));
    return signer;
  }
  return nullptr;
}

absl::StatusOr<std::string> RaterTokenSigner::Sign(const std::string& rater_principal,
                                                   const std::string& region_code,
                                                   absl::Time window_end, absl::Time now,
                                                   absl::Time* expiry) const {
  JwtClaims claims;
  claims.subject = rater_principal;
  claims.roles = {"RATER"};
  claims.regions = {region_code};
  claims.issuer = issuer_;
  claims.audience = audience_;
  claims.issued_at = now;
  claims.expiry = std::min(now + lifetime_, window_end > now ? window_end : now + lifetime_);
  *expiry = claims.expiry;
  return SignJwt(algorithm_, key_, claims);
}

}  // namespace kaoping::gateway
