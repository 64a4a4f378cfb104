#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/server_context.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/common/auth/jwt.h"
#include "services/common/auth/principal.h"
#include "services/common/config.h"

namespace kaoping {

// Turns a call's `authorization: Bearer <jwt>` metadata into a verified
// principal, or UNAUTHENTICATED. Services never trust an unsigned header.
//
// Verified tokens are kept, by their exact bytes, until they expire: a
// client sends the same token with every call, and verifying it again
// (signature, JSON) was most of the runtime's own cost per call. A token is
// only kept after it verified, a different byte is a different token, and
// expiry is checked on every use. At most kMaxCached tokens of at most
// kMaxCachedTokenBytes each are kept (forgotten all at once when full).
class Authenticator {
 public:
  explicit Authenticator(std::unique_ptr<JwtVerifier> verifier) : verifier_(std::move(verifier)) {}

  // jwt_algorithm (HS256 | EdDSA | RS256, default HS256), jwt_key or
  // jwt_key_file, jwt_issuer, optional jwt_audience, jwt_leeway.
  static absl::StatusOr<std::unique_ptr<Authenticator>> FromConfig(const Config& config,
                                                                   const Clock* clock);

  absl::StatusOr<std::shared_ptr<const Principal>> Authenticate(
      const grpc::ServerContextBase& context) const;
  // The same check on the values of `authorization` headers however they
  // came (gRPC metadata, HTTP): exactly one, `Bearer <jwt>`.
  absl::StatusOr<std::shared_ptr<const Principal>> AuthenticateAuthorization(
      const std::vector<absl::string_view>& values) const;
  // The same for a bare token (what follows "Bearer ").
  absl::StatusOr<std::shared_ptr<const Principal>> Verify(absl::string_view token) const;

  static constexpr size_t kMaxCached = 10000;
  static constexpr size_t kMaxCachedTokenBytes = 4096;

 private:
  std::unique_ptr<JwtVerifier> verifier_;
  mutable absl::Mutex mutex_;
  mutable absl::flat_hash_map<std::string, std::shared_ptr<const Principal>> verified_
      ABSL_GUARDED_BY(mutex_);
};

}  // namespace kaoping
