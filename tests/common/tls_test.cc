// TLS on the shared server and client helpers, with a CA and certificates
// the test makes: a TLS call succeeds, a plaintext client fails, mutual TLS
// refuses a client without a certificate, or with one another CA signed.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/client/generic_call.h"
#include "services/common/server/grpc_server.h"
#include "services/common/server/service_runtime.h"
#include "services/common/tls/tls_config.h"
#include "tests/support/shared_servers.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_certificates.h"

namespace kaoping {
namespace {

using ::testing::HasSubstr;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::MakeTempDir("kaoping-tls");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    auto certs = testing::MakeTestCertificates(dir_);
    ASSERT_TRUE(certs.ok()) << certs.status();
    certs_ = *certs;
  }
  void TearDown() override {
    server_.reset();
    testing::RemoveTree(dir_);
  }

  // A server with health only, configured from these keys.
  void Serve(std::map<std::string, std::string> keys) {
    auto config = Config::FromText("", keys);
    ASSERT_TRUE(config.ok());
    auto credentials = ServerCredentialsFromConfig(*config);
    ASSERT_TRUE(credentials.ok()) << credentials.status();
    GrpcServerOptions options;
    options.credentials = *credentials;
    auto server = GrpcServer::Start(options, {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // The health check's status through a client with these options.
  absl::Status Check(const ClientTlsOptions& tls) {
    auto channel = CreateClientChannel(server_->address(), tls);
    if (!channel.ok()) {
      return channel.status();
    }
    return CheckHealth(**channel, "", absl::Seconds(10)).status();
  }

  ClientTlsOptions TrustingTheCa() const {
    ClientTlsOptions tls;
    tls.enabled = true;
    tls.ca_file = certs_.ca_file;
    return tls;
  }

  std::string dir_;
  testing::TestCertificates certs_;
  std::unique_ptr<GrpcServer> server_;
};

TEST_F(TlsTest, ATlsCallSucceedsAndAPlaintextClientFails) {
  Serve({{"tls_cert_file", certs_.server_cert_file}, {"tls_key_file", certs_.server_key_file}});
  EXPECT_TRUE(Check(TrustingTheCa()).ok());
  EXPECT_EQ(Check(ClientTlsOptions()).code(), absl::StatusCode::kUnavailable);
  // A client that trusts another CA does not accept the server.
  ClientTlsOptions wrong_ca = TrustingTheCa();
  wrong_ca.ca_file = certs_.stranger_cert_file;
  EXPECT_EQ(Check(wrong_ca).code(), absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, MutualTlsRefusesAClientWithoutACertificateFromItsCa) {
  Serve({{"tls_cert_file", certs_.server_cert_file},
         {"tls_key_file", certs_.server_key_file},
         {"tls_client_ca_file", certs_.ca_file}});
  EXPECT_EQ(Check(TrustingTheCa()).code(), absl::StatusCode::kUnavailable)
      << "no client certificate";
  ClientTlsOptions stranger = TrustingTheCa();
  stranger.cert_file = certs_.stranger_cert_file;
  stranger.key_file = certs_.stranger_key_file;
  EXPECT_EQ(Check(stranger).code(), absl::StatusCode::kUnavailable) << "another CA's certificate";
  ClientTlsOptions client = TrustingTheCa();
  client.cert_file = certs_.client_cert_file;
  client.key_file = certs_.client_key_file;
  EXPECT_TRUE(Check(client).ok());
}

TEST_F(TlsTest, ClientOptionsComeFromConfigurationAndThePlaintextProfile) {
  auto production = Config::FromText("", {{"tls_ca_file", certs_.ca_file},
                                          {"tls_client_cert_file", certs_.client_cert_file},
                                          {"tls_client_key_file", certs_.client_key_file},
                                          {"tls_server_name", "localhost"}});
  auto tls = ClientTlsFromConfig(*production);
  ASSERT_TRUE(tls.ok());
  EXPECT_TRUE(tls->enabled);
  EXPECT_EQ(tls->ca_file, certs_.ca_file);
  EXPECT_EQ(tls->server_name, "localhost");
  // Outside the local profile a client without a CA file still uses TLS
  // (the system's roots); the local profile and insecure_plaintext allow plaintext.
  EXPECT_TRUE(ClientTlsFromConfig(*Config::FromText(""))->enabled);
  EXPECT_FALSE(ClientTlsFromConfig(*Config::FromText("profile = local"))->enabled);
  EXPECT_FALSE(ClientTlsFromConfig(*Config::FromText("insecure_plaintext = true"))->enabled);
  auto half = Config::FromText("", {{"tls_client_cert_file", certs_.client_cert_file}});
  EXPECT_THAT(ClientTlsFromConfig(*half).status().message(), HasSubstr("tls_client_key_file"));
}

TEST_F(TlsTest, AServiceCallsAnotherWithTheTlsOfItsConfiguration) {
  Serve({{"tls_cert_file", certs_.server_cert_file},
         {"tls_key_file", certs_.server_key_file},
         {"tls_client_ca_file", certs_.ca_file}});
  auto url = testing::FreshDatabaseUrl(testing::StoreKind::kSqlite);
  ASSERT_TRUE(url.ok());
  auto config = Config::FromText("", {{"listen_address", "127.0.0.1:0"},
                                      {"database_url", *url},
                                      {"redis_url", "none"},
                                      {"jwt_key", "tls-test-secret-tls-test-secret-0123456789"},
                                      {"jwt_issuer", "i"},
                                      {"tls_ca_file", certs_.ca_file},
                                      {"tls_client_cert_file", certs_.client_cert_file},
                                      {"tls_client_key_file", certs_.client_key_file}});
  ASSERT_TRUE(config.ok());
  auto runtime = ServiceRuntime::Create(*config, "caller", {});
  ASSERT_TRUE(runtime.ok()) << runtime.status();
  auto channel = (*runtime)->ChannelTo(server_->address());
  ASSERT_TRUE(channel.ok()) << channel.status();
  EXPECT_TRUE(CheckHealth(**channel, "", absl::Seconds(10)).ok());
}

TEST_F(TlsTest, ServerKeysAreCheckedAndNamed) {
  auto key_only = Config::FromText("", {{"tls_key_file", certs_.server_key_file}});
  EXPECT_THAT(ServerCredentialsFromConfig(*key_only).status().message(),
              HasSubstr("`tls_cert_file` and `tls_key_file` go together"));
  auto missing = Config::FromText(
      "", {{"tls_cert_file", dir_ + "/none.pem"}, {"tls_key_file", certs_.server_key_file}});
  auto st = ServerCredentialsFromConfig(*missing).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(st.message(), HasSubstr("`tls_cert_file`"));
  auto client_ca_alone = Config::FromText("", {{"tls_client_ca_file", certs_.ca_file}});
  EXPECT_THAT(ServerCredentialsFromConfig(*client_ca_alone).status().message(),
              HasSubstr("`tls_client_ca_file` needs"));
}

}  // namespace
}  // namespace kaoping
