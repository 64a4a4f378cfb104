#include "services/common/auth/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace kaoping {

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::FromConfig(const Config& config,
                                                                         const Clock* clock) {
  JwtVerifierOptions options;
  ASSIGN_OR_RETURN(options.algorithm, ParseJwtAlgorithm(config.Get("jwt_algorithm", "HS256")));
  ASSIGN_OR_RETURN(std::string key, config.RequireSecret("jwt_key"));
  options.key = KeyFromFile(options.algorithm, std::move(key));
  ASSIGN_OR_RETURN(options.issuer, config.Require("jwt_issuer"));
  options.audience = config.Get("jwt_audience", "");
  ASSIGN_OR_RETURN(options.leeway, config.GetDuration("jwt_leeway", absl::Seconds(30)));
  ASSIGN_OR_RETURN(auto verifier, JwtVerifier::Create(std::move(options), clock));
  return std::make_unique<Authenticator>(std::move(verifier));
}

absl::StatusOr<std::shared_ptr<const Principal>> Authenticator::Authenticate(
    const grpc::ServerContextBase& context) const {
  std::vector<absl::string_view> values;
  auto range = context.client_metadata().equal_range("authorization");
  for (auto it = range.first; it != range.second; ++it) {
    values.emplace_back(it->second.data(), it->second.size());
  }
  return AuthenticateAuthorization(values);
}

absl::StatusOr<std::shared_ptr<const Principal>> Authenticator::AuthenticateAuthorization(
    const std::vector<absl::string_view>& values) const {
  if (values.empty()) {
    return absl::UnauthenticatedError("missing credentials: send `authorization: Bearer <token>`");
  }
  if (values.size() > 1) {
    return absl::UnauthenticatedError("more than one authorization header");
  }
  absl::string_view value = values.front();
  if (!absl::StartsWithIgnoreCase(value, "bearer ")) {
    return absl::UnauthenticatedError("authorization: expected the Bearer scheme");
  }
  value.remove_prefix(7);
  return Verify(absl::StripAsciiWhitespace(value));
}

absl::StatusOr<std::shared_ptr<const Principal>> Authenticator::Verify(
    absl::string_view token) const {
  std::shared_ptr<const Principal> known;
  {
    absl::ReaderMutexLock lock(&mutex_);
    auto it = verified_.find(token);
    if (it != verified_.end()) {
      known = it->second;
    }
  }
  if (known != nullptr) {
    RETURN_IF_ERROR(verifier_->CheckUnexpired(*known));
    return known;
  }
  ASSIGN_OR_RETURN(Principal principal, verifier_->Verify(token));
  principal.bearer_token = std::string(token);
  auto shared = std::make_shared<const Principal>(std::move(principal));
  if (token.size() <= kMaxCachedTokenBytes) {
    absl::MutexLock lock(&mutex_);
    if (verified_.size() >= kMaxCached) {
      verified_.clear();
    }
    verified_.emplace(token, shared);
  }
  return shared;
}

}  // namespace kaoping
