#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "tests/support/postgres_server.h"
#include "tests/support/redis_server.h"

namespace kaoping::testing {

// One PostgreSQL and one Redis per test binary, started on first use and
// stopped at exit: starting a cluster per test case would cost seconds each.
// Each test gets a fresh database (FreshPostgresDatabase) so that tests
// never see each other's rows.
absl::StatusOr<PostgresServer*> SharedPostgres();
absl::StatusOr<std::string> FreshPostgresDatabase();
absl::StatusOr<RedisServer*> SharedRedis();

// Where a test's store lives: the same tests run on both.
enum class StoreKind { kSqlite, kPostgres };
std::string StoreKindName(StoreKind kind);

// A database URL of the kind, empty and private to the caller: a new SQLite
// file in a temporary directory, or a new PostgreSQL database.
absl::StatusOr<std::string> FreshDatabaseUrl(StoreKind kind);

}  // namespace kaoping::testing
