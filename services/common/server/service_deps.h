#pragma once

#include <functional>

#include "services/common/audit/audit_log.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"
#include "services/common/events/outbox.h"
#include "services/common/idempotency.h"

namespace kaoping {

// What a service's domain classes are given (by ServiceRuntime in a
// process, by a test directly): no gRPC in here.
struct ServiceDeps {
  db::Database* db = nullptr;
  const Clock* clock = nullptr;
  const AuditLog* audit = nullptr;
  const Outbox* outbox = nullptr;
  const IdempotencyStore* idempotency = nullptr;
  // Called after a commit that enqueued events, to relay them promptly.
  std::function<void()> events_committed = [] {};
};

}  // namespace kaoping
