#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "services/common/clock.h"
#include "services/common/server/service_runtime.h"
#include "tests/support/shared_servers.h"

namespace kaoping::testing {

// A service under test, in-process but over real gRPC: its real runtime
// (store of the chosen kind with migrations, JWT verification, audit,
// outbox) and a server on a free port. Tokens are minted with the
// harness's own HS256 secret.
class ServiceHarness {
 public:
  struct Options {
    StoreKind store = StoreKind::kSqlite;
    // "none" keeps events in the outbox; tests of events pass SharedRedis()->url().
    std::string redis_url = "none";
    const Clock* clock = &SystemClock::Get();
    // More configuration keys, or other values (e.g. {"handler_threads", "1"}).
    std::map<std::string, std::string> config;
  };

  static absl::StatusOr<std::unique_ptr<ServiceHarness>> Start(
      absl::string_view service, std::span<const EmbeddedFile> migrations,
      const ServiceFactory& factory, Options options);
  ~ServiceHarness();

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  ServiceRuntime& runtime() { return *runtime_; }
  std::string address() const { return server_->address(); }

  struct Who {
    std::string subject = "someone";
    std::vector<std::string> roles;
    std::vector<std::string> regions;
    std::vector<std::string> scopes;
    std::string unit;
    std::string cadre;
  };
  // A valid token for the harness's verifier (1 hour from the clock's now).
  std::string Token(const Who& who) const;
  // A client context carrying that token and a 30 s deadline.
  std::unique_ptr<grpc::ClientContext> Context(const Who& who) const;
  // A client context without credentials.
  static std::unique_ptr<grpc::ClientContext> AnonymousContext();

  static constexpr char kIssuer[] = "kaoping-test";
  static constexpr char kSecret[] = "test-secret-test-secret-test-secret-0123456789";
  // The audit chain is keyed as in production: verify with this key.
  static constexpr char kAuditKey[] = "test-audit-key-test-audit-key-0123456789";

 private:
  ServiceHarness() = default;

  Options options_;
  std::string database_url_;
  std::unique_ptr<ServiceRuntime> runtime_;
  std::vector<OwnedService> services_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace kaoping::testing
