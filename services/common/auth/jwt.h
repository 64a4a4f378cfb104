#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/auth/principal.h"
#include "services/common/clock.h"

// JSON Web Tokens (RFC 7519), verified with OpenSSL. Debian 12's libjwt
// (1.10) has no EdDSA and takes the algorithm from the token header; here the
// algorithm is pinned by configuration and a token naming another one
// (`none` included) is refused before any key is used.
namespace kaoping {

enum class JwtAlgorithm {
  kHs256,  // shared secret: the local default
  kEdDsa,  // Ed25519 public key (PEM): production
  kRs256,  // RSA public key (PEM, ≥2048 bits): production, for existing identity providers
};

absl::StatusOr<JwtAlgorithm> ParseJwtAlgorithm(absl::string_view name);
absl::string_view JwtAlgorithmName(JwtAlgorithm algorithm);

struct JwtVerifierOptions {
  JwtAlgorithm algorithm = JwtAlgorithm::kHs256;
  // HS256: the secret (at least 32 bytes). EdDSA/RS256: the PEM public key.
  std::string key;
  // Required `iss`.
  std::string issuer;
  // When set, `aud` must contain it.
  std::string audience;
  // Tolerated clock difference for `exp` and `nbf`.
  absl::Duration leeway = absl::Seconds(30);
};

class JwtVerifier {
 public:
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(JwtVerifierOptions options,
                                                             const Clock* clock);
  ~JwtVerifier();
  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  // UNAUTHENTICATED with the reason unless the token is well formed, signed
  // with the pinned algorithm and key, unexpired, from the issuer, and its
  // claims are valid (`sub`, at least one known role, `regions` as GB/T
  // 2260 prefixes). Phases: split → header → signature → claims → times →
  // issuer and audience → principal; nothing of the payload is read before
  // the signature verifies.
  absl::StatusOr<Principal> Verify(absl::string_view token) const;

  // UNAUTHENTICATED once a verified principal's token has expired (leeway
  // included): for callers that keep verified principals.
  absl::Status CheckUnexpired(const Principal& principal) const;

 private:
  JwtVerifier(JwtVerifierOptions options, const Clock* clock);
  struct Key;

  absl::Status CheckSignature(absl::string_view signing_input, absl::string_view signature) const;

  JwtVerifierOptions options_;
  const Clock* clock_;
  std::unique_ptr<Key> key_;
};

// What a signer puts in a token (tests, the CLI's `token` command, and
// machine clients of the local default).
struct JwtClaims {
  std::string subject;
  std::vector<std::string> roles;
  std::vector<std::string> regions;
  std::string unit;
  std::string cadre;
  std::vector<std::string> scopes;
  std::string issuer;
  std::string audience;
  absl::Time issued_at = absl::UnixEpoch();
  absl::Time expiry = absl::UnixEpoch();
};

// A key as read from a file: an HS256 secret loses the line break a text
// file ends with (it is not part of the secret); PEM keys are kept as they are.
std::string KeyFromFile(JwtAlgorithm algorithm, std::string contents);

// Signs claims. key: HS256 secret, or PEM private key for EdDSA / RS256.
absl::StatusOr<std::string> SignJwt(JwtAlgorithm algorithm, absl::string_view key,
                                    const JwtClaims& claims);

// Signs with an arbitrary header (tests of refused algorithms such as `none`).
absl::StatusOr<std::string> SignJwtWithHeader(JwtAlgorithm algorithm, absl::string_view key,
                                              absl::string_view header_json,
                                              absl::string_view payload_json);

}  // namespace kaoping
