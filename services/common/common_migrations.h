#pragma once

#include <span>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/common/db/database.h"
#include "services/common/embedded_file.h"

namespace kaoping {

// services/common/migrations/*.sql, compiled in: the audit log, outbox,
// idempotency and consumed-event tables every service keeps.
std::span<const EmbeddedFile> CommonMigrations();

// Applies them, and the one-off step that follows migration 3 (sealing the
// audit chains written before it, under `audit_key`) in the start-up that
// applies it.
absl::Status ApplyCommonMigrations(db::Database& db, absl::string_view audit_key);

}  // namespace kaoping
