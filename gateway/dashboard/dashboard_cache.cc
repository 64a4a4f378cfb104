#include "gateway/dashboard/dashboard_cache.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gateway/gzip.h"
#include "services/common/crypto.h"
#include "services/common/log.h"
#include "services/common/region.h"

namespace kaoping::gateway {
namespace {

// Deletes the lock only if it is still ours (another gateway may hold it
// after ours expired).
constexpr char kReleaseLock[] =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end "
    "return 0";

std::string StoredEntry(const std::string& version, const std::string& body) {
  return absl::StrCat(version, "\n", body);
}

// The body of a stored entry if it was computed at `version`.
std::optional<std::string> BodyAt(const RedisReply& entry, const std::string& version) {
  if (entry.type != RedisReply::Type::kString) {
    return std::nullopt;
  }
  const size_t newline = entry.str.find('\n');
  if (newline == std::string::npos || entry.str.compare(0, newline, version) != 0) {
    return std::nullopt;
  }
  return entry.str.substr(newline + 1);
}

}  // namespace

// One computation of a key in this process, awaited by every request for
// the key that arrives meanwhile.
struct DashboardCache::Flight {
  absl::Notification done;
  absl::StatusOr<Answer> answer = absl::UnknownError("not computed");
};

DashboardCache::DashboardCache(std::optional<RedisOptions> redis, DashboardCacheOptions options,
                               const Clock* clock)
    : options_(std::move(options)), clock_(clock) {
  if (redis.has_value()) {
    for (int i = 0; i < std::max(1, options_.connections); ++i) {
      redis_.push_back(std::make_unique<RedisClient>(*redis));
    }
  }
}

absl::string_view DashboardCache::SourceName(Source source) {
  switch (source) {
    case Source::kHit:
      return "hit";
    case Source::kComputed:
      return "miss";
    case Source::kShared:
      return "shared";
    case Source::kUncached:
      return "bypass";
  }
  return "";
}

std::string DashboardCache::VersionKey(absl::string_view region_code) const {
  return absl::StrCat(options_.key_prefix, "version:", region_code);
}

std::string DashboardCache::EntryKey(absl::string_view region_code, absl::string_view key) const {
  return absl::StrCat(options_.key_prefix, "entry:", region_code, ":", key);
}

RedisClient* DashboardCache::NextRedis() {
  if (redis_.empty() || RedisSkipped()) {
    return nullptr;
  }
  return redis_[next_redis_.fetch_add(1, std::memory_order_relaxed) % redis_.size()].get();
}

bool DashboardCache::RedisSkipped() const {
  return absl::ToUnixNanos(clock_->Now()) < redis_skipped_until_ns_.load(std::memory_order_relaxed);
}

void DashboardCache::NoteRedis(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kUnavailable ||
      status.code() == absl::StatusCode::kDeadlineExceeded) {
    const int64_t until = absl::ToUnixNanos(clock_->Now() + options_.redis_retry);
    if (redis_skipped_until_ns_.exchange(until) < absl::ToUnixNanos(clock_->Now())) {
      LogWarning("dashboard cache: Redis unavailable; computing from the services",
                 {{"error", status.ToString()}});
    }
  }
}

absl::StatusOr<std::string> DashboardCache::Version(absl::string_view region_code) {
  RedisClient* redis = NextRedis();
  if (redis == nullptr) {
    return absl::UnavailableError("dashboard cache: no Redis");
  }
  auto reply = redis->Command({"GET", VersionKey(region_code)});
  if (!reply.ok()) {
    NoteRedis(reply.status());
    return reply.status();
  }
  return reply->type == RedisReply::Type::kString ? reply->str : "0";
}

absl::Status DashboardCache::Bump(absl::string_view region_code) {
  RedisClient* redis = NextRedis();
  if (redis == nullptr) {
    return redis_.empty() ? absl::OkStatus() : absl::UnavailableError("dashboard cache: no Redis");
  }
  std::vector<std::vector<std::string>> commands = {{"INCR", VersionKey(region_code)}};
  for (const std::string& enclosing : EnclosingRegions(region_code)) {
    commands.push_back({"INCR", VersionKey(enclosing)});
  }
  auto replies = redis->Pipeline(commands);
  NoteRedis(replies.status());
  return replies.status();
}

absl::StatusOr<DashboardCache::Lookup> DashboardCache::Read(const std::string& region_code,
                                                            const std::string& entry_key) {
  RedisClient* redis = NextRedis();
  if (redis == nullptr) {
    return absl::UnavailableError("dashboard cache: no Redis");
  }
  // One round trip: the version, and the entry stamped with the version it
  // was computed at; only the version when a copy is kept here, the entry
  // then read only if the copy is stale.
  std::vector<std::vector<std::string>> commands = {{"GET", VersionKey(region_code)}};
  bool kept = false;
  if (options_.local_entries > 0) {
    absl::MutexLock lock(&local_mutex_);
    kept = local_.contains(entry_key);
  }
  if (!kept) {
    commands.push_back({"GET", entry_key});
  }
  auto replies = redis->Pipeline(commands);
  if (!replies.ok()) {
    NoteRedis(replies.status());
    return replies.status();
  }
  Lookup lookup;
  lookup.version = (*replies)[0].type == RedisReply::Type::kString ? (*replies)[0].str : "0";
  if (kept) {
    if (std::optional<LocalEntry> local = Local(entry_key, lookup.version); local.has_value()) {
      lookup.body = std::move(local->body);
      lookup.gzip = std::move(local->gzip);
      return lookup;
    }
    auto entry = redis->Command({"GET", entry_key});
    if (!entry.ok()) {
      NoteRedis(entry.status());
      return entry.status();
    }
    replies->push_back(*std::move(entry));
  }
  if (std::optional<std::string> body = BodyAt((*replies)[1], lookup.version); body.has_value()) {
    lookup.body = std::make_shared<const std::string>(*std::move(body));
    lookup.gzip = Keep(entry_key, lookup.version, lookup.body);
  }
  return lookup;
}

