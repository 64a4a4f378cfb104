#pragma once

#include <span>

#include "services/common/embedded_file.h"

namespace kaoping {

// services/common/migrations/*.sql, compiled in: the audit log, outbox,
// idempotency and consumed-event tables every service keeps.
std::span<const EmbeddedFile> CommonMigrations();

}  // namespace kaoping
