#pragma once

#include <memory>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "services/common/db/database.h"

namespace kaoping::db {

// PostgreSQL through libpq, a pool of connections, READ COMMITTED.
// Fails fast when the server cannot be reached at open.
absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(absl::string_view url,
                                                               const DatabaseOptions& options);

}  // namespace kaoping::db
