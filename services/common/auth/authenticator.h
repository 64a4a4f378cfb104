#pragma once

#include <memory>
#include <vector>

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "services/common/auth/jwt.h"
#include "services/common/auth/principal.h"
#include "services/common/config.h"

namespace kaoping {

// Turns a call's `authorization: Bearer <jwt>` metadata into a verified
// principal, or UNAUTHENTICATED. Services never trust an unsigned header.
class Authenticator {
 public:
  explicit Authenticator(std::unique_ptr<JwtVerifier> verifier) : verifier_(std::move(verifier)) {}

  // jwt_algorithm (HS256 | EdDSA | RS256, default HS256), jwt_key or
  // jwt_key_file, jwt_issuer, optional jwt_audience.
  static absl::StatusOr<std::unique_ptr<Authenticator>> FromConfig(const Config& config,
                                                                   const Clock* clock);

  absl::StatusOr<Principal> Authenticate(const grpc::ServerContextBase& context) const;
  // The same check on the values of `authorization` headers however they
  // came (gRPC metadata, HTTP): exactly one, `Bearer <jwt>`.
  absl::StatusOr<Principal> AuthenticateAuthorization(
      const std::vector<absl::string_view>& values) const;

 private:
  std::unique_ptr<JwtVerifier> verifier_;
};

}  // namespace kaoping
