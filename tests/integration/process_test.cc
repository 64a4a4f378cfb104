// The real binaries: fail fast on bad configuration, serve, stop cleanly on
// SIGTERM; the CLI mints tokens, calls RPCs by name and verifies the audit log.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/client/generic_call.h"
#include "tests/support/subprocess.h"

namespace kaoping {
namespace {

using ::testing::HasSubstr;

class ProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::MakeTempDir("kaoping-process");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    std::ofstream(dir_ + "/jwt.key") << "process-test-secret-process-test-secret\n";
  }
  void TearDown() override { testing::RemoveTree(dir_); }

  std::string WriteConfig(const std::string& text) {
    const std::string path = dir_ + "/indicators.conf";
    std::ofstream(path) << text;
    return path;
  }

  // Runs to completion; returns (exit code, output).
  std::pair<int, std::string> Run(const std::vector<std::string>& argv) {
    const std::string log = dir_ + "/run.log";
    std::ofstream(log, std::ios::trunc).close();
    auto pid = testing::Spawn(argv, log);
    EXPECT_TRUE(pid.ok());
    int status = 0;
    waitpid(*pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, testing::TailOfFile(log, 100000)};
  }

  std::string dir_;
};

TEST_F(ProcessTest, MissingRequiredConfigurationFailsFastNamingTheKey) {
  const std::string config = WriteConfig("listen_address = 127.0.0.1:0\nredis_url = none\n");
  auto [code, output] = Run({KAOPING_INDICATORS_BINARY, "--config", config});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(output, HasSubstr("`database_url` is required"));
  EXPECT_THAT(output, HasSubstr("KAOPING_DATABASE_URL"));
}

TEST_F(ProcessTest, ServesAndStopsCleanlyOnSigterm) {
  const std::string database = "sqlite:" + dir_ + "/indicators.db";
  std::ofstream(dir_ + "/audit.key") << "process-test-audit-key-0123456789\n";
  // Port 0: the server picks a free port and logs the address it bound.
  const std::string config = WriteConfig(absl::StrCat(
      "listen_address = 127.0.0.1:0\ndatabase_url = ", database,
      "\nredis_url = none\njwt_key_file = ", dir_, "/jwt.key\njwt_issuer = kaoping-local\n",
      "audit_key_file = ", dir_, "/audit.key\n"));
  const std::string log = dir_ + "/server.log";
  auto pid = testing::Spawn({KAOPING_INDICATORS_BINARY, "--config", config}, log);
  ASSERT_TRUE(pid.ok());
  std::string address;
  const std::string marker = "\"msg\":\"serving\",\"address\":\"";
  for (int i = 0; i < 400 && address.empty(); ++i) {
    const std::string output = testing::TailOfFile(log, 100000);
    size_t at = output.find(marker);
    if (at != std::string::npos) {
      size_t start = at + marker.size();
      address = output.substr(start, output.find('"', start) - start);
    } else {
      absl::SleepFor(absl::Milliseconds(25));
    }
  }
  ASSERT_FALSE(address.empty()) << testing::TailOfFile(log);
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  bool serving = false;
  for (int i = 0; i < 200 && !serving; ++i) {
    auto healthy = CheckHealth(*channel, "", absl::Milliseconds(200));
    serving = healthy.ok() && *healthy;
    if (!serving) {
      absl::SleepFor(absl::Milliseconds(50));
    }
  }
  ASSERT_TRUE(serving) << testing::TailOfFile(log);

  // The CLI: a token for an admin, then create, publish and resolve by name.
  auto [code, token] =
      Run({KAOPING_CLI_BINARY, "token", "--key-file", dir_ + "/jwt.key", "--issuer",
           "kaoping-local", "--sub", "admin", "--roles", "REGION_ADMIN", "--regions", "510114"});
  ASSERT_EQ(code, 0) << token;
  while (!token.empty() && token.back() == '\n') {
    token.pop_back();
  }
  setenv("KAOPING_TOKEN", token.c_str(), 1);
  auto [created, created_out] =
      Run({KAOPING_CLI_BINARY, "call", address, "IndicatorService/CreateIndicatorSet",
           R"({"parent":"regions/510114","indicatorSetId":"2026","source":"default"})"});
  EXPECT_EQ(created, 0) << created_out;
  auto [published, published_out] =
      Run({KAOPING_CLI_BINARY, "call", address, "IndicatorService/PublishIndicatorSet",
           R"({"name":"regions/510114/indicatorSets/2026"})"});
  EXPECT_EQ(published, 0) << published_out;
  EXPECT_THAT(published_out, HasSubstr("PUBLISHED"));
  auto [resolved, resolved_out] =
      Run({KAOPING_CLI_BINARY, "call", address, "IndicatorService/ResolveCatalog",
           R"({"region":"regions/510114","postTier":"FRONTLINE","sector":"TOWNSHIP"})"});
  EXPECT_EQ(resolved, 0) << resolved_out;
  EXPECT_THAT(resolved_out, HasSubstr("sector:TOWNSHIP"));
  auto [refused, refused_out] =
      Run({KAOPING_CLI_BINARY, "call", address, "IndicatorService/PublishIndicatorSet",
           R"({"name":"regions/510114/indicatorSets/2026"})"});
  EXPECT_EQ(refused, 1);
  EXPECT_THAT(refused_out, HasSubstr("FAILED_PRECONDITION"));
  unsetenv("KAOPING_TOKEN");

  kill(*pid, SIGTERM);
  int status = 0;
  waitpid(*pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << testing::TailOfFile(log);
  const std::string output = testing::TailOfFile(log, 100000);
  EXPECT_THAT(output, HasSubstr("\"msg\":\"shutting down\""));
  EXPECT_THAT(output, HasSubstr("\"msg\":\"stopped\""));

  auto [verified, verified_out] =
      Run({KAOPING_CLI_BINARY, "audit-verify", database, "--key-file", dir_ + "/audit.key"});
  EXPECT_EQ(verified, 0) << verified_out;
  EXPECT_THAT(verified_out, HasSubstr("audit log intact: 3 entries"));
  // Without the key the links do not check out: the chain is keyed.
  auto [unkeyed, unkeyed_out] = Run({KAOPING_CLI_BINARY, "audit-verify", database});
  EXPECT_EQ(unkeyed, 3) << unkeyed_out;
  // Verifying never creates a database where there was none.
  auto [missing, missing_out] =
      Run({KAOPING_CLI_BINARY, "audit-verify", "sqlite:" + dir_ + "/no-such.db"});
  EXPECT_EQ(missing, 1);
  EXPECT_FALSE(std::ifstream(dir_ + "/no-such.db").good());
}

}  // namespace
}  // namespace kaoping
