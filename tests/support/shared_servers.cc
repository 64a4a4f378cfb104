#include "tests/support/shared_servers.h"

#include <atomic>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "tests/support/subprocess.h"

namespace kaoping::testing {
namespace {

// Destroyed at exit, which stops the servers and removes their directories.
struct Servers {
  std::mutex mutex;
  std::unique_ptr<PostgresServer> postgres;
  absl::Status postgres_error = absl::OkStatus();
  std::unique_ptr<RedisServer> redis;
  absl::Status redis_error = absl::OkStatus();
  std::string sqlite_dir;
  ~Servers() {
    if (!sqlite_dir.empty()) {
      RemoveTree(sqlite_dir);
    }
  }
};

Servers& Shared() {
  static Servers servers;
  return servers;
}

}  // namespace

absl::StatusOr<PostgresServer*> SharedPostgres() {
  Servers& s = Shared();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.postgres == nullptr && s.postgres_error.ok()) {
    auto started = PostgresServer::Start();
    if (started.ok()) {
      s.postgres = std::move(*started);
    } else {
      s.postgres_error = started.status();
    }
  }
  if (!s.postgres_error.ok()) {
    return s.postgres_error;
  }
  return s.postgres.get();
}

absl::StatusOr<std::string> FreshPostgresDatabase() {
  auto server = SharedPostgres();
  if (!server.ok()) {
    return server.status();
  }
  return (*server)->CreateDatabase();
}

absl::StatusOr<RedisServer*> SharedRedis() {
  Servers& s = Shared();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.redis == nullptr && s.redis_error.ok()) {
    auto started = RedisServer::Start();
    if (started.ok()) {
      s.redis = std::move(*started);
    } else {
      s.redis_error = started.status();
    }
  }
  if (!s.redis_error.ok()) {
    return s.redis_error;
  }
  return s.redis.get();
}

std::string StoreKindName(StoreKind kind) {
  return kind == StoreKind::kSqlite ? "SQLite" : "PostgreSQL";
}

absl::StatusOr<std::string> FreshDatabaseUrl(StoreKind kind) {
  if (kind == StoreKind::kPostgres) {
    return FreshPostgresDatabase();
  }
  Servers& s = Shared();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.sqlite_dir.empty()) {
    auto dir = MakeTempDir("kaoping-sqlite");
    if (!dir.ok()) {
      return dir.status();
    }
    s.sqlite_dir = *dir;
  }
  static std::atomic<int> counter{0};
  return absl::StrCat("sqlite:", s.sqlite_dir, "/db-", counter++, ".db");
}

}  // namespace kaoping::testing
