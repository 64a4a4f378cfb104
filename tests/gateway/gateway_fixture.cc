#include "tests/gateway/gateway_fixture.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/auth/jwt.h"
#include "services/common/log.h"

namespace kaoping::gateway::testing {

using ::kaoping::testing::ServiceHarness;

GatewayTest::GatewayTest()
    : clock_(absl::FromUnixSeconds(1795658400)), echo_(EchoUpstream::Start()) {
  InitLogging("gateway-test", LogLevel::kWarning);
}

GatewayTest::~GatewayTest() {
  if (gateway_ != nullptr) {
    gateway_->Shutdown();
  }
}

void GatewayTest::Configure(std::map<std::string, std::string> overrides) {
  gateway_.reset();
  for (auto& [k, v] : overrides) {
    overrides_[k] = v;
  }
}

absl::StatusOr<Config> GatewayTest::MakeConfig() const {
  std::map<std::string, std::string> values = {
      {"listen_address", "127.0.0.1:0"},
      {"jwt_key", ServiceHarness::kSecret},
      {"jwt_issuer", ServiceHarness::kIssuer},
      {"route_shapes_address", echo_->address()},
      {"shutdown_grace", "2s"},
  };
  for (const auto& [k, v] : overrides_) {
    values[k] = v;
  }
  return Config::FromText("", values);
}

Gateway& GatewayTest::gateway() {
  if (gateway_ == nullptr) {
    auto config = MakeConfig();
    EXPECT_TRUE(config.ok()) << config.status();
    GatewaySetup setup;
    setup.api_prefixes = api_prefixes_;
    setup.clock = &clock_;
    auto started = Gateway::Start(*config, setup);
    EXPECT_TRUE(started.ok()) << started.status();
    gateway_ = *std::move(started);
  }
  return *gateway_;
}

std::string GatewayTest::Token(const Who& who) const {
  JwtClaims claims;
  claims.subject = who.subject;
  claims.roles = who.roles;
  claims.regions = who.regions;
  claims.scopes = who.scopes;
  claims.unit = who.unit;
  claims.issuer = ServiceHarness::kIssuer;
  claims.issued_at = clock_.Now();
  claims.expiry = clock_.Now() + absl::Hours(1);
  return *SignJwt(JwtAlgorithm::kHs256, ServiceHarness::kSecret, claims);
}

Who GatewayTest::Admin() {
  Who who;
  who.subject = "admin";
  who.roles = {"REGION_ADMIN"};
  who.regions = {"510114"};
  return who;
}

Who GatewayTest::Machine(const std::string& subject, const std::string& scope) {
  Who who;
  who.subject = subject;
  who.roles = {"SYSTEM"};
  who.regions = {"510114"};
  who.scopes = {scope};
  return who;
}

std::unique_ptr<HttpClient> GatewayTest::Connect() {
  auto client = HttpClient::Connect(gateway().address());
  EXPECT_TRUE(client.ok()) << client.status();
  return *std::move(client);
}

HttpClient::Reply GatewayTest::Call(const std::string& method, const std::string& target,
                                    const std::string& body, Headers headers) {
  auto reply = Connect()->Send(method, target, body, headers);
  EXPECT_TRUE(reply.ok()) << reply.status();
  return reply.ok() ? *reply : HttpClient::Reply{};
}

HttpClient::Reply GatewayTest::AdminCall(const std::string& method, const std::string& target,
                                         const std::string& body) {
  return Call(method, target, body, {{"authorization", Bearer(Admin())}});
}

ErrorBody ParseError(const std::string& body) {
  google::protobuf::Struct parsed;
  ErrorBody error;
  if (!google::protobuf::util::JsonStringToMessage(body, &parsed).ok()) {
    error.message = "(not JSON) " + body;
    return error;
  }
  const auto& fields = parsed.fields();
  if (fields.contains("code")) {
    error.code = static_cast<int>(fields.at("code").number_value());
  }
  if (fields.contains("message")) {
    error.message = fields.at("message").string_value();
  }
  if (fields.contains("details")) {
    google::protobuf::util::MessageToJsonString(fields.at("details"), &error.details);
  }
  return error;
}

}  // namespace kaoping::gateway::testing
