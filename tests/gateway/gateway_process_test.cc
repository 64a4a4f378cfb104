// The real kaoping-gateway binary: fails fast on bad configuration, prints
// its OpenAPI document, serves, and stops cleanly on SIGTERM.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/gateway/http_client.h"
#include "tests/support/subprocess.h"

namespace kaoping::gateway {
namespace {

using ::testing::HasSubstr;

class GatewayProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = ::kaoping::testing::MakeTempDir("kaoping-gateway-process");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    std::ofstream(dir_ + "/jwt.key") << "process-test-secret-process-test-secret\n";
  }
  void TearDown() override { ::kaoping::testing::RemoveTree(dir_); }

  std::string WriteConfig(const std::string& text) {
    const std::string path = dir_ + "/gateway.conf";
    std::ofstream(path) << text << "\njwt_key_file = " << dir_ << "/jwt.key\njwt_issuer = t\n";
    return path;
  }

  std::pair<int, std::string> Run(const std::vector<std::string>& argv) {
    const std::string log = dir_ + "/run.log";
    std::ofstream(log, std::ios::trunc).close();
    auto pid = ::kaoping::testing::Spawn(argv, log);
    EXPECT_TRUE(pid.ok());
    int status = 0;
    waitpid(*pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1,
            ::kaoping::testing::TailOfFile(log, 1000000)};
  }

  std::string dir_;
};

TEST_F(GatewayProcessTest, MalformedUpstreamAddressFailsFastNamingTheKey) {
  auto [code, output] =
      Run({KAOPING_GATEWAY_BINARY, "--config",
           WriteConfig("listen_address = 127.0.0.1:0\nindicators_address = indicators")});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(output, HasSubstr("`indicators_address` must be host:port"));
  auto [missing, missing_output] = Run({KAOPING_GATEWAY_BINARY, "--config", WriteConfig("")});
  EXPECT_EQ(missing, 2);
  EXPECT_THAT(missing_output, HasSubstr("`listen_address` is required"));
}

TEST_F(GatewayProcessTest, PrintsTheOpenApiDocument) {
  auto [code, output] = Run({KAOPING_GATEWAY_BINARY, "--print-openapi"});
  EXPECT_EQ(code, 0);
  EXPECT_THAT(output, ::testing::StartsWith(R"({"openapi":"3.0.3")"));
}

TEST_F(GatewayProcessTest, ServesAndStopsCleanlyOnSigterm) {
  auto port = ::kaoping::testing::PickFreePort();
  ASSERT_TRUE(port.ok());
  const std::string address = absl::StrCat("127.0.0.1:", *port);
  const std::string log = dir_ + "/serve.log";
  auto pid = ::kaoping::testing::Spawn(
      {KAOPING_GATEWAY_BINARY, "--config", WriteConfig("listen_address = " + address)}, log);
  ASSERT_TRUE(pid.ok());
  std::unique_ptr<testing::HttpClient> client;
  for (int i = 0; i < 200 && client == nullptr; ++i) {
    auto connected = testing::HttpClient::Connect(address);
    if (connected.ok()) {
      client = *std::move(connected);
    } else {
      absl::SleepFor(absl::Milliseconds(50));
    }
  }
  ASSERT_NE(client, nullptr) << ::kaoping::testing::TailOfFile(log);
  auto health = client->Send("GET", "/healthz");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  auto unavailable =
      client->Send("GET", "/v1/regions/510114/indicatorSets", "", {{"authorization", "Bearer x"}});
  EXPECT_EQ(unavailable->status, 401);
  kill(*pid, SIGTERM);
  int status = 0;
  waitpid(*pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ::kaoping::testing::TailOfFile(log);
  EXPECT_THAT(::kaoping::testing::TailOfFile(log), HasSubstr("\"msg\":\"stopped\""));
}

}  // namespace
}  // namespace kaoping::gateway
