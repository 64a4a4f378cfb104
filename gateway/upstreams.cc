#include "gateway/upstreams.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/http/utf8.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"

namespace kaoping::gateway {
namespace {

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(const std::string& ca_file) {
  if (ca_file.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  std::ifstream in(ca_file);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("configuration: `upstream_ca_file` names ", ca_file,
                                            ", which cannot be read"));
  }
  std::stringstream pem;
  pem << in.rdbuf();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = pem.str();
  return grpc::SslCredentials(options);
}

}  // namespace

std::string ApiName(const google::protobuf::ServiceDescriptor* service) {
  std::string base = service->file()->name();
  base = base.substr(base.rfind('/') + 1);
  return base.substr(0, base.rfind(".proto"));
}

std::string AddressKey(const google::protobuf::ServiceDescriptor* service) {
  return absl::StrCat(ApiName(service), "_address");
}

absl::Status CheckAddress(absl::string_view key, absl::string_view address) {
  for (absl::string_view scheme : {"dns:", "ipv4:", "ipv6:", "unix:"}) {
    if (absl::StartsWith(address, scheme) && address.size() > scheme.size()) {
      return absl::OkStatus();
    }
  }
  const size_t colon = address.rfind(':');
  int port = 0;
  const bool ok = colon != absl::string_view::npos && colon > 0 &&
                  absl::SimpleAtoi(address.substr(colon + 1), &port) && port > 0 && port <= 65535 &&
                  !absl::StrContains(address.substr(0, colon), '/');
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat("configuration: `", key, "` must be host:port (",
                                                   "or dns:, ipv4:, unix: …), got \"", address,
                                                   "\""));
  }
  return absl::OkStatus();
}

Upstream::Upstream(std::string address, std::vector<std::shared_ptr<grpc::Channel>> channels)
    : address_(std::move(address)), channels_(std::move(channels)) {
  for (const auto& channel : channels_) {
    stubs_.push_back(std::make_unique<grpc::GenericStub>(channel));
  }
}

grpc::GenericStub& Upstream::NextStub() {
  return *stubs_[next_.fetch_add(1, std::memory_order_relaxed) % stubs_.size()];
}

std::shared_ptr<grpc::Channel> Upstream::NextChannel() {
  return channels_[next_.fetch_add(1, std::memory_order_relaxed) % channels_.size()];
}

bool Upstream::Reachable() const {
  for (const auto& channel : channels_) {
    if (channel->GetState(false) == GRPC_CHANNEL_READY) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<std::unique_ptr<Upstreams>> Upstreams::FromConfig(
    const Config& config, const std::vector<const google::protobuf::ServiceDescriptor*>& services,
    const std::vector<std::string>& served_by_others, int channels_per_upstream,
    const std::string& ca_file) {
  ASSIGN_OR_RETURN(auto credentials, Credentials(ca_file));
  auto upstreams = std::make_unique<Upstreams>();
  absl::flat_hash_map<std::string, std::shared_ptr<Upstream>> by_address;
  for (const auto* service : services) {
    if (std::find(served_by_others.begin(), served_by_others.end(), service->full_name()) !=
        served_by_others.end()) {
      continue;
    }
    const std::string key = AddressKey(service);
    upstreams->by_api_.try_emplace(ApiName(service), nullptr);
    if (!config.Has(key)) {
      LogWarning("no upstream configured: its routes answer UNAVAILABLE",
                 {{"service", service->full_name()}, {"key", key}});
      continue;
    }
    const std::string address = config.Get(key, "");
    RETURN_IF_ERROR(CheckAddress(key, address));
    std::shared_ptr<Upstream>& upstream = by_address[address];
    if (upstream == nullptr) {
      std::vector<std::shared_ptr<grpc::Channel>> channels;
      for (int i = 0; i < channels_per_upstream; ++i) {
        grpc::ChannelArguments args;
        args.SetMaxReceiveMessageSize(kMaxUpstreamMessageBytes);
        args.SetMaxSendMessageSize(kMaxUpstreamMessageBytes);
        // Separate connections, not one subchannel shared by all channels.
        args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
        args.SetInt("kaoping.channel_index", i);
        channels.push_back(grpc::CreateCustomChannel(address, credentials, args));
      }
      upstream = std::make_shared<Upstream>(address, std::move(channels));
    }
    upstreams->by_service_[service] = upstream;
    upstreams->by_api_[ApiName(service)] = upstream;
  }
  return upstreams;
}

absl::StatusOr<Upstream*> Upstreams::ForApi(absl::string_view api) const {
  auto it = by_api_.find(api);
  if (it == by_api_.end()) {
    std::string known;
    for (const auto& [name, upstream] : by_api_) {
      absl::StrAppend(&known, known.empty() ? "" : ", ", name);
    }
    return absl::NotFoundError(
        absl::StrCat("no service named \"", http::QuotableUtf8(api), "\"; one of ", known));
  }
  return it->second.get();
}

Upstream* Upstreams::For(const google::protobuf::ServiceDescriptor* service) const {
  auto it = by_service_.find(service);
  return it == by_service_.end() ? nullptr : it->second.get();
}

}  // namespace kaoping::gateway
