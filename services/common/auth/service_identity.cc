#include "services/common/auth/service_identity.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/auth/jwt.h"
#include "services/common/runtime_config.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

constexpr absl::Duration kMintedLifetime = absl::Hours(1);

std::vector<std::string> CommaList(absl::string_view text) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    items.emplace_back(absl::StripAsciiWhitespace(item));
  }
  return items;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceIdentity>> ServiceIdentity::FromConfig(
    const Config& config, absl::string_view service, const Clock* clock) {
  std::unique_ptr<ServiceIdentity> identity(new ServiceIdentity(clock));
  identity->service_ = std::string(service);
  identity->token_file_ = config.Get("service_token_file", "");
  if (!identity->token_file_.empty() || !IsLocalProfile(config)) {
    return identity;
  }
  ASSIGN_OR_RETURN(JwtAlgorithm algorithm, ParseJwtAlgorithm(config.Get("jwt_algorithm", "HS256")));
  if (algorithm != JwtAlgorithm::kHs256 || !config.Has("service_regions")) {
    return identity;  // nothing to mint with; Token() says what is missing
  }
  ASSIGN_OR_RETURN(std::string secret, config.RequireSecret("jwt_key"));
  identity->secret_ = KeyFromFile(JwtAlgorithm::kHs256, std::move(secret));
  identity->issuer_ = config.Get("jwt_issuer", "");
  identity->audience_ = config.Get("jwt_audience", "");
  identity->regions_ = CommaList(config.Get("service_regions", ""));
  identity->scopes_ = CommaList(config.Get("service_scopes", ""));
  return identity;
}

absl::StatusOr<std::string> ServiceIdentity::Token() const {
  absl::MutexLock lock(&mutex_);
  if (!token_file_.empty()) {
    return FromFile();
  }
  if (!secret_.empty()) {
    return Minted();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "configuration: `service_token_file` is required for ", service_,
      " to call other services on its own behalf (in the local profile, `service_regions` "
      "and `service_scopes` let it mint its own HS256 token)"));
}

absl::StatusOr<std::string> ServiceIdentity::FromFile() const {
  struct stat info {};
  if (stat(token_file_.c_str(), &info) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("service_token_file: cannot read ", token_file_));
  }
  const int64_t mtime_ns = int64_t{info.st_mtim.tv_sec} * 1000000000 + info.st_mtim.tv_nsec;
  if (mtime_ns != file_mtime_ns_ || token_.empty()) {
    std::ifstream in(token_file_);
    std::stringstream text;
    text << in.rdbuf();
    std::string token(absl::StripAsciiWhitespace(text.str()));
    if (!in || token.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("service_token_file: ", token_file_, " holds no token"));
    }
    token_ = std::move(token);
    file_mtime_ns_ = mtime_ns;
  }
  return token_;
}

absl::StatusOr<std::string> ServiceIdentity::Minted() const {
  const absl::Time now = clock_->Now();
  if (!token_.empty() && now < refresh_at_) {
    return token_;
  }
  JwtClaims claims;
  claims.subject = absl::StrCat("service:", service_);
  claims.roles = {"SYSTEM"};
  claims.regions = regions_;
  claims.scopes = scopes_;
  claims.issuer = issuer_;
  claims.audience = audience_;
  claims.issued_at = now;
  claims.expiry = now + kMintedLifetime;
  ASSIGN_OR_RETURN(token_, SignJwt(JwtAlgorithm::kHs256, secret_, claims));
  refresh_at_ = now + kMintedLifetime / 2;
  return token_;
}

}  // namespace kaoping
