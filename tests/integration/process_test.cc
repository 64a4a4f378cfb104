// The real binaries: fail fast on bad configuration (a missing key, an
// unknown one, the production profile's requirements), serve, stop cleanly
// on SIGTERM, write only JSON lines to stderr; the CLI mints tokens, calls
// RPCs by name (over TLS too), and checkpoints and verifies the audit log.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/common/client/generic_call.h"
#include "tests/integration/service_process.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_certificates.h"

namespace kaoping {
namespace {

using ::testing::HasSubstr;

// Every line is one JSON object (ours, gRPC's, protobuf's).
void ExpectOnlyJsonLines(const std::string& output) {
  for (absl::string_view line : absl::StrSplit(output, '\n', absl::SkipEmpty())) {
    google::protobuf::Struct object;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                    google::protobuf::StringPiece(line.data(), line.size()), &object)
                    .ok())
        << "not a JSON line: " << line;
  }
}

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
  const std::string config =
      WriteConfig("profile = local\nlisten_address = 127.0.0.1:0\nredis_url = none\n");
  auto [code, output] = Run({KAOPING_INDICATORS_BINARY, "--config", config});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(output, HasSubstr("`database_url` is required"));
  EXPECT_THAT(output, HasSubstr("KAOPING_DATABASE_URL"));
}

TEST_F(ProcessTest, ServesAndStopsCleanlyOnSigterm) {
  const std::string database = "sqlite:" + dir_ + "/indicators.db";
  std::ofstream(dir_ + "/audit.key") << "process-test-audit-key-0123456789\n";
  // Port 0: the server picks a free port and logs the address it bound.
  const std::string config = absl::StrCat(
      "profile = local\nlisten_address = 127.0.0.1:0\ndatabase_url = ", database,
      "\nredis_url = none\njwt_key_file = ", dir_, "/jwt.key\njwt_issuer = kaoping-local\n",
      "audit_key_file = ", dir_, "/audit.key\n");
  auto process = testing::ServiceProcess::Start(KAOPING_INDICATORS_BINARY, dir_, "server", config);
  ASSERT_TRUE(process.ok()) << process.status();
  const std::string address = process->address();
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  bool serving = false;
  for (int i = 0; i < 200 && !serving; ++i) {
    auto healthy = CheckHealth(*channel, "", absl::Milliseconds(200));
    serving = healthy.ok() && *healthy;
    if (!serving) {
      absl::SleepFor(absl::Milliseconds(50));
    }
  }
  ASSERT_TRUE(serving) << process->Log();

  // The CLI: a token of `role` in the county, for the calls that follow.
  auto use_token = [&](const std::string& sub, const std::string& role) {
    auto [code, token] =
        Run({KAOPING_CLI_BINARY, "token", "--key-file", dir_ + "/jwt.key", "--issuer",
             "kaoping-local", "--sub", sub, "--roles", role, "--regions", "510114"});
    EXPECT_EQ(code, 0) << token;
    while (!token.empty() && token.back() == '\n') {
      token.pop_back();
    }
    setenv("KAOPING_TOKEN", token.c_str(), 1);
  };
  // An admin creates, publishes and resolves by name.
  use_token("admin", "REGION_ADMIN");
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
  // Every service process serves its own audit log to the county's auditor.
  use_token("auditor", "AUDITOR");
  auto [audit_read, audit_out] =
      Run({KAOPING_CLI_BINARY, "call", address, "AuditService/VerifyAuditLog",
           R"({"name":"regions/510114/auditLogs/indicators"})"});
  EXPECT_EQ(audit_read, 0) << audit_out;
  EXPECT_THAT(audit_out, ::testing::ContainsRegex("\"intact\": ?true"));
  EXPECT_THAT(audit_out, ::testing::ContainsRegex("\"recordCount\": ?\"3\""));
  unsetenv("KAOPING_TOKEN");

  process->Signal(SIGTERM);
  auto exit_code = process->WaitForExit(absl::Seconds(60));
  ASSERT_TRUE(exit_code.ok()) << process->Log();
  EXPECT_EQ(*exit_code, 0) << process->Log();
  const std::string output = process->Log();
  EXPECT_THAT(output, HasSubstr("\"msg\":\"shutting down\""));
  EXPECT_THAT(output, HasSubstr("\"msg\":\"stopped\""));
  ExpectOnlyJsonLines(output);

  auto [verified, verified_out] =
      Run({KAOPING_CLI_BINARY, "audit-verify", database, "--key-file", dir_ + "/audit.key"});
  EXPECT_EQ(verified, 0) << verified_out;
  // The three calls above, and the auditor's verification.
  EXPECT_THAT(verified_out, HasSubstr("audit log intact: 4 entries"));
  // Without the key the links do not check out: the chain is keyed.
  auto [unkeyed, unkeyed_out] = Run({KAOPING_CLI_BINARY, "audit-verify", database});
  EXPECT_EQ(unkeyed, 3) << unkeyed_out;
  // A checkpoint taken now, then the last entry cut off and the head
  // rewritten: found against the checkpoint (and, keyed, by the head's seal).
  auto [checkpointed, checkpoint] =
      Run({KAOPING_CLI_BINARY, "audit-checkpoint", database, "--key-file", dir_ + "/audit.key"});
  ASSERT_EQ(checkpointed, 0) << checkpoint;
  std::ofstream(dir_ + "/checkpoint.json") << checkpoint;
  auto [against, against_out] =
      Run({KAOPING_CLI_BINARY, "audit-verify", database, "--key-file", dir_ + "/audit.key",
           "--checkpoint", dir_ + "/checkpoint.json"});
  EXPECT_EQ(against, 0) << against_out;
  EXPECT_THAT(against_out, HasSubstr("checked against the checkpoint"));
  auto [logged, logged_out] = Run({KAOPING_CLI_BINARY, "audit-verify", database, "--key-file",
                                   dir_ + "/audit.key", "--checkpoint", process->log_path()});
  EXPECT_EQ(logged, 0) << "the service's own checkpoint log line works too: " << logged_out;
  auto [wrong_key, wrong_key_out] = Run(
      {KAOPING_CLI_BINARY, "audit-verify", database, "--checkpoint", dir_ + "/checkpoint.json"});
  EXPECT_EQ(wrong_key, 1);
  EXPECT_THAT(wrong_key_out, HasSubstr("MAC does not match"));
  // Verifying never creates a database where there was none.
  auto [missing, missing_out] =
      Run({KAOPING_CLI_BINARY, "audit-verify", "sqlite:" + dir_ + "/no-such.db"});
  EXPECT_EQ(missing, 1);
  EXPECT_FALSE(std::ifstream(dir_ + "/no-such.db").good());
}

