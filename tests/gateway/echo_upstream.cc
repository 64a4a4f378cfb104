#include "tests/gateway/echo_upstream.h"

#include <grpcpp/generic/async_generic_service.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/wrappers.pb.h"
#include "tests/gateway/route_shapes.pb.h"

namespace kaoping::gateway::testing {
namespace {

std::string Dump(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  std::string out;
  for (const auto& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// google.rpc.Status{code, message, details: [StringValue{why}]}, serialized by hand.
std::string StatusDetails(int code, const std::string& message, const std::string& why) {
  google::protobuf::StringValue value;
  value.set_value(why);
  google::protobuf::Any any;
  any.PackFrom(value);
  const std::string any_bytes = any.SerializeAsString();
  std::string out;
  out.push_back(0x08);
  out.push_back(static_cast<char>(code));
  out.push_back(0x12);
  out.push_back(static_cast<char>(message.size()));
  out += message;
  out.push_back(0x1a);
  out.push_back(static_cast<char>(any_bytes.size()));
  out += any_bytes;
  return out;
}

class Reactor final : public grpc::ServerGenericBidiReactor {
 public:
  Reactor(EchoUpstream* upstream, grpc::GenericCallbackServerContext* context)
      : upstream_(upstream), context_(context) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      return Finish(grpc::Status(grpc::StatusCode::INTERNAL, "no request"));
    }
    EchoUpstream::Received received;
    received.method = context_->method();
    received.request = Dump(request_);
    auto range = context_->client_metadata().equal_range("authorization");
    for (auto it = range.first; it != range.second; ++it) {
      received.authorization.emplace_back(it->second.data(), it->second.size());
    }
    received.time_left = absl::FromChrono(context_->deadline()) - absl::Now();
    upstream_->Record(received);
    if (absl::EndsWith(received.method, "/Slow")) {
      return;  // answered by OnCancel
    }
    {
      absl::MutexLock lock(&mutex_);
      finished_ = true;
    }
    if (absl::EndsWith(received.method, "/Fail")) {
      const std::string message = "shelf is CLOSED";
      return Finish(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, message,
                                 StatusDetails(9, message, "closed on 2026-11-26")));
    }
    std::string answer;
    if (absl::EndsWith(received.method, "/Ping")) {
      gatewaytest::PingResponse ping;
      ping.mutable_payload()->set_text("pong");
      ping.set_hidden("not shown");
      answer = ping.SerializeAsString();
    } else {
      gatewaytest::Echo echo;
      echo.set_method(received.method);
      answer = echo.SerializeAsString();
    }
    response_ = Buffer(answer);
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }

  void OnCancel() override {
    absl::MutexLock lock(&mutex_);
    if (!finished_) {
      finished_ = true;
      Finish(grpc::Status::CANCELLED);
    }
  }
  void OnDone() override { delete this; }

 private:
  EchoUpstream* upstream_;
  grpc::GenericCallbackServerContext* context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  absl::Mutex mutex_;
  bool finished_ = false;
};

}  // namespace

class EchoUpstream::Service final : public grpc::CallbackGenericService {
 public:
  explicit Service(EchoUpstream* upstream) : upstream_(upstream) {}
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    return new Reactor(upstream_, context);
  }

 private:
  EchoUpstream* upstream_;
};

std::unique_ptr<EchoUpstream> EchoUpstream::Start(const std::string& cert_pem,
                                                  const std::string& key_pem) {
  std::unique_ptr<EchoUpstream> upstream(new EchoUpstream());
  upstream->service_ = std::make_unique<Service>(upstream.get());
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!cert_pem.empty()) {
    grpc::SslServerCredentialsOptions options;
    options.pem_key_cert_pairs.push_back({key_pem, cert_pem});
    credentials = grpc::SslServerCredentials(options);
  }
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", credentials, &upstream->port_);
  builder.RegisterCallbackGenericService(upstream->service_.get());
  upstream->server_ = builder.BuildAndStart();
  return upstream;
}

EchoUpstream::~EchoUpstream() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }
}

std::string EchoUpstream::address() const { return absl::StrCat("127.0.0.1:", port_); }

void EchoUpstream::Record(Received received) {
  absl::MutexLock lock(&mutex_);
  received_.push_back(std::move(received));
}

std::vector<EchoUpstream::Received> EchoUpstream::received() const {
  absl::MutexLock lock(&mutex_);
  return received_;
}

EchoUpstream::Received EchoUpstream::last() const {
  absl::MutexLock lock(&mutex_);
  return received_.empty() ? Received{} : received_.back();
}

}  // namespace kaoping::gateway::testing
