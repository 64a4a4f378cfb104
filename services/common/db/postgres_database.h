#pragma once

// Use OpenDatabase (database.h), which also checks the store is reachable.

#include <memory>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "services/common/db/database.h"

namespace kaoping::db {

// PostgreSQL through libpq, a pool of connections, READ COMMITTED.
absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(absl::string_view url,
                                                               const DatabaseOptions& options);

}  // namespace kaoping::db
