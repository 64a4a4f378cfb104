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

// Starts a server of type T once, remembering a failure so that every test
// reports it rather than retrying a start that cannot succeed.
template <typename T>
absl::StatusOr<T*> StartOnce(std::unique_ptr<T>& server, absl::Status& error) {
  Servers& s = Shared();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (server == nullptr && error.ok()) {
    auto started = T::Start();
    if (started.ok()) {
      server = std::move(*started);
    } else {
      error = started.status();
    }
  }
  if (!error.ok()) {
    return error;
  }
  return server.get();
}

}  // namespace

absl::StatusOr<PostgresServer*> SharedPostgres() {
  return StartOnce(Shared().postgres, Shared().postgres_error);
}

absl::StatusOr<std::string> FreshPostgresDatabase() {
  auto server = SharedPostgres();
  if (!server.ok()) {
    return server.status();
  }
  return (*server)->CreateDatabase();
}

absl::StatusOr<RedisServer*> SharedRedis() {
  return StartOnce(Shared().redis, Shared().redis_error);
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
