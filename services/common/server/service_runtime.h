#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/service_type.h>

#include "absl/status/statusor.h"
#include "services/common/audit/audit_log.h"
#include "services/common/auth/authenticator.h"
#include "services/common/clock.h"
#include "services/common/config.h"
#include "services/common/db/database.h"
#include "services/common/embedded_file.h"
#include "services/common/events/outbox.h"
#include "services/common/idempotency.h"
#include "services/common/server/grpc_server.h"
#include "services/common/server/refusal_log.h"
#include "services/common/server/rpc_dispatcher.h"
#include "services/common/server/worker_pool.h"
#include "services/common/service_deps.h"

namespace kaoping {

// The shared runtime of one service process, built from configuration:
//   listen_address   host:port to serve gRPC on (required)
//   database_url     sqlite:PATH or postgresql://… (required)
//   redis_url        redis://host:port, or "none" to keep events in the outbox (required)
//   jwt_algorithm, jwt_key | jwt_key_file, jwt_issuer, jwt_audience (see Authenticator)
//   audit_key | audit_key_file  HMAC key of the audit chain (optional, recommended)
//   log_level (info), shutdown_grace (10s), drain_delay (0s), db_max_connections (8),
//   handler_threads (16), handler_queue (10000 calls), handler_queue_bytes (64 MiB of requests)
// Opening it applies the common and the service's migrations.
class ServiceRuntime {
 public:
  static absl::StatusOr<std::unique_ptr<ServiceRuntime>> Create(
      const Config& config, absl::string_view service, std::span<const EmbeddedFile> migrations,
      const Clock* clock = &SystemClock::Get());
  ~ServiceRuntime();

  const Config& config() const { return config_; }
  const std::string& service() const { return service_; }
  db::Database& db() { return *db_; }
  const Clock& clock() const { return *clock_; }
  const AuditLog& audit() const { return audit_; }
  const Outbox& outbox() const { return outbox_; }
  const IdempotencyStore& idempotency() const { return idempotency_; }
  const CallEnv& call_env() const { return call_env_; }
  // Where RPC bodies run. Shutting it down answers queued calls UNAVAILABLE
  // (the destructor does; a drain may do it earlier).
  WorkerPool& workers() { return *workers_; }
  // Null when redis_url is "none".
  OutboxRelay* relay() { return relay_.get(); }
  // The same pieces, for a service's domain classes.
  ServiceDeps deps();

  // Starts serving (health and reflection included) on listen_address.
  absl::StatusOr<std::unique_ptr<GrpcServer>> StartServer(
      const std::vector<ServedService>& services);

 private:
  ServiceRuntime(Config config, std::string service, const Clock* clock, std::string audit_key);
  static absl::StatusOr<std::unique_ptr<WorkerPool>> WorkersFromConfig(const Config& config);

  Config config_;
  std::string service_;
  const Clock* clock_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<Authenticator> authenticator_;
  AuditLog audit_;
  Outbox outbox_;
  IdempotencyStore idempotency_;
  std::unique_ptr<OutboxRelay> relay_;
  RefusalLog refusals_;
  // Last, so that it stops (and its calls end) before what they use.
  std::unique_ptr<WorkerPool> workers_;
  CallEnv call_env_;
};

// The body of every service's main(): block signals, load configuration,
// open the runtime, build the services, serve until SIGINT/SIGTERM, shut
// down gracefully. Returns the process exit code (2 on bad configuration).
struct OwnedService {
  std::string name;  // e.g. v1::IndicatorService::service_full_name()
  std::unique_ptr<grpc::Service> service;
};
using ServiceFactory = std::function<absl::StatusOr<std::vector<OwnedService>>(ServiceRuntime&)>;
int ServiceMain(int argc, char** argv, absl::string_view service,
                std::span<const EmbeddedFile> migrations, const ServiceFactory& factory);

// Process-wide settings of a production process (ServiceMain calls it;
// benchmarks too, to measure what production runs): no lock-order cycle
// detection on every mutex acquisition.
void UseProductionMutexes();

}  // namespace kaoping
