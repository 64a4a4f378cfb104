// The declarative RPC table and the call path every service shares, on a
// stand-in domain served over real gRPC: the table is checked when built,
// requests are parsed by the runtime (a malformed body is INVALID_ARGUMENT),
// and a call that waited in the queue past its deadline, was cancelled
// there, or is still queued at shutdown never runs its body.
#include <atomic>
#include <future>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kaoping/v1/evaluations.pb.h"
#include "kaoping/v1/indicators.grpc.pb.h"
#include "services/common/client/generic_call.h"
#include "services/common/server/rpc_table.h"
#include "services/common/tls/tls_config.h"
#include "tests/support/service_harness.h"
#include "tests/support/worker_gate.h"

namespace kaoping {
namespace {

using ::kaoping::testing::ServiceHarness;
using ::testing::HasSubstr;

// Answers every call with an empty response and counts the bodies that ran.
struct Echo {
  std::atomic<int> ran{0};
  // An IndicatorSet answered carries this as its display name.
  std::string fill;
  template <typename Request, typename Response>
  absl::StatusOr<Response> Handle(const Principal&, AuditScope&, const Request&) {
    ++ran;
    Response response;
    if constexpr (std::is_same_v<Response, v1::IndicatorSet>) {
      response.set_display_name(fill);
    }
    return response;
  }
};

constexpr absl::string_view kSet = "regions/{region}/indicatorSets/{set}";
constexpr absl::string_view kRegion = "regions/{region}";
constexpr Rule kAnyone{.roles = kEveryPersonRole, .region = RegionRelation::kCoversOrWithin};
constexpr Rule kAnyoneAnywhere{.roles = kEveryPersonRole, .region = RegionRelation::kNone};

template <typename Request, typename Response>
auto Row(CallKind kind = CallKind::kRead) {
  return Rpc(&Echo::Handle<Request, Response>, kind,
             Named(
                 "name", [](const Request&) -> std::string { return "regions/510114"; }, kRegion),
             kAnyone);
}

std::vector<RpcRow<Echo>> EveryRow() {
  return {
      Rpc(&Echo::Handle<v1::CreateIndicatorSetRequest, v1::IndicatorSet>, CallKind::kWrite,
          Created("parent", &v1::CreateIndicatorSetRequest::parent, kRegion, "indicatorSets",
                  &v1::CreateIndicatorSetRequest::indicator_set_id),
          kAnyone),
      Rpc(&Echo::Handle<v1::GetIndicatorSetRequest, v1::IndicatorSet>, CallKind::kRead,
          Named("name", &v1::GetIndicatorSetRequest::name, kSet), kAnyone),
      Row<v1::ListIndicatorSetsRequest, v1::ListIndicatorSetsResponse>(),
      Row<v1::UpdateIndicatorSetRequest, v1::IndicatorSet>(),
      Row<v1::DeleteIndicatorSetRequest, google::protobuf::Empty>(),
      Row<v1::PublishIndicatorSetRequest, v1::IndicatorSet>(),
      Row<v1::RetireIndicatorSetRequest, v1::IndicatorSet>(),
      Row<v1::ResolveCatalogRequest, v1::ResolvedCatalog>(),
      Rpc(&Echo::Handle<v1::GetDefaultCatalogRequest, v1::IndicatorSet>, CallKind::kRead,
          NoRegion("the default catalog"), kAnyoneAnywhere),
  };
}

const std::string kService(v1::IndicatorService::service_full_name());

TEST(RpcTableTest, ACompleteTableIsAccepted) {
  RpcTable<Echo> table(kService, EveryRow());
  ASSERT_TRUE(table.status().ok()) << table.status();
  EXPECT_EQ(table.MethodName(0), "kaoping.v1.IndicatorService/CreateIndicatorSet");
  EXPECT_EQ(table.KindOf(0), CallKind::kWrite);
  ASSERT_EQ(table.policy().rules().size(), 9u);
  EXPECT_EQ(table.policy().RuleOf("kaoping.v1.IndicatorService/GetDefaultCatalog")->region,
            RegionRelation::kNone);
}

TEST(RpcTableTest, EveryMethodNeedsExactlyOneRow) {
  std::vector<RpcRow<Echo>> missing = EveryRow();
  missing.pop_back();
  EXPECT_THAT(RpcTable<Echo>(kService, missing).status().message(),
              HasSubstr("GetDefaultCatalog: 0 rows"));
  std::vector<RpcRow<Echo>> twice = EveryRow();
  twice.push_back(Row<v1::ListIndicatorSetsRequest, v1::ListIndicatorSetsResponse>());
  EXPECT_THAT(RpcTable<Echo>(kService, twice).status().message(),
              HasSubstr("ListIndicatorSets: 2 rows"));
  std::vector<RpcRow<Echo>> stranger = EveryRow();
  stranger.push_back(Row<v1::GetCampaignRequest, v1::Campaign>());
  EXPECT_THAT(RpcTable<Echo>(kService, stranger).status().message(),
              HasSubstr("kaoping.v1.GetCampaignRequest, the request of no method"));
  EXPECT_THAT(RpcTable<Echo>("kaoping.v1.NoSuchService", EveryRow()).status().message(),
              HasSubstr("no service"));
}

TEST(RpcTableTest, RowsAreCheckedAgainstTheirMethod) {
  std::vector<RpcRow<Echo>> rows = EveryRow();
  rows[7] = Row<v1::ResolveCatalogRequest, v1::IndicatorSet>();
  EXPECT_THAT(RpcTable<Echo>(kService, rows).status().message(),
              HasSubstr("ResolveCatalog: the domain method returns kaoping.v1.IndicatorSet"));
  rows = EveryRow();
  rows[8] = Rpc(&Echo::Handle<v1::GetDefaultCatalogRequest, v1::IndicatorSet>, CallKind::kWrite,
                NoRegion("x"), kAnyoneAnywhere);
  EXPECT_THAT(RpcTable<Echo>(kService, rows).status().message(),
              HasSubstr("writes and audited reads are about a region"));
  rows = EveryRow();
  rows[8] = Rpc(&Echo::Handle<v1::GetDefaultCatalogRequest, v1::IndicatorSet>, CallKind::kRead,
                NoRegion("x"), kAnyone);
  EXPECT_THAT(RpcTable<Echo>(kService, rows).status().message(),
              HasSubstr("needs RegionRelation::kNone"));
  rows = EveryRow();
  constexpr Rule kUnitBound{.roles = {Role::kPartySecretary},
                            .own_unit_roles = {Role::kPartySecretary}};
  rows[1] = Rpc(&Echo::Handle<v1::GetIndicatorSetRequest, v1::IndicatorSet>, CallKind::kRead,
                Named("name", &v1::GetIndicatorSetRequest::name, kSet), kUnitBound);
  EXPECT_THAT(RpcTable<Echo>(kService, rows).status().message(),
              HasSubstr("own-unit roles need a resource with units/{unit}"));
}

// The stand-in served over real gRPC, one worker.
class CallPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceHarness::Options options;
    options.config = {{"handler_threads", "1"}, {"handler_queue", "8"}};
    auto harness = ServiceHarness::Start(
        "echo", {},
        [this](ServiceRuntime& runtime) -> absl::StatusOr<std::vector<OwnedService>> {
          static const auto* table = new RpcTable<Echo>(kService, EveryRow());
          std::vector<OwnedService> services;
          ASSIGN_OR_RETURN(OwnedService served, Serve(runtime, *table, echo_));
          services.push_back(std::move(served));
          return services;
        },
        options);
    ASSERT_TRUE(harness.ok()) << harness.status();
    harness_ = std::move(*harness);
  }

