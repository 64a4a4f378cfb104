// SIGTERM semantics of the shared server: health turns NOT_SERVING first,
// calls in flight finish, new calls are refused, then the server stops.
#include <atomic>
#include <future>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kaoping/v1/indicators.grpc.pb.h"
#include "services/common/client/generic_call.h"
#include "services/common/server/service_runtime.h"
#include "services/indicators/indicator_service.h"
#include "services/indicators/migrations.h"
#include "tests/support/service_harness.h"

namespace kaoping {
namespace {

// Holds read transactions at Begin() while armed, to keep a call in flight.
class GateDatabase final : public db::Database {
 public:
  explicit GateDatabase(db::Database* inner) : inner_(inner) {}
  absl::StatusOr<std::unique_ptr<db::Transaction>> Begin(db::Access access) override {
    bool armed = true;
    if (access == db::Access::kReadOnly && armed_.compare_exchange_strong(armed, false)) {
      entered_.set_value();  // only the first read waits
      release_.get_future().wait();
    }
    return inner_->Begin(access);
  }
  db::Dialect dialect() const override { return inner_->dialect(); }
  std::string Describe() const override { return inner_->Describe(); }

  void Arm() { armed_ = true; }
  void WaitEntered() { entered_.get_future().wait(); }
  void Release() { release_.set_value(); }

 private:
  db::Database* inner_;
  std::atomic<bool> armed_{false};
  std::promise<void> entered_;
  std::promise<void> release_;
};

TEST(GracefulShutdownTest, DrainsInFlightCallsAndRefusesNewOnes) {
  auto url = testing::FreshDatabaseUrl(testing::StoreKind::kSqlite);
  ASSERT_TRUE(url.ok());
  auto config = Config::FromText("", {{"listen_address", "127.0.0.1:0"},
                                      {"database_url", *url},
                                      {"redis_url", "none"},
                                      {"jwt_key", testing::ServiceHarness::kSecret},
                                      {"jwt_issuer", testing::ServiceHarness::kIssuer},
                                      {"drain_delay", "1s"},
                                      {"shutdown_grace", "10s"}});
  ASSERT_TRUE(config.ok());
  auto runtime = ServiceRuntime::Create(*config, "indicators", indicators::Migrations());
  ASSERT_TRUE(runtime.ok()) << runtime.status();
  GateDatabase gate(&(*runtime)->db());
  ServiceDeps deps = (*runtime)->deps();
  deps.db = &gate;
  auto service = indicators::IndicatorService(**runtime, deps);
  ASSERT_TRUE(service.ok()) << service.status();
  auto server = (*runtime)->StartServer({{service->name, service->service.get()}});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials());
  ASSERT_TRUE(*CheckHealth(*channel, "", absl::Seconds(5)));

  // Any authenticated principal may read; the read blocks in the gate.
  JwtClaims claims;
  claims.subject = "reader";
  claims.roles = {"RATER"};
  claims.regions = {"510114"};
  claims.issuer = testing::ServiceHarness::kIssuer;
  claims.expiry = absl::Now() + absl::Hours(1);
  const std::string token =
      *SignJwt(JwtAlgorithm::kHs256, testing::ServiceHarness::kSecret, claims);
  auto stub = v1::IndicatorService::NewStub(channel);
  auto get = [&](absl::Duration deadline) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    v1::GetIndicatorSetRequest request;
    request.set_name("regions/510114/indicatorSets/none");
    v1::IndicatorSet response;
    return stub->GetIndicatorSet(&context, request, &response);
  };
  gate.Arm();
  std::future<grpc::Status> in_flight =
      std::async(std::launch::async, [&] { return get(absl::Seconds(30)); });
  gate.WaitEntered();

  std::thread shutdown([&] { (*server)->Shutdown(); });
  // During the drain delay the server still answers, and says it is going.
  bool saw_not_serving = false;
  for (int i = 0; i < 50 && !saw_not_serving; ++i) {
    auto healthy = CheckHealth(*channel, "", absl::Seconds(1));
    saw_not_serving = healthy.ok() && !*healthy;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(saw_not_serving);
  // Once the drain delay is over, new calls are refused while the first one
  // is still being served.
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    refused = get(absl::Milliseconds(500)).error_code() == grpc::StatusCode::UNAVAILABLE;
    if (!refused) {
      absl::SleepFor(absl::Milliseconds(50));
    }
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(in_flight.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
      << "the first call is still in flight";
  gate.Release();
  grpc::Status finished = in_flight.get();
  // The call ran to its end: the set does not exist, which is an answer.
  EXPECT_EQ(finished.error_code(), grpc::StatusCode::NOT_FOUND) << finished.error_message();
  shutdown.join();
  auto after = CheckHealth(*channel, "", absl::Milliseconds(500));
  EXPECT_FALSE(after.ok()) << "a stopped server answers nothing";
}

}  // namespace
}  // namespace kaoping
