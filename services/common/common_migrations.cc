#include "services/common/common_migrations.h"

#include <algorithm>
#include <vector>

#include "services/common/audit/audit_log.h"
#include "services/common/db/migrations.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

// 0003_audit_seals.sql: heads and the region set gain seals.
constexpr int64_t kAuditSealsMigration = 3;

}  // namespace

absl::Status ApplyCommonMigrations(db::Database& db, absl::string_view audit_key) {
  std::vector<int64_t> applied;
  RETURN_IF_ERROR(db::ApplyMigrations(db, "common", CommonMigrations(), &applied));
  if (std::find(applied.begin(), applied.end(), kAuditSealsMigration) != applied.end()) {
    RETURN_IF_ERROR(SealLegacyAuditChains(db, audit_key));
  }
  return absl::OkStatus();
}

}  // namespace kaoping
