#include "gateway/rate_limiter.h"

#include <algorithm>

namespace kaoping::gateway {

RateLimiter::RateLimiter(double rate, double burst, const Clock* clock)
    : rate_(rate), burst_(std::max(1.0, burst)), clock_(clock) {}

bool RateLimiter::Allow(const std::string& client, absl::Duration* retry_after) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mutex_);
  if (buckets_.size() > kDropIdleAbove) {
    DropIdle(now);
  }
  auto [it, inserted] = buckets_.try_emplace(client, Bucket{burst_, now});
  Bucket& bucket = it->second;
  if (!inserted) {
    const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - bucket.last));
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed * rate_);
    bucket.last = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return true;
  }
  *retry_after = absl::Seconds((1 - bucket.tokens) / rate_);
  return false;
}

void RateLimiter::DropIdle(absl::Time now) {
  // A bucket that would be full again carries no state worth keeping.
  const absl::Duration refill = absl::Seconds(burst_ / rate_);
  absl::erase_if(buckets_, [&](const auto& entry) { return now - entry.second.last >= refill; });
}

}  // namespace kaoping::gateway
