// SIGTERM on the real binary: calls already sent when the signal comes
// complete, calls after it are refused (UNAVAILABLE), and a store that hangs
// cannot keep the process alive past shutdown_grace.
#include <libpq-fe.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/auth/jwt.h"
#include "services/common/client/generic_call.h"
#include "tests/integration/service_process.h"
#include "tests/support/shared_servers.h"
#include "tests/support/subprocess.h"

namespace kaoping {
namespace {

using ::testing::HasSubstr;

constexpr char kSecret[] = "sigterm-test-secret-sigterm-test-secret";

// A libpq connection of the test's own, beside the service's.
class Psql {
 public:
  explicit Psql(const std::string& url) : conn_(PQconnectdb(url.c_str())) {}
  ~Psql() { PQfinish(conn_); }
  void Exec(const std::string& sql) {
    PGresult* res = PQexec(conn_, sql.c_str());
    EXPECT_TRUE(PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK)
        << sql << ": " << PQerrorMessage(conn_);
    PQclear(res);
  }
  int64_t Count(const std::string& sql) {
    PGresult* res = PQexec(conn_, sql.c_str());
    const int64_t n = PQntuples(res) == 1 ? std::atoll(PQgetvalue(res, 0, 0)) : -1;
    PQclear(res);
    return n;
  }

 private:
  PGconn* conn_;
};

class SigtermTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::MakeTempDir("kaoping-sigterm");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    std::ofstream(dir_ + "/jwt.key") << kSecret;
    std::ofstream(dir_ + "/audit.key") << "sigterm-test-audit-key-0123456789";
    auto url = testing::FreshPostgresDatabase();
    ASSERT_TRUE(url.ok()) << url.status();
    database_url_ = *url;
    JwtClaims claims;
    claims.subject = "admin";
    claims.issuer = "kaoping-local";
    claims.roles = {"REGION_ADMIN"};
    claims.regions = {"510114"};
    claims.expiry = absl::Now() + absl::Hours(1);
    metadata_["authorization"] = "Bearer " + *SignJwt(JwtAlgorithm::kHs256, kSecret, claims);
  }
  void TearDown() override { testing::RemoveTree(dir_); }

  absl::StatusOr<testing::ServiceProcess> StartIndicators(const std::string& extra) {
    return testing::ServiceProcess::Start(
        KAOPING_INDICATORS_BINARY, dir_, "indicators",
        absl::StrCat("profile = local\nlisten_address = 127.0.0.1:0\ndatabase_url = ",
                     database_url_, "\nredis_url = none\njwt_key_file = ", dir_,
                     "/jwt.key\njwt_issuer = kaoping-local\naudit_key_file = ", dir_,
                     "/audit.key\n", extra));
  }

  // Creates a draft from the shipped catalog: a write of a few hundred rows.
  absl::Status Create(grpc::Channel& channel, int n) {
    return CallJson(channel, "IndicatorService/CreateIndicatorSet",
                    absl::StrCat(R"({"parent":"regions/510114","indicatorSetId":"s-)", n,
                                 R"(","source":"default"})"),
                    metadata_, absl::Seconds(120))
        .status();
  }

  std::string dir_;
  std::string database_url_;
  CallMetadata metadata_;
};

TEST_F(SigtermTest, CallsSentBeforeTheSignalCompleteAndLaterOnesAreRefused) {
  auto process =
      StartIndicators("db_max_connections = 48\nhandler_threads = 64\nshutdown_grace = 60s\n");
  ASSERT_TRUE(process.ok()) << process.status();
  auto channel = grpc::CreateChannel(process->address(), grpc::InsecureChannelCredentials());
  // Every write appends to the audit chain: holding its table keeps the
  // writes in flight, inside the server, for as long as the test wants.
  Psql lock(database_url_);
  lock.Exec("BEGIN");
  lock.Exec("LOCK TABLE audit_head IN EXCLUSIVE MODE");
  const std::string waiting = absl::StrCat(
      "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = '",
      database_url_.substr(database_url_.rfind('/') + 1), "'");
  Psql observer(database_url_);
  constexpr int kCalls = 40;
  std::vector<absl::Status> results(kCalls);
  std::vector<std::thread> calls;
  std::atomic<int> started{0};
  auto call = [&](int i) {
    ++started;
    results[i] = Create(*channel, i);
  };
  // Half are inside the server, waiting on the store.
  for (int i = 0; i < kCalls / 2; ++i) {
    calls.emplace_back(call, i);
  }
  const absl::Time limit = absl::Now() + absl::Seconds(60);
  while (observer.Count(waiting) < kCalls / 2 && absl::Now() < limit) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(observer.Count(waiting), kCalls / 2);
  // The other half are sent as the signal comes: on their way when it does.
  for (int i = kCalls / 2; i < kCalls; ++i) {
    calls.emplace_back(call, i);
  }
  while (started < kCalls) {
    absl::SleepFor(absl::Microseconds(100));
  }
  process->Signal(SIGTERM);
  ASSERT_TRUE(process->WaitForLog("refusing new calls", absl::Seconds(60))) << process->Log();
  // Every call sent before the signal was accepted, and waits on the store.
  while (observer.Count(waiting) < kCalls && absl::Now() < limit + absl::Seconds(60)) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(observer.Count(waiting), kCalls);
  // A call after the signal is refused.
  auto late = grpc::CreateChannel(process->address(), grpc::InsecureChannelCredentials());
  EXPECT_EQ(Create(*late, 1000).code(), absl::StatusCode::kUnavailable);
  lock.Exec("COMMIT");
  for (auto& t : calls) {
    t.join();
  }
  for (int i = 0; i < kCalls; ++i) {
    EXPECT_TRUE(results[i].ok()) << "call " << i << ": " << results[i];
  }
  auto exit_code = process->WaitForExit(absl::Seconds(120));
  ASSERT_TRUE(exit_code.ok()) << process->Log();
  EXPECT_EQ(*exit_code, 0) << process->Log();
  EXPECT_THAT(process->Log(), HasSubstr("\"msg\":\"stopped\""));
}

TEST_F(SigtermTest, AStoreThatHangsCannotKeepTheProcessAlive) {
  auto postgres = testing::SharedPostgres();
  ASSERT_TRUE(postgres.ok());
  auto process = StartIndicators("shutdown_grace = 2s\n");
  ASSERT_TRUE(process.ok()) << process.status();
  auto channel = grpc::CreateChannel(process->address(), grpc::InsecureChannelCredentials());
  ASSERT_TRUE(Create(*channel, 1).ok());
  ASSERT_TRUE((*postgres)->Freeze().ok());
  std::thread stuck([&] { (void)Create(*channel, 2); });
  absl::SleepFor(absl::Seconds(1));  // let the call reach the store (the drain accepts it anyway)
  process->Signal(SIGTERM);
  // drain (0.5 s) + grace (2 s) + teardown allowance (5 s), and room to spare.
  auto exit_code = process->WaitForExit(absl::Seconds(60));
  ASSERT_TRUE((*postgres)->Thaw().ok());
  stuck.join();
  ASSERT_TRUE(exit_code.ok()) << "still running:\n" << process->Log();
  EXPECT_EQ(*exit_code, 1);
  EXPECT_THAT(process->Log(), HasSubstr("shutdown did not finish in time"));
}

}  // namespace
}  // namespace kaoping
