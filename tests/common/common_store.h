#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/common_migrations.h"
#include "services/common/db/database.h"
#include "services/common/db/migrations.h"
#include "services/common/status_macros.h"
#include "tests/support/shared_servers.h"

namespace kaoping::testing {

// A new, empty database of the kind holding the runtime's own tables
// (audit, outbox, idempotency, consumed events); its URL to *url if given.
inline absl::StatusOr<std::unique_ptr<db::Database>> FreshCommonStore(StoreKind kind,
                                                                      std::string* url = nullptr) {
  ASSIGN_OR_RETURN(std::string fresh, FreshDatabaseUrl(kind));
  ASSIGN_OR_RETURN(std::unique_ptr<db::Database> db, db::OpenDatabase(fresh));
  RETURN_IF_ERROR(db::ApplyMigrations(*db, "common", CommonMigrations()));
  if (url != nullptr) {
    *url = fresh;
  }
  return db;
}

}  // namespace kaoping::testing
