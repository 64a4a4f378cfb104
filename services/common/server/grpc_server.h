#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/api/pagination.h"

namespace kaoping {

struct GrpcServerOptions {
  // host:port; port 0 picks a free one (tests).
  std::string listen_address = "127.0.0.1:0";
  // In-flight calls get this long to finish on shutdown; then they are cancelled.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // NOT_SERVING is announced this long before new calls are refused, so that
  // load balancers and probes stop sending traffic first.
  absl::Duration drain_delay = absl::ZeroDuration();
  // Requests accepted and responses sent: kMaxResponseBytes, as every client channel.
  int max_message_bytes = static_cast<int>(kMaxResponseBytes);
  // TLS or plaintext (ServerCredentialsFromConfig, tls/tls_config.h).
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
};

// A service to serve, with the full name health checks know it by
// (e.g. "kaoping.v1.IndicatorService").
struct ServedService {
  std::string name;
  grpc::Service* service = nullptr;
};

// A gRPC server with the standard health service (grpc.health.v1: the server
// as a whole, "", and each service by name) and server reflection.
class GrpcServer {
 public:
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const GrpcServerOptions& options, const std::vector<ServedService>& services);
  ~GrpcServer();

  int port() const { return port_; }
  // host:port actually bound.
  std::string address() const;

  // health → NOT_SERVING; calls are still accepted for drain_delay (at least
  // `min_drain`), so that load balancers notice and calls already on their
  // way arrive and are served; then new calls are refused (UNAVAILABLE) and
  // those in flight get until shutdown_grace to finish, then return.
  // Idempotent.
  //
  // Why accept during the drain: a call that reaches the server after gRPC's
  // own shutdown began is cancelled (CANCELLED), even if the client sent it
  // before the signal; only a call that arrived before is finished.
  void Shutdown(absl::Duration min_drain = absl::ZeroDuration());

 private:
  GrpcServer() = default;

  GrpcServerOptions options_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

// Call first in main, before any thread exists: blocks SIGINT and SIGTERM in
// every thread so that WaitForTerminationSignal() alone receives them.
void BlockTerminationSignals();
// Blocks until SIGINT or SIGTERM; returns which.
int WaitForTerminationSignal();

// Once a signal has asked the process to stop: if it is still running after
// `limit` (a store that hangs keeps a call, or a thread, from ever
// finishing), logs why and ends the process with exit code 1.
void StartShutdownWatchdog(absl::Duration limit);

// Calls sent just before a signal may still be on their way; a server being
// stopped by a signal accepts calls at least this long.
inline constexpr absl::Duration kInTransitWindow = absl::Milliseconds(500);

}  // namespace kaoping
