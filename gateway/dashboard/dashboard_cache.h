#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/common/events/redis_client.h"

namespace kaoping::gateway {

struct DashboardCacheOptions {
  std::string key_prefix = "kaoping:dashboard:";
  // An entry unused this long leaves Redis (versions make it stale sooner).
  absl::Duration entry_ttl = absl::Hours(1);
  // The longest one computation holds a key against other gateways; a
  // gateway that died computing frees it after this.
  absl::Duration compute_lock_ttl = absl::Seconds(30);
  // How often a gateway waiting for another's computation looks again.
  absl::Duration wait_poll = absl::Milliseconds(10);
  // Connections to Redis (each carries one command at a time): as many as
  // the dashboard threads (DashboardEndpointOptions::threads), so that no
  // thread waits for another's command (bench/dashboard: 4 → 8 took the
  // cached dashboard from 0.37× to 0.43× of the bare handler).
  int connections = 8;
  // After Redis failed, it is left alone this long: answers are computed
  // from the services meanwhile, without waiting for Redis to time out.
  absl::Duration redis_retry = absl::Seconds(1);
  // Entries also kept in this process with the version they were computed
  // at, and compressed: a hit then asks Redis only for the region's
  // version (a few bytes) instead of the whole body, and a client taking
  // gzip gets a tenth of the bytes; 0 keeps none here.
  int local_entries = 256;
};

// Cache-aside in Redis for dashboards (DESIGN.md §6). An entry is stored
// under its region and key (dashboard and parameters) with the region's
// version counter as it was when the computation began; it is served only
// while the counter is unchanged, so an event that bumps the counter
// (Bump: the region and the regions enclosing it) makes every dashboard
// showing that region's data stale at once. One computation per key at a
// time: within the process, concurrent requests for a key share one; across
// gateways, a lock in Redis lets one compute while the others wait for its
// entry. A copy of each entry read or computed here is kept in memory with
// its version, and served while Redis's version counter still matches it:
// the same rule, without the body crossing from Redis on every hit. With
// Redis down (or none configured) answers are computed from
// the services and served, one per key at a time within the process.
//
// The cache knows nothing of callers: authorization is checked before Get.
class DashboardCache {
 public:
  enum class Source {
    kHit,       // from Redis, at the region's current version
    kComputed,  // computed by this call and stored
    kShared,    // another request's computation (here or in another gateway)
    kUncached,  // computed with Redis unavailable
  };
  struct Answer {
    std::shared_ptr<const std::string> body;  // never null
    Source source = Source::kComputed;
    // The version counter the body was computed at ("" when uncached).
    std::string version;
    // The body compressed once for clients that take gzip (null when
    // uncached, or when compressing does not pay).
    std::shared_ptr<const std::string> gzip;
  };
  // Computes a body; `version` is the counter it will be stored under.
  using Compute = absl::FunctionRef<absl::StatusOr<std::string>(const std::string& version)>;

  // No `redis`: nothing is cached (every answer computed, one per key).
  DashboardCache(std::optional<RedisOptions> redis, DashboardCacheOptions options,
                 const Clock* clock);

  // The cached body of (region, key) at the region's current version, or
  // the body `compute` gives (stored when Redis is up). A failed
  // computation is returned to every request that waited for it and is
  // not stored.
  absl::StatusOr<Answer> Get(const std::string& region_code, const std::string& key,
                             Compute compute);

  // A change in the region: its counter and those of the city and
  // province enclosing it advance.
  absl::Status Bump(absl::string_view region_code);

  // The region's counter ("0" before any change); UNAVAILABLE without Redis.
  absl::StatusOr<std::string> Version(absl::string_view region_code);

  static absl::string_view SourceName(Source source);

 private:
  struct Flight;
  struct Lookup {
    std::string version;
    std::shared_ptr<const std::string> body;  // at that version; null if none
    std::shared_ptr<const std::string> gzip;
  };
  struct LocalEntry {
    std::string version;
    std::shared_ptr<const std::string> body;
    std::shared_ptr<const std::string> gzip;
  };

  RedisClient* NextRedis();
  bool RedisSkipped() const;
  void NoteRedis(const absl::Status& status);
  absl::StatusOr<Lookup> Read(const std::string& region_code, const std::string& entry_key);
  // The copy kept here for (entry, version), if any.
  std::optional<LocalEntry> Local(const std::string& entry_key, const std::string& version);
  // Keeps a copy; returns its gzip form (null if none).
  std::shared_ptr<const std::string> Keep(const std::string& entry_key, const std::string& version,
                                          std::shared_ptr<const std::string> body);
  absl::StatusOr<Answer> Lead(const std::string& region_code, const std::string& key,
                              Compute compute);
  absl::StatusOr<Answer> ComputeAndStore(const std::string& entry_key, const std::string& version,
                                         Compute compute);
  std::string VersionKey(absl::string_view region_code) const;
  std::string EntryKey(absl::string_view region_code, absl::string_view key) const;

  DashboardCacheOptions options_;
  const Clock* clock_;
  std::vector<std::unique_ptr<RedisClient>> redis_;
  std::atomic<size_t> next_redis_{0};
  std::atomic<int64_t> redis_skipped_until_ns_{0};

  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, std::shared_ptr<Flight>> flights_ ABSL_GUARDED_BY(mutex_);

  absl::Mutex local_mutex_;
  absl::flat_hash_map<std::string, LocalEntry> local_ ABSL_GUARDED_BY(local_mutex_);
};

}  // namespace kaoping::gateway
