#include "services/common/db/migrations.h"

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"
#include "services/common/status_macros.h"

namespace kaoping::db {
namespace {

// Serializes migrations across processes sharing a PostgreSQL database.
constexpr int64_t kMigrationLockKey = 0x6b616f70696e67;  // "kaoping"

struct Migration {
  int64_t version = 0;
  std::string name;
  absl::string_view sql;
};

absl::StatusOr<std::vector<Migration>> ParseMigrations(absl::string_view component,
                                                       std::span<const EmbeddedFile> files) {
  std::vector<Migration> migrations;
  for (const auto& file : files) {
    absl::string_view name = file.name;
    size_t underscore = name.find('_');
    int64_t version = 0;
    if (underscore == absl::string_view::npos || !absl::EndsWith(name, ".sql") ||
        !absl::SimpleAtoi(name.substr(0, underscore), &version) || version <= 0) {
      return absl::InternalError(
          absl::StrCat("migration ", component, "/", name, ": name must be NNNN_description.sql"));
    }
    migrations.push_back({version, std::string(name), file.content});
  }
  std::sort(migrations.begin(), migrations.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version == migrations[i - 1].version) {
      return absl::InternalError(absl::StrCat("migrations ", component, ": version ",
                                              migrations[i].version, " appears twice"));
    }
  }
  return migrations;
}

absl::Status Bootstrap(Transaction& tx) {
  if (tx.dialect() == Dialect::kPostgres) {
    RETURN_IF_ERROR(tx.Query("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey}).status());
    // One schema text for both stores: BLOB is bytea on PostgreSQL.
    RETURN_IF_ERROR(
        tx.ExecuteScript("DO $$ BEGIN CREATE DOMAIN blob AS bytea; "
                         "EXCEPTION WHEN duplicate_object THEN NULL; END $$;"));
  }
  return tx.ExecuteScript(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " component TEXT NOT NULL,"
      " version BIGINT NOT NULL,"
      " name TEXT NOT NULL,"
      " checksum TEXT NOT NULL,"
      " PRIMARY KEY (component, version))");
}

}  // namespace

absl::Status ApplyMigrations(Database& db, absl::string_view component,
                             std::span<const EmbeddedFile> files, std::vector<int64_t>* applied) {
  ASSIGN_OR_RETURN(std::vector<Migration> migrations, ParseMigrations(component, files));
  for (const Migration& migration : migrations) {
    const std::string checksum = Sha256Hex(migration.sql);
    // True when this call applied it (false: it was applied before).
    absl::StatusOr<bool> applied_now =
        RunInTransaction(db, Access::kReadWrite, [&](Transaction& tx) -> absl::StatusOr<bool> {
          RETURN_IF_ERROR(Bootstrap(tx));
          ASSIGN_OR_RETURN(Rows seen, tx.Query("SELECT checksum FROM schema_migrations"
                                               " WHERE component = $1 AND version = $2",
                                               {component, migration.version}));
          if (!seen.empty()) {
            if (seen[0][0].AsText() != checksum) {
              return absl::FailedPreconditionError(
                  absl::StrCat("migration ", component, "/", migration.name,
                               " was changed after it was applied; add a new migration instead"));
            }
            return false;
          }
          if (auto st = tx.ExecuteScript(migration.sql); !st.ok()) {
            return absl::Status(st.code(), absl::StrCat("migration ", component, "/",
                                                        migration.name, ": ", st.message()));
          }
          RETURN_IF_ERROR(
              tx.Execute("INSERT INTO schema_migrations (component, version, name, checksum)"
                         " VALUES ($1, $2, $3, $4)",
                         {component, migration.version, migration.name, checksum})
                  .status());
          return true;
        });
    RETURN_IF_ERROR(applied_now.status());
    if (*applied_now && applied != nullptr) {
      applied->push_back(migration.version);
    }
  }
  return absl::OkStatus();
}

}  // namespace kaoping::db
