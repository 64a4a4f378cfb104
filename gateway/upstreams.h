#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "services/common/config.h"

namespace kaoping::gateway {

// The configuration key of a service's address: its API file's base name
// and "_address" ("kaoping/v1/indicators.proto" → `indicators_address`).
std::string AddressKey(const google::protobuf::ServiceDescriptor* service);

// host:port (an IPv6 host in brackets), or a gRPC target URI (dns:, ipv4:,
// ipv6:, unix:); INVALID_ARGUMENT naming `key` otherwise.
absl::Status CheckAddress(absl::string_view key, absl::string_view address);

// One service's channels. Calls are spread round-robin over a few HTTP/2
// connections, so that one connection's flow control or a large answer
// does not hold up every caller.
class Upstream {
 public:
  Upstream(std::string address, std::vector<std::shared_ptr<grpc::Channel>> channels);

  const std::string& address() const { return address_; }
  grpc::GenericStub& NextStub();
  // False when no connection is up (the service is down or unreachable).
  bool Reachable() const;

 private:
  std::string address_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  std::atomic<size_t> next_{0};
};

// The upstreams of the routed services, from configuration: each service's
// address key is optional (a service not deployed answers UNAVAILABLE),
// but a malformed address stops the gateway at start-up.
class Upstreams {
 public:
  static absl::StatusOr<std::unique_ptr<Upstreams>> FromConfig(
      const Config& config, const std::vector<const google::protobuf::ServiceDescriptor*>& services,
      int channels_per_upstream, const std::string& ca_file);

  // Null when the service has no address configured.
  Upstream* For(const google::protobuf::ServiceDescriptor* service) const;

 private:
  absl::flat_hash_map<const google::protobuf::ServiceDescriptor*, std::shared_ptr<Upstream>>
      by_service_;
};

// Largest message the gateway sends or accepts upstream (the services' limit).
inline constexpr int kMaxUpstreamMessageBytes = 16 * 1024 * 1024;

}  // namespace kaoping::gateway