  ServiceHarness::Who Admin() const {
    ServiceHarness::Who who;
    who.subject = "admin";
    who.roles = {"REGION_ADMIN"};
    who.regions = {"510114"};
    return who;
  }

  absl::StatusOr<std::string> CallGet(const std::string& body, absl::Duration deadline) {
    return CallRaw(*harness_->channel(), "/kaoping.v1.IndicatorService/GetIndicatorSet", body,
                   {{"authorization", "Bearer " + harness_->Token(Admin())}}, deadline);
  }

  static std::string GetRequest() {
    v1::GetIndicatorSetRequest request;
    request.set_name("regions/510114/indicatorSets/s");
    return request.SerializeAsString();
  }

  // Occupies the one worker until Release().
  void Block() { ASSERT_TRUE(gate_.Occupy(harness_->runtime().workers())); }
  void Release() { gate_.Release(); }
  void WaitQueued(size_t n) {
    while (harness_->runtime().workers().queued() != n) {
      absl::SleepFor(absl::Milliseconds(1));
    }
  }

  std::shared_ptr<Echo> echo_ = std::make_shared<Echo>();
  std::unique_ptr<ServiceHarness> harness_;
  ::kaoping::testing::WorkerGate gate_;
};

TEST_F(CallPathTest, AWellFormedCallRunsItsBody) {
  absl::StatusOr<std::string> response = CallGet(GetRequest(), absl::Seconds(10));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(echo_->ran.load(), 1);
}

TEST_F(CallPathTest, AMalformedBodyIsInvalidArgumentWithAMessage) {
  // Field 1 as a varint with its continuation bit set and nothing after it.
  for (const std::string& garbage : {std::string("\x08\xff", 2),
                                     std::string("\x0a\x05"
                                                 "ab",
                                                 4),
                                     std::string("\xff\xff\xff")}) {
    absl::StatusOr<std::string> response = CallGet(garbage, absl::Seconds(10));
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(response.status().message(), HasSubstr("kaoping.v1.GetIndicatorSetRequest"));
  }
  EXPECT_EQ(echo_->ran.load(), 0);
}

