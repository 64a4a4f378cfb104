#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "services/common/api/pagination.h"
#include "services/common/config.h"

namespace kaoping::gateway {

// The name of a service's API: its file's base name ("kaoping/v1/indicators.proto" →
// "indicators"); the configuration key of its address is that and "_address".
std::string ApiName(const google::protobuf::ServiceDescriptor* service);
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
  // The next channel, for the gateway's own typed calls (dashboards, public access).
  std::shared_ptr<grpc::Channel> NextChannel();
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
  // `served_by_others`: services that have no address of their own (every
  // backend serves them: see GatewayOptions::upstream_by_segment).
  static absl::StatusOr<std::unique_ptr<Upstreams>> FromConfig(
      const Config& config, const std::vector<const google::protobuf::ServiceDescriptor*>& services,
      const std::vector<std::string>& served_by_others, int channels_per_upstream,
      const std::string& ca_file);

  // Null when the service has no address configured.
  Upstream* For(const google::protobuf::ServiceDescriptor* service) const;
  // By API name ("indicators"). NOT_FOUND naming the known ones when there
  // is no such API; null when it has no address configured.
  absl::StatusOr<Upstream*> ForApi(absl::string_view api) const;

 private:
  absl::flat_hash_map<const google::protobuf::ServiceDescriptor*, std::shared_ptr<Upstream>>
      by_service_;
  std::map<std::string, std::shared_ptr<Upstream>, std::less<>> by_api_;
};

// Largest message the gateway sends or accepts upstream (the services' limit).
inline constexpr int kMaxUpstreamMessageBytes = static_cast<int>(kMaxResponseBytes);

}  // namespace kaoping::gateway
