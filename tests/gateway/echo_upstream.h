#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace kaoping::gateway::testing {

// A gRPC server that answers any method (grpc::CallbackGenericService) and
// records what it received, standing in for a service in the gateway's
// tests: methods named …/Fail answer FAILED_PRECONDITION with a detail,
// …/Slow never answer until cancelled, …/Ping answers a PingResponse, and
// everything else answers kaoping.gatewaytest.Echo{method}.
class EchoUpstream {
 public:
  struct Received {
    std::string method;
    std::string request;  // serialized
    std::vector<std::string> authorization;
    absl::Duration time_left;  // until the call's deadline, when it arrived
  };

  // Plaintext, or TLS with a PEM certificate and key when given.
  static std::unique_ptr<EchoUpstream> Start(const std::string& cert_pem = "",
                                             const std::string& key_pem = "");
  ~EchoUpstream();

  std::string address() const;
  std::vector<Received> received() const;
  Received last() const;
  void Record(Received received);

  class Service;

 private:
  EchoUpstream() = default;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  mutable absl::Mutex mutex_;
  std::vector<Received> received_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace kaoping::gateway::testing