TEST_F(CallPathTest, ACallWhoseDeadlinePassedInTheQueueNeverRuns) {
  Block();
  absl::StatusOr<std::string> late = CallGet(GetRequest(), absl::Milliseconds(300));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kDeadlineExceeded);
  // The server's deadline is the client's plus the time on the wire.
  absl::SleepFor(absl::Milliseconds(200));
  Release();
  // One worker, first in first out: once this answers, the late call was taken.
  ASSERT_TRUE(CallGet(GetRequest(), absl::Seconds(10)).ok());
  EXPECT_EQ(echo_->ran.load(), 1) << "only the second call ran";
}

TEST_F(CallPathTest, ACallCancelledInTheQueueNeverRuns) {
  Block();
  auto stub = v1::IndicatorService::NewStub(harness_->channel());
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + harness_->Token(Admin()));
  v1::GetIndicatorSetRequest request;
  request.set_name("regions/510114/indicatorSets/s");
  v1::IndicatorSet response;
  std::promise<grpc::Status> done;
  stub->async()->GetIndicatorSet(&context, &request, &response,
                                 [&done](grpc::Status status) { done.set_value(status); });
  WaitQueued(1);
  context.TryCancel();
  EXPECT_EQ(done.get_future().get().error_code(), grpc::StatusCode::CANCELLED);
  // Time for the cancellation to reach the server.
  absl::SleepFor(absl::Milliseconds(300));
  Release();
  ASSERT_TRUE(CallGet(GetRequest(), absl::Seconds(10)).ok());
  EXPECT_EQ(echo_->ran.load(), 1) << "only the second call ran";
}

TEST_F(CallPathTest, CallsStillQueuedAtShutdownAreUnavailable) {
  Block();
  std::future<absl::StatusOr<std::string>> queued =
      std::async(std::launch::async, [&] { return CallGet(GetRequest(), absl::Seconds(30)); });
  WaitQueued(1);
  std::thread shutdown([&] { harness_->runtime().workers().Shutdown(); });
  absl::StatusOr<std::string> answer = queued.get();
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(answer.status().message(), HasSubstr("shutting down"));
  Release();
  shutdown.join();
  EXPECT_EQ(echo_->ran.load(), 0);
}

TEST_F(CallPathTest, AFullQueueIsResourceExhausted) {
  Block();
  std::vector<std::future<absl::StatusOr<std::string>>> waiting;
  for (int i = 0; i < 8; ++i) {
    waiting.push_back(
        std::async(std::launch::async, [&] { return CallGet(GetRequest(), absl::Seconds(30)); }));
  }
  WaitQueued(8);
  EXPECT_EQ(CallGet(GetRequest(), absl::Seconds(10)).status().code(),
            absl::StatusCode::kResourceExhausted);
  Release();
  for (auto& call : waiting) {
    EXPECT_TRUE(call.get().ok());
  }
  EXPECT_EQ(echo_->ran.load(), 8);
}

TEST_F(CallPathTest, RequestsAndAnswersUpTo16MiBPassOnEveryClientChannel) {
  constexpr size_t kBig = size_t{12} << 20;
  echo_->fill = std::string(kBig, 'x');
  // The request padded with an unknown length-delimited field 15 of kBig bytes.
  std::string request = GetRequest();
  request.push_back(static_cast<char>((15 << 3) | 2));
  size_t length = kBig;
  for (; length >= 0x80; length >>= 7) {
    request.push_back(static_cast<char>((length & 0x7f) | 0x80));
  }
  request.push_back(static_cast<char>(length));
  request.append(kBig, 'y');
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      CreateClientChannel(harness_->address(), ClientTlsOptions());
  ASSERT_TRUE(channel.ok()) << channel.status();
  const CallMetadata auth = {{"authorization", "Bearer " + harness_->Token(Admin())}};
  absl::StatusOr<std::string> big = CallRaw(
      **channel, "/kaoping.v1.IndicatorService/GetIndicatorSet", request, auth, absl::Seconds(60));
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_GT(big->size(), kBig);
  // gRPC's default channel (4 MiB) would refuse it: the limit is the channel's.
  auto plain = grpc::CreateChannel(harness_->address(), grpc::InsecureChannelCredentials());
  EXPECT_EQ(CallRaw(*plain, "/kaoping.v1.IndicatorService/GetIndicatorSet", GetRequest(), auth,
                    absl::Seconds(60))
                .status()
                .code(),
            absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace kaoping