TEST_F(ProcessTest, AnUnknownKeyStopsStartUpNamingTheNearestKnownOne) {
  const std::string config =
      WriteConfig("profile = local\nlisten_adress = 127.0.0.1:0\ndatabase_url = sqlite::memory:\n");
  auto [code, output] = Run({KAOPING_INDICATORS_BINARY, "--config", config});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(output, HasSubstr("unknown key `listen_adress`"));
  EXPECT_THAT(output, HasSubstr("did you mean `listen_address`?"));
  ExpectOnlyJsonLines(output);
}

TEST_F(ProcessTest, OutsideTheLocalProfileAMissingSafeguardStopsStartUp) {
  // No profile is production: an audience, an audit key and TLS are required.
  const std::string config = WriteConfig(
      absl::StrCat("listen_address = 127.0.0.1:0\ndatabase_url = sqlite:", dir_,
                   "/p.db\nredis_url = none\njwt_key_file = ", dir_, "/jwt.key\njwt_issuer = i\n"));
  auto [code, output] = Run({KAOPING_INDICATORS_BINARY, "--config", config});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(output, HasSubstr("`jwt_audience` is required outside the local profile"));
}

TEST_F(ProcessTest, TheProductionProfileServesOverTlsWithEdDsaTokens) {
  auto certs = testing::MakeTestCertificates(dir_);
  ASSERT_TRUE(certs.ok()) << certs.status();
  auto signing = testing::MakeTestSigningKey(dir_);
  ASSERT_TRUE(signing.ok()) << signing.status();
  std::ofstream(dir_ + "/audit.key") << "process-test-audit-key-0123456789\n";
  const std::string config = absl::StrCat(
      "profile = production\nlisten_address = 127.0.0.1:0\ndatabase_url = sqlite:", dir_,
      "/prod.db\nredis_url = none\njwt_key_file = ", signing->public_key_file,
      "\njwt_issuer = kaoping\njwt_audience = kaoping-api\naudit_key_file = ", dir_,
      "/audit.key\ntls_cert_file = ", certs->server_cert_file,
      "\ntls_key_file = ", certs->server_key_file, "\ndrain_delay = 0s\n");
  auto process = testing::ServiceProcess::Start(KAOPING_INDICATORS_BINARY, dir_, "prod", config);
  ASSERT_TRUE(process.ok()) << process.status();
  auto [code, token] =
      Run({KAOPING_CLI_BINARY, "token", "--algorithm", "EdDSA", "--key-file",
           signing->private_key_file, "--issuer", "kaoping", "--audience", "kaoping-api", "--sub",
           "admin", "--roles", "REGION_ADMIN", "--regions", "510114"});
  ASSERT_EQ(code, 0) << token;
  token.erase(token.find_last_not_of('\n') + 1);
  setenv("KAOPING_TOKEN", token.c_str(), 1);
  auto [over_tls, over_tls_out] =
      Run({KAOPING_CLI_BINARY, "--tls-ca", certs->ca_file, "call", process->address(),
           "IndicatorService/GetDefaultCatalog", "{}"});
  EXPECT_EQ(over_tls, 0) << over_tls_out;
  auto [health, health_out] =
      Run({KAOPING_CLI_BINARY, "health", process->address(), "--tls-ca", certs->ca_file});
  EXPECT_EQ(health, 0) << health_out;
  auto [plaintext, plaintext_out] = Run(
      {KAOPING_CLI_BINARY, "call", process->address(), "IndicatorService/GetDefaultCatalog", "{}"});
  EXPECT_EQ(plaintext, 1);
  EXPECT_THAT(plaintext_out, HasSubstr("UNAVAILABLE"));
  unsetenv("KAOPING_TOKEN");
  process->Signal(SIGTERM);
  EXPECT_EQ(*process->WaitForExit(absl::Seconds(60)), 0) << process->Log();
  EXPECT_THAT(process->Log(), HasSubstr("\"profile\":\"production\""));
}

}  // namespace
}  // namespace kaoping
