#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kaoping {

struct GrpcServerOptions {
  // host:port; port 0 picks a free one (tests).
  std::string listen_address = "127.0.0.1:0";
  // In-flight calls get this long to finish on shutdown; then they are cancelled.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // NOT_SERVING is announced this long before new calls are refused, so that
  // load balancers and probes stop sending traffic first.
  absl::Duration drain_delay = absl::ZeroDuration();
  int max_message_bytes = 16 * 1024 * 1024;
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

  // health → NOT_SERVING, wait drain_delay, stop accepting calls, let those
  // in flight finish within shutdown_grace, then return. Idempotent.
  void Shutdown();

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

}  // namespace kaoping
