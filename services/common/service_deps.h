#pragma once

#include "services/common/audit/audit_log.h"
#include "services/common/auth/service_identity.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"
#include "services/common/events/outbox.h"
#include "services/common/idempotency.h"

namespace kaoping {

// What a service's domain classes are given (by ServiceRuntime in a
// process, by a test directly): no gRPC in here. Events enqueued in a
// transaction wake the relay when it commits (Outbox does it), so domain
// code has nothing to call after a commit.
struct ServiceDeps {
  db::Database* db = nullptr;
  const Clock* clock = nullptr;
  const AuditLog* audit = nullptr;
  const Outbox* outbox = nullptr;
  const IdempotencyStore* idempotency = nullptr;
  // The service's own token, for calls it makes on its own behalf.
  const ServiceIdentity* identity = nullptr;
};

}  // namespace kaoping
