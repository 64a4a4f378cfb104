// A unary read through the gateway (HTTP/JSON → gRPC) beside the same call
// over gRPC directly, and the gateway's bare handler (GET /healthz: HTTP
// parsing, routing and answering, no upstream), at 64 and 256 concurrent
// connections, closed loop: requests/s, p50 and p99. Everything runs in
// this process on the same cores (the indicators service on SQLite, the
// gateway, the load generator), so the ratios are what they mean.
//
//   bench/run   (or: build/bench/bench/gateway/kaoping_gateway_bench [--benchmark_filter=REGEX])
#include <cstdio>
#include <regex>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/gateway/load.h"
#include "gateway/gateway.h"
#include "kaoping/v1/indicators.grpc.pb.h"
#include "services/common/log.h"
#include "services/indicators/indicator_service.h"
#include "services/indicators/migrations.h"
#include "tests/support/service_harness.h"

namespace kaoping::bench {
namespace {

using ::kaoping::testing::ServiceHarness;

constexpr char kSet[] = "regions/510114/indicatorSets/bench";

std::unique_ptr<ServiceHarness> StartIndicators(std::string* token) {
  auto harness = ServiceHarness::Start(
      "indicators", indicators::Migrations(),
      [](ServiceRuntime& rt) -> absl::StatusOr<std::vector<OwnedService>> {
        return indicators::IndicatorServices(rt);
      },
      ServiceHarness::Options{});
  if (!harness.ok()) {
    std::fprintf(stderr, "cannot start indicators: %s\n", harness.status().ToString().c_str());
    std::exit(1);
  }
  ServiceHarness::Who admin;
  admin.subject = "admin";
  admin.roles = {"REGION_ADMIN"};
  admin.regions = {"510114"};
  *token = (*harness)->Token(admin);
  // A small draft: the read measures the path, not the moving of a 40 KB catalog.
  auto stub = v1::IndicatorService::NewStub((*harness)->channel());
  auto context = (*harness)->Context(admin);
  v1::CreateIndicatorSetRequest create;
  create.set_parent("regions/510114");
  create.set_indicator_set_id("bench");
  create.mutable_indicator_set()->set_display_name("bench");
  v1::IndicatorSet set;
  grpc::Status st = stub->CreateIndicatorSet(context.get(), create, &set);
  if (!st.ok()) {
    std::fprintf(stderr, "cannot create the set: %s\n", st.error_message().c_str());
    std::exit(1);
  }
  return *std::move(harness);
}

std::unique_ptr<gateway::Gateway> StartGateway(const std::string& upstream) {
  auto config = Config::FromText("", {{"listen_address", "127.0.0.1:0"},
                                      {"jwt_key", ServiceHarness::kSecret},
                                      {"jwt_issuer", ServiceHarness::kIssuer},
                                      {"indicators_address", upstream},
                                      {"http_max_connections", "2000"}});
  auto gateway = gateway::Gateway::Start(*config);
  if (!gateway.ok()) {
    std::fprintf(stderr, "cannot start the gateway: %s\n", gateway.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(gateway);
}

std::string HttpGet(const std::string& target, const std::string& token) {
  return absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: bench\r\n",
                      token.empty() ? "" : absl::StrCat("Authorization: Bearer ", token, "\r\n"),
                      "\r\n");
}

void Print(const std::string& what, const LoadResult& r, const LoadResult* baseline) {
  std::printf("  %-44s %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms", what.c_str(),
              r.requests_per_second, r.p50_ms, r.p99_ms);
  if (baseline != nullptr && baseline->requests_per_second > 0) {
    std::printf("  = %.2f× gRPC direct", r.requests_per_second / baseline->requests_per_second);
  } else {
    std::printf("  (baseline)");
  }
  if (r.errors > 0) {
    std::printf("  [%lld errors]", static_cast<long long>(r.errors));
  }
  std::printf("\n");
}

}  // namespace
}  // namespace kaoping::bench

int main(int argc, char** argv) {
  using namespace kaoping::bench;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const std::string prefix = "--benchmark_filter=";
    if (arg.rfind(prefix, 0) == 0 &&
        !std::regex_search("Gateway", std::regex(arg.substr(prefix.size())))) {
      return 0;
    }
  }
  kaoping::InitLogging("bench", kaoping::LogLevel::kWarning);
  std::string token;
  auto indicators = StartIndicators(&token);
  auto gateway = StartGateway(indicators->address());
  kaoping::v1::GetIndicatorSetRequest get;
  get.set_name(kSet);
  const std::string read = HttpGet(absl::StrCat("/v1/", kSet), token);
  const std::string bare = HttpGet("/healthz", "");
  std::printf(
      "GetIndicatorSet (a small draft), closed loop, %s; this machine's cores are shared "
      "by the service, the gateway and the load\n",
      "1 s warm-up + 4 s measured per line");
  for (int connections : {64, 256}) {
    LoadOptions options;
    options.connections = connections;
    std::printf("%d concurrent connections\n", connections);
    const LoadResult direct =
        RunGrpcLoad(indicators->address(), "/kaoping.v1.IndicatorService/GetIndicatorSet",
                    get.SerializeAsString(), absl::StrCat("Bearer ", token), options);
    Print("gRPC direct   GetIndicatorSet", direct, nullptr);
    const LoadResult through = RunHttpLoad(gateway->address(), read, options);
    Print(absl::StrCat("gateway       GET /v1/", kSet), through, &direct);
    const LoadResult handler = RunHttpLoad(gateway->address(), bare, options);
    Print("gateway bare  GET /healthz (no upstream)", handler, &direct);
    std::printf(
        "  target: gateway ≥ 0.50× gRPC direct: %s\n",
        through.requests_per_second >= 0.5 * direct.requests_per_second ? "met" : "NOT met");
  }
  gateway->Shutdown();
  return 0;
}
