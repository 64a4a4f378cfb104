#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/clock.h"

namespace kaoping::gateway {

// Per-client token buckets (DESIGN.md §8: machine clients have rate
// limits): each client may send `rate` requests a second on average and
// `burst` at once. Idle clients' buckets are dropped, so memory stays
// bounded by the clients active within a few seconds.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst, const Clock* clock);

  // True if the client may send a request now (and takes a token); false
  // with the time until the next token.
  bool Allow(const std::string& client, absl::Duration* retry_after);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time last;
  };
  void DropIdle(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const double rate_;
  const double burst_;
  const Clock* clock_;
  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mutex_);
  static constexpr size_t kDropIdleAbove = 10000;
};

}  // namespace kaoping::gateway
