#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/service_type.h>

#include "absl/status/statusor.h"
#include "services/common/audit/audit_checkpoint.h"
#include "services/common/audit/audit_log.h"
#include "services/common/auth/authenticator.h"
#include "services/common/clock.h"
#include "services/common/config.h"
#include "services/common/db/database.h"
#include "services/common/embedded_file.h"
#include "services/common/events/outbox.h"
#include "services/common/idempotency.h"
#include "services/common/retention.h"
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
//   db_connect_timeout (5s), db_statement_timeout (30s), tls_* (tls/tls_config.h),
//   audit_checkpoint_interval (1h), idempotency_retention (7d),
//   consumed_event_retention (30d), outbox_retention (7d), purge_interval (1h)
// The keys and the profile's rules: runtime_config.h. Opening it applies the
// common and the service's migrations and starts the background loops
// (event relay, retention purger, audit checkpoint log), which stop, before
// anything they use is destroyed, when the runtime is.
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

  // A channel to another service at `address`, with the TLS of this
  // process's configuration (tls_ca_file, tls_client_cert_file, …; see
  // tls/tls_config.h): how services call each other.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> ChannelTo(absl::string_view address) const;

  // Starts serving `services`, this process's AuditService (its own audit
  // log, server/audit_service.h), health and reflection on listen_address.
  absl::StatusOr<std::unique_ptr<GrpcServer>> StartServer(
      const std::vector<ServedService>& services);

  // Stops the background loops (idempotent; the destructor does it too).
  void StopBackground();

 private:
  ServiceRuntime(Config config, std::string service, const Clock* clock, std::string audit_key);
  absl::Status StartBackground();
  static absl::StatusOr<std::unique_ptr<WorkerPool>> WorkersFromConfig(const Config& config);

  Config config_;
  std::string service_;
  const Clock* clock_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<ServiceIdentity> identity_;
  AuditLog audit_;
  Outbox outbox_;
  IdempotencyStore idempotency_;
  std::unique_ptr<OutboxRelay> relay_;
  std::unique_ptr<RetentionPurger> purger_;
  std::unique_ptr<AuditCheckpointLogger> checkpoints_;
  RefusalLog refusals_;
  // One per server started; they outlive their server (destroyed first).
  std::vector<std::unique_ptr<grpc::Service>> audit_services_;
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
// `service_keys`: configuration keys of the service's own, beside the
// runtime's (RuntimeConfigKeys()); any other key stops start-up.
int ServiceMain(int argc, char** argv, absl::string_view service,
                std::span<const EmbeddedFile> migrations, const ServiceFactory& factory,
                std::span<const std::string> service_keys = {});

// A serving process: runtime, services, server. Destroying it stops them in
// the order that keeps every background loop from outliving what it uses:
// the server (no more calls), then the services (a service's own consumers
// stop first, in its destructor), then the runtime (its loops, then the store).
class RunningService {
 public:
  static absl::StatusOr<std::unique_ptr<RunningService>> Start(
      const Config& config, absl::string_view service, std::span<const EmbeddedFile> migrations,
      const ServiceFactory& factory);
  ~RunningService();

  ServiceRuntime& runtime() { return *runtime_; }
  GrpcServer& server() { return *server_; }

 private:
  RunningService() = default;

  std::unique_ptr<ServiceRuntime> runtime_;
  std::vector<OwnedService> services_;
  std::unique_ptr<GrpcServer> server_;
};

// Process-wide settings of a production process (ServiceMain calls it;
// benchmarks too, to measure what production runs): no lock-order cycle
// detection on every mutex acquisition.
void UseProductionMutexes();

}  // namespace kaoping
