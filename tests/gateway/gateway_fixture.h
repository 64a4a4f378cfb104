#pragma once

#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "gateway/gateway.h"
#include "services/common/clock.h"
#include "tests/gateway/echo_upstream.h"
#include "tests/gateway/http_client.h"
#include "tests/support/service_harness.h"

namespace kaoping::gateway::testing {

using Who = ::kaoping::testing::ServiceHarness::Who;
using Headers = HttpClient::Headers;

// A gateway in-process on a free port, routing the API and the test protos
// (route_shapes.proto, served by an EchoUpstream), verifying tokens signed
// with the test harness's secret, on a FakeClock.
class GatewayTest : public ::testing::Test {
 protected:
  GatewayTest();
  ~GatewayTest() override;

  // Configuration on top of the defaults (listen_address, jwt_*,
  // route_shapes_address); call before the first request to change them.
  void Configure(std::map<std::string, std::string> overrides);
  // The configuration the gateway is started with.
  absl::StatusOr<Config> MakeConfig() const;
  Gateway& gateway();

  // A token for `who`, valid for an hour from the fake clock's now.
  std::string Token(const Who& who) const;
  std::string Bearer(const Who& who) const { return "Bearer " + Token(who); }
  // A county admin of 510114 (subject "admin").
  static Who Admin();
  // A machine client (SYSTEM) with a scope.
  static Who Machine(const std::string& subject, const std::string& scope);

  // One request on a fresh connection.
  HttpClient::Reply Call(const std::string& method, const std::string& target,
                         const std::string& body = "", Headers headers = {});
  // The same with the admin's token.
  HttpClient::Reply AdminCall(const std::string& method, const std::string& target,
                              const std::string& body = "");
  std::unique_ptr<HttpClient> Connect();

  FakeClock clock_;
  std::unique_ptr<EchoUpstream> echo_;
  std::map<std::string, std::string> overrides_;
  std::vector<std::string> api_prefixes_ = {"kaoping/", "tests/gateway/"};
  std::unique_ptr<Gateway> gateway_;
};

// The JSON body's "code" and "message" of an error answer.
struct ErrorBody {
  int code = -1;
  std::string message;
  std::string details;  // the raw JSON array
};
ErrorBody ParseError(const std::string& body);

}  // namespace kaoping::gateway::testing