std::optional<DashboardCache::LocalEntry> DashboardCache::Local(const std::string& entry_key,
                                                                const std::string& version) {
  absl::MutexLock lock(&local_mutex_);
  auto it = local_.find(entry_key);
  if (it == local_.end() || it->second.version != version) {
    return std::nullopt;
  }
  return it->second;
}

std::shared_ptr<const std::string> DashboardCache::Keep(const std::string& entry_key,
                                                        const std::string& version,
                                                        std::shared_ptr<const std::string> body) {
  if (options_.local_entries <= 0) {
    return nullptr;
  }
  LocalEntry entry{version, body, nullptr};
  // zlib's default level: nearly the best ratio on JSON at a fraction of the time.
  if (std::string gzip = Gzip(*body, 6); !gzip.empty() && gzip.size() * 10 <= body->size() * 9) {
    entry.gzip = std::make_shared<const std::string>(std::move(gzip));
  }
  absl::MutexLock lock(&local_mutex_);
  if (!local_.contains(entry_key) && local_.size() >= static_cast<size_t>(options_.local_entries)) {
    local_.erase(local_.begin());  // any one: a dropped copy is read from Redis again
  }
  local_[entry_key] = entry;
  return entry.gzip;
}

absl::StatusOr<DashboardCache::Answer> DashboardCache::Get(const std::string& region_code,
                                                           const std::string& key,
                                                           Compute compute) {
  const std::string entry_key = EntryKey(region_code, key);
  if (auto lookup = Read(region_code, entry_key); lookup.ok() && lookup->body != nullptr) {
    return Answer{std::move(lookup->body), Source::kHit, lookup->version, std::move(lookup->gzip)};
  }
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    absl::MutexLock lock(&mutex_);
    auto [it, inserted] = flights_.try_emplace(entry_key);
    if (inserted) {
      it->second = std::make_shared<Flight>();
    }
    flight = it->second;
    leader = inserted;
  }
  if (!leader) {
    flight->done.WaitForNotification();
    absl::StatusOr<Answer> shared = flight->answer;
    if (shared.ok() && shared->source != Source::kUncached) {
      shared->source = Source::kShared;
    }
    return shared;
  }
  flight->answer = Lead(region_code, key, compute);
  {
    absl::MutexLock lock(&mutex_);
    flights_.erase(entry_key);
  }
  flight->done.Notify();
  return flight->answer;
}

absl::StatusOr<DashboardCache::Answer> DashboardCache::Lead(const std::string& region_code,
                                                            const std::string& key,
                                                            Compute compute) {
  const std::string entry_key = EntryKey(region_code, key);
  const std::string lock_key = absl::StrCat(entry_key, ":lock");
  const std::string token = HexEncode(RandomBytes(12));
  // Real time: this waits for another process, whatever the clock says.
  const absl::Time give_up = absl::Now() + options_.compute_lock_ttl;
  while (true) {
    auto lookup = Read(region_code, entry_key);
    if (!lookup.ok()) {
      break;  // Redis down: computed below, not stored
    }
    if (lookup->body != nullptr) {
      return Answer{std::move(lookup->body), Source::kShared, lookup->version,
                    std::move(lookup->gzip)};
    }
    RedisClient* redis = NextRedis();
    auto locked =
        redis == nullptr
            ? absl::StatusOr<RedisReply>(absl::UnavailableError("dashboard cache: no Redis"))
            : redis->Command(
                  {"SET", lock_key, token, "NX", "PX",
                   std::to_string(absl::ToInt64Milliseconds(options_.compute_lock_ttl))});
    if (!locked.ok()) {
      NoteRedis(locked.status());
      break;
    }
    if (locked->type == RedisReply::Type::kStatus) {  // "OK": ours
      auto answer = ComputeAndStore(entry_key, lookup->version, compute);
      if (RedisClient* release = NextRedis(); release != nullptr) {
        NoteRedis(release->Command({"EVAL", kReleaseLock, "1", lock_key, token}).status());
      }
      return answer;
    }
    // Another gateway computes it: its entry will appear, or its lock expire.
    if (absl::Now() >= give_up) {
      break;
    }
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(options_.wait_poll));
  }
  auto body = compute("");
  if (!body.ok()) {
    return body.status();
  }
  return Answer{std::make_shared<const std::string>(*std::move(body)), Source::kUncached, "",
                nullptr};
}

absl::StatusOr<DashboardCache::Answer> DashboardCache::ComputeAndStore(const std::string& entry_key,
                                                                       const std::string& version,
                                                                       Compute compute) {
  auto body = compute(version);
  if (!body.ok()) {
    return body.status();
  }
  auto kept = std::make_shared<const std::string>(*std::move(body));
  std::shared_ptr<const std::string> gzip;
  if (RedisClient* redis = NextRedis(); redis != nullptr) {
    NoteRedis(redis
                  ->Command({"SET", entry_key, StoredEntry(version, *kept), "PX",
                             std::to_string(absl::ToInt64Milliseconds(options_.entry_ttl))})
                  .status());
    gzip = Keep(entry_key, version, kept);
  }
  return Answer{std::move(kept), Source::kComputed, version, std::move(gzip)};
}

}  // namespace kaoping::gateway
