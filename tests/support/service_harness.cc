#include "tests/support/service_harness.h"

#include "absl/strings/str_cat.h"
#include "services/common/auth/jwt.h"
#include "services/common/status_macros.h"

namespace kaoping::testing {

absl::StatusOr<std::unique_ptr<ServiceHarness>> ServiceHarness::Start(
    absl::string_view service, std::span<const EmbeddedFile> migrations,
    const ServiceFactory& factory, Options options) {
  std::unique_ptr<ServiceHarness> h(new ServiceHarness());
  h->options_ = options;
  ASSIGN_OR_RETURN(h->database_url_, FreshDatabaseUrl(options.store));
  std::map<std::string, std::string> keys = {
      {"listen_address", "127.0.0.1:0"}, {"database_url", h->database_url_},
      {"redis_url", options.redis_url},  {"jwt_key", kSecret},
      {"jwt_issuer", kIssuer},           {"audit_key", kAuditKey},
      {"shutdown_grace", "5s"}};
  for (const auto& [key, value] : options.config) {
    keys[key] = value;
  }
  ASSIGN_OR_RETURN(Config config, Config::FromText("", keys));
  ASSIGN_OR_RETURN(h->runtime_, ServiceRuntime::Create(config, service, migrations, options.clock));
  ASSIGN_OR_RETURN(h->services_, factory(*h->runtime_));
  std::vector<ServedService> served;
  for (auto& s : h->services_) {
    served.push_back({s.name, s.service.get()});
  }
  ASSIGN_OR_RETURN(h->server_, h->runtime_->StartServer(served));
  h->channel_ = grpc::CreateChannel(h->server_->address(), grpc::InsecureChannelCredentials());
  return h;
}

ServiceHarness::~ServiceHarness() {
  if (server_ != nullptr) {
    server_->Shutdown();
  }
}

std::string ServiceHarness::Token(const Who& who) const {
  JwtClaims claims;
  claims.subject = who.subject;
  claims.roles = who.roles;
  claims.regions = who.regions;
  claims.scopes = who.scopes;
  claims.unit = who.unit;
  claims.cadre = who.cadre;
  claims.issuer = kIssuer;
  claims.issued_at = options_.clock->Now();
  claims.expiry = options_.clock->Now() + absl::Hours(1);
  auto token = SignJwt(JwtAlgorithm::kHs256, kSecret, claims);
  return token.ok() ? *token : "";
}

std::unique_ptr<grpc::ClientContext> ServiceHarness::Context(const Who& who) const {
  auto context = AnonymousContext();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", Token(who)));
  return context;
}

std::unique_ptr<grpc::ClientContext> ServiceHarness::AnonymousContext() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

}  // namespace kaoping::testing
