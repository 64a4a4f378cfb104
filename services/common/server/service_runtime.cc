#include "services/common/server/service_runtime.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "services/common/common_migrations.h"
#include "services/common/db/migrations.h"
#include "services/common/log.h"
#include "services/common/runtime_config.h"
#include "services/common/server/audit_service.h"
#include "services/common/server/process_main.h"
#include "services/common/status_macros.h"
#include "services/common/tls/tls_config.h"

namespace kaoping {
namespace {

// After the calls have had their grace: time to stop the background loops
// and close the store.
constexpr absl::Duration kTeardownAllowance = absl::Seconds(5);

}  // namespace

ServiceRuntime::ServiceRuntime(Config config, std::string service, const Clock* clock,
                               std::string audit_key)
    : config_(std::move(config)),
      service_(std::move(service)),
      clock_(clock),
      audit_(clock, std::move(audit_key)),
      outbox_(service_, clock),
      idempotency_(clock),
      refusals_(clock) {}

ServiceRuntime::~ServiceRuntime() {
  if (workers_ != nullptr) {
    workers_->Shutdown();
  }
  StopBackground();
}

void ServiceRuntime::StopBackground() {
  if (relay_ != nullptr) {
    relay_->Stop();
  }
  if (purger_ != nullptr) {
    purger_->Stop();
  }
  if (checkpoints_ != nullptr && checkpoints_->running()) {
    checkpoints_->Stop();
    // The heads as the service stops leave with the logs too.
    if (auto st = checkpoints_->LogOnce(); !st.ok()) {
      LogWarning("last audit checkpoint failed", {{"error", st.ToString()}});
    }
  }
}

absl::StatusOr<std::unique_ptr<ServiceRuntime>> ServiceRuntime::Create(
    const Config& config, absl::string_view service, std::span<const EmbeddedFile> migrations,
    const Clock* clock) {
  std::string audit_key;
  if (config.Has("audit_key") || config.Has("audit_key_file")) {
    ASSIGN_OR_RETURN(audit_key, config.RequireSecret("audit_key"));
    audit_key = KeyFromFile(JwtAlgorithm::kHs256, std::move(audit_key));
  } else {
    LogWarning(
        "audit chain is not keyed: set audit_key_file so that a rewritten chain is detected");
  }
  std::unique_ptr<ServiceRuntime> rt(
      new ServiceRuntime(config, std::string(service), clock, std::move(audit_key)));
  ASSIGN_OR_RETURN(std::string database_url, config.Require("database_url"));
  ASSIGN_OR_RETURN(std::string redis_url, config.Require("redis_url"));
  RETURN_IF_ERROR(config.Require("listen_address").status());
  db::DatabaseOptions db_options;
  ASSIGN_OR_RETURN(int64_t max_connections, config.GetInt("db_max_connections", 8));
  if (max_connections < 1 || max_connections > 1000) {
    return absl::InvalidArgumentError("configuration: `db_max_connections` must be 1..1000");
  }
  db_options.max_connections = static_cast<int>(max_connections);
  ASSIGN_OR_RETURN(db_options.connect_timeout,
                   config.GetDuration("db_connect_timeout", db_options.connect_timeout));
  ASSIGN_OR_RETURN(db_options.statement_timeout,
                   config.GetDuration("db_statement_timeout", db_options.statement_timeout));
  ASSIGN_OR_RETURN(rt->db_, db::OpenDatabase(database_url, db_options));
  RETURN_IF_ERROR(ApplyCommonMigrations(*rt->db_, rt->audit_.key()));
  RETURN_IF_ERROR(db::ApplyMigrations(*rt->db_, service, migrations));
  ASSIGN_OR_RETURN(rt->authenticator_, Authenticator::FromConfig(config, clock));
  ASSIGN_OR_RETURN(rt->identity_, ServiceIdentity::FromConfig(config, service, clock));
  if (redis_url != "none") {
    ASSIGN_OR_RETURN(RedisOptions redis_options, ParseRedisUrl(redis_url));
    rt->relay_ =
        std::make_unique<OutboxRelay>(rt->db_.get(), std::make_unique<RedisClient>(redis_options),
                                      EventStreamName(service), clock);
    rt->relay_->Start();
    // A commit that enqueued events wakes the relay (Outbox registers it in
    // the transaction), so events leave without waiting for the next poll.
    rt->outbox_.SetCommitHook([relay = rt->relay_.get()] { relay->Notify(); });
  }
  ASSIGN_OR_RETURN(rt->workers_, WorkersFromConfig(config));
  rt->call_env_ = CallEnv{rt->authenticator_.get(), &rt->audit_, rt->db_.get(), rt->workers_.get(),
                          &rt->refusals_};
  RETURN_IF_ERROR(rt->StartBackground());
  return rt;
}

absl::StatusOr<std::unique_ptr<WorkerPool>> ServiceRuntime::WorkersFromConfig(
    const Config& config) {
  ASSIGN_OR_RETURN(int64_t threads, config.GetInt("handler_threads", 16));
  ASSIGN_OR_RETURN(int64_t queue, config.GetInt("handler_queue", 10000));
  ASSIGN_OR_RETURN(int64_t queue_bytes, config.GetInt("handler_queue_bytes", 64 << 20));
  if (threads < 1 || threads > 1024 || queue < 1 || queue_bytes < 1) {
    return absl::InvalidArgumentError(
        "configuration: `handler_threads` must be 1..1024, `handler_queue` and "
        "`handler_queue_bytes` at least 1");
  }
  return std::make_unique<WorkerPool>(static_cast<int>(threads), static_cast<size_t>(queue),
                                      static_cast<size_t>(queue_bytes));
}

absl::Status ServiceRuntime::StartBackground() {
  RetentionOptions retention;
  ASSIGN_OR_RETURN(retention.idempotency,
                   config_.GetDuration("idempotency_retention", retention.idempotency));
  ASSIGN_OR_RETURN(retention.consumed_events,
                   config_.GetDuration("consumed_event_retention", retention.consumed_events));
  ASSIGN_OR_RETURN(retention.relayed_events,
                   config_.GetDuration("outbox_retention", retention.relayed_events));
  ASSIGN_OR_RETURN(retention.interval, config_.GetDuration("purge_interval", retention.interval));
  if (retention.interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("configuration: `purge_interval` must be more than 0s");
  }
  purger_ = std::make_unique<RetentionPurger>(db_.get(), clock_, retention);
  purger_->Start();
  ASSIGN_OR_RETURN(absl::Duration every,
                   config_.GetDuration("audit_checkpoint_interval", absl::Hours(1)));
  if (every > absl::ZeroDuration()) {
    checkpoints_ = std::make_unique<AuditCheckpointLogger>(db_.get(), audit_.key(), clock_, every);
    checkpoints_->Start();
  }
  return absl::OkStatus();
}

ServiceDeps ServiceRuntime::deps() {
  ServiceDeps deps;
  deps.db = db_.get();
  deps.clock = clock_;
  deps.audit = &audit_;
  deps.outbox = &outbox_;
  deps.idempotency = &idempotency_;
  deps.identity = identity_.get();
  return deps;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> ServiceRuntime::ChannelTo(
    absl::string_view address) const {
  ASSIGN_OR_RETURN(ClientTlsOptions tls, ClientTlsFromConfig(config_));
  return CreateClientChannel(address, tls);
}

absl::StatusOr<std::unique_ptr<GrpcServer>> ServiceRuntime::StartServer(
    const std::vector<ServedService>& services) {
  GrpcServerOptions options;
  ASSIGN_OR_RETURN(options.listen_address, config_.Require("listen_address"));
  ASSIGN_OR_RETURN(options.shutdown_grace,
                   config_.GetDuration("shutdown_grace", absl::Seconds(10)));
  ASSIGN_OR_RETURN(options.drain_delay, config_.GetDuration("drain_delay", absl::ZeroDuration()));
  ASSIGN_OR_RETURN(options.credentials, ServerCredentialsFromConfig(config_));
  ASSIGN_OR_RETURN(OwnedService audit, ServeAuditLog(*this));
  std::vector<ServedService> served = services;
  served.push_back({audit.name, audit.service.get()});
  audit_services_.push_back(std::move(audit.service));
  return GrpcServer::Start(options, served);
}

RunningService::~RunningService() {
  if (server_ != nullptr) {
    server_->Shutdown();
  }
  server_.reset();
  services_.clear();
  runtime_.reset();
}

absl::StatusOr<std::unique_ptr<RunningService>> RunningService::Start(
    const Config& config, absl::string_view service, std::span<const EmbeddedFile> migrations,
    const ServiceFactory& factory) {
  std::unique_ptr<RunningService> running(new RunningService());
  ASSIGN_OR_RETURN(running->runtime_, ServiceRuntime::Create(config, service, migrations));
  ASSIGN_OR_RETURN(running->services_, factory(*running->runtime_));
  std::vector<ServedService> served;
  for (auto& s : running->services_) {
    served.push_back({s.name, s.service.get()});
  }
  ASSIGN_OR_RETURN(running->server_, running->runtime_->StartServer(served));
  return running;
}

int ServiceMain(int argc, char** argv, absl::string_view service,
                std::span<const EmbeddedFile> migrations, const ServiceFactory& factory,
                std::span<const std::string> service_keys) {
  UseProductionMutexes();
  auto config = LoadProcessConfig(argc, argv, service, [&](Config& config) {
    return PrepareRuntimeConfig(config, service_keys);
  });
  if (!config.ok()) {
    return StartFailure(config.status());
  }
  auto running = RunningService::Start(*config, service, migrations, factory);
  if (!running.ok()) {
    return StartFailure(running.status());
  }
  LogInfo("serving", {{"address", (*running)->server().address()},
                      {"database", (*running)->runtime().db().Describe()},
                      {"profile", IsLocalProfile(*config) ? "local" : "production"},
                      {"config", config->source()}});
  return ServeUntilSignal([&] {
    // Validated when the server started.
    const absl::Duration drain =
        std::max(*config->GetDuration("drain_delay", absl::ZeroDuration()), kInTransitWindow);
    const absl::Duration grace = *config->GetDuration("shutdown_grace", absl::Seconds(10));
    StartShutdownWatchdog(drain + grace + kTeardownAllowance);
    (*running)->server().Shutdown(kInTransitWindow);
    running->reset();
  });
}

void UseProductionMutexes() {
  // Abseil as Debian builds it checks every lock acquisition for cycles
  // (a graph search per Lock), which showed in every call's profile; tests
  // keep the check.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

}  // namespace kaoping
