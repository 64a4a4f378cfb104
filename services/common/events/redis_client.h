#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

struct redisContext;

namespace kaoping {

struct RedisReply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus };
  Type type = Type::kNil;
  std::string str;
  int64_t integer = 0;
  std::vector<RedisReply> elements;
};

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  int database = 0;
  absl::Duration connect_timeout = absl::Seconds(1);
  absl::Duration command_timeout = absl::Seconds(2);
};

// redis://[:password@]host[:port][/db]
absl::StatusOr<RedisOptions> ParseRedisUrl(absl::string_view url);

// A hiredis connection that reconnects on demand. Thread-safe (one command
// at a time); a blocking reader (XREADGROUP BLOCK) should have its own.
// Redis being down is UNAVAILABLE, an error reply FAILED_PRECONDITION with
// Redis's message ("BUSYGROUP …").
class RedisClient {
 public:
  explicit RedisClient(RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  absl::StatusOr<RedisReply> Command(const std::vector<std::string>& args);
  // Sends all commands, then reads all replies: one round trip.
  absl::StatusOr<std::vector<RedisReply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);

  const RedisOptions& options() const { return options_; }

 private:
  absl::StatusOr<std::vector<RedisReply>> PipelineOnce(
      const std::vector<std::vector<std::string>>& commands) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  absl::Status EnsureConnected() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void Disconnect() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  RedisOptions options_;
  absl::Mutex mutex_;
  redisContext* context_ ABSL_GUARDED_BY(mutex_) = nullptr;
};

}  // namespace kaoping
