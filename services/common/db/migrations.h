#pragma once

#include <cstdint>
#include <span>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "services/common/db/database.h"
#include "services/common/embedded_file.h"

namespace kaoping::db {

// Applies the numbered migrations of one component ("common", "indicators",
// …) that the database has not seen, each in its own transaction, in order.
// Files are named NNNN_description.sql. A migration that was applied and has
// since been edited is refused (its checksum is recorded): schema history is
// append-only. Concurrent starts of several instances are serialized.
// The versions this call applied go to *applied, when given (a step that
// must follow a migration once, in code, looks there).
absl::Status ApplyMigrations(Database& db, absl::string_view component,
                             std::span<const EmbeddedFile> files,
                             std::vector<int64_t>* applied = nullptr);

}  // namespace kaoping::db
