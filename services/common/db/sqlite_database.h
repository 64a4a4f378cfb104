#pragma once

// Use OpenDatabase (database.h), which also checks the store is reachable.

#include <memory>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "services/common/db/database.h"

namespace kaoping::db {

// SQLite in WAL mode, synchronous=FULL (a committed write survives a power
// cut), foreign keys on. Writers queue on an in-process mutex and take the
// database lock at BEGIN, so they never fail with SQLITE_BUSY between
// threads of one process; readers run beside them.
absl::StatusOr<std::unique_ptr<Database>> OpenSqliteDatabase(absl::string_view path,
                                                             const DatabaseOptions& options);

}  // namespace kaoping::db
