#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/common/config.h"

namespace kaoping {

// The token a service presents when it calls another service on its own
// behalf (an event consumer reading what an event names: results reads a
// concluded appraisal as SYSTEM `archive:write`). Configured by
//   service_token_file  a file holding a token the identity provider issued
//                       for this service (SYSTEM, its scopes and regions);
//                       read again whenever the file changes, so it rotates
//                       without a restart. Required outside the local profile.
//   service_regions, service_scopes  (local profile only, comma-separated)
//                       without a token file, the service mints its own
//                       HS256 token with jwt_key: sub "service:<name>",
//                       role SYSTEM, these regions and scopes, 1 hour.
class ServiceIdentity {
 public:
  // NOT_FOUND-free: a service that never calls others as itself needs none of
  // the keys; an incomplete configuration surfaces on the first Token().
  static absl::StatusOr<std::unique_ptr<ServiceIdentity>> FromConfig(const Config& config,
                                                                     absl::string_view service,
                                                                     const Clock* clock);

  // The current token (FAILED_PRECONDITION naming the missing key when the
  // configuration gives none).
  absl::StatusOr<std::string> Token() const;

 private:
  ServiceIdentity(const Clock* clock) : clock_(clock) {}
  absl::StatusOr<std::string> FromFile() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  absl::StatusOr<std::string> Minted() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const Clock* clock_;
  std::string service_;
  std::string token_file_;
  // Minting (local profile).
  std::string secret_;
  std::string issuer_;
  std::string audience_;
  std::vector<std::string> regions_;
  std::vector<std::string> scopes_;

  mutable absl::Mutex mutex_;
  mutable std::string token_ ABSL_GUARDED_BY(mutex_);
  mutable absl::Time refresh_at_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  mutable int64_t file_mtime_ns_ ABSL_GUARDED_BY(mutex_) = -1;
};

}  // namespace kaoping
