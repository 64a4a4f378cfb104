#include "services/common/server/grpc_server.h"

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace kaoping {

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const GrpcServerOptions& options, const std::vector<ServedService>& services) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  std::unique_ptr<GrpcServer> server(new GrpcServer());
  server->options_ = options;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, options.credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  for (const ServedService& served : services) {
    builder.RegisterService(served.service);
  }
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address, " (address in use?)"));
  }
  auto* health = server->server_->GetHealthCheckService();
  health->SetServingStatus("", true);
  for (const ServedService& served : services) {
    health->SetServingStatus(served.name, true);
  }
  return server;
}

GrpcServer::~GrpcServer() { Shutdown(); }

std::string GrpcServer::address() const {
  std::string host = options_.listen_address.substr(0, options_.listen_address.rfind(':'));
  return absl::StrCat(host, ":", port_);
}

void GrpcServer::Shutdown(absl::Duration min_drain) {
  if (shut_down_ || server_ == nullptr) {
    return;
  }
  shut_down_ = true;
  server_->GetHealthCheckService()->SetServingStatus(false);
  const absl::Duration drain = std::max(options_.drain_delay, min_drain);
  if (drain > absl::ZeroDuration()) {
    LogInfo("draining: health is NOT_SERVING, calls still served",
            {{"drain_seconds", absl::ToDoubleSeconds(drain)}});
    absl::SleepFor(drain);
  }
  LogInfo("refusing new calls; waiting for calls in flight",
          {{"grace_seconds", absl::ToDoubleSeconds(options_.shutdown_grace)}});
  server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.shutdown_grace));
  server_->Wait();
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void StartShutdownWatchdog(absl::Duration limit) {
  std::thread([limit] {
    absl::SleepFor(limit);
    LogError("shutdown did not finish in time; exiting now",
             {{"limit_seconds", absl::ToDoubleSeconds(limit)},
              {"cause", "a call or background task is stuck, e.g. on a store that hangs"}});
    std::_Exit(1);
  }).detach();
}

int WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

}  // namespace kaoping
