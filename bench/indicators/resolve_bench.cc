// ResolveCatalog through real gRPC (in-process server, SQLite store, JWT
// verification, the default catalog published), beside a gRPC no-op (the
// health check on the same server and channel) as the baseline.
//
//   bench/run            (or: build/release/bench/indicators/kaoping_resolve_bench)
#include <memory>

#include <benchmark/benchmark.h>

#include "kaoping/v1/indicators.grpc.pb.h"
#include "services/common/client/generic_call.h"
#include "services/common/log.h"
#include "services/indicators/indicator_service.h"
#include "services/indicators/migrations.h"
#include "tests/support/service_harness.h"

namespace {

using kaoping::testing::ServiceHarness;

struct Fixture {
  std::unique_ptr<ServiceHarness> harness;
  std::string token;
};

Fixture& Shared() {
  static Fixture* fixture = [] {
    kaoping::InitLogging("bench", kaoping::LogLevel::kWarning);
    auto* f = new Fixture();
    ServiceHarness::Options options;
    options.store = kaoping::testing::StoreKind::kSqlite;
    auto harness = ServiceHarness::Start(
        "indicators", kaoping::indicators::Migrations(),
        [](kaoping::ServiceRuntime& rt) -> absl::StatusOr<std::vector<kaoping::OwnedService>> {
          return kaoping::indicators::IndicatorServices(rt);
        },
        options);
    if (!harness.ok()) {
      std::fprintf(stderr, "cannot start: %s\n", harness.status().ToString().c_str());
      std::exit(1);
    }
    f->harness = std::move(*harness);
    ServiceHarness::Who admin;
    admin.subject = "admin";
    admin.roles = {"REGION_ADMIN"};
    admin.regions = {"510114"};
    f->token = f->harness->Token(admin);
    auto stub = kaoping::v1::IndicatorService::NewStub(f->harness->channel());
    grpc::ClientContext create_context;
    create_context.AddMetadata("authorization", "Bearer " + f->token);
    kaoping::v1::CreateIndicatorSetRequest create;
    create.set_parent("regions/510114");
    create.set_indicator_set_id("bench");
    create.set_source("default");
    kaoping::v1::IndicatorSet set;
    grpc::Status st = stub->CreateIndicatorSet(&create_context, create, &set);
    grpc::ClientContext publish_context;
    publish_context.AddMetadata("authorization", "Bearer " + f->token);
    kaoping::v1::PublishIndicatorSetRequest publish;
    publish.set_name(set.name());
    if (st.ok()) {
      st = stub->PublishIndicatorSet(&publish_context, publish, &set);
    }
    if (!st.ok()) {
      std::fprintf(stderr, "cannot publish: %s\n", st.error_message().c_str());
      std::exit(1);
    }
    return f;
  }();
  return *fixture;
}

// Baseline: the cheapest RPC the same server answers (grpc.health.v1 Check).
void BM_GrpcNoopHealthCheck(benchmark::State& state) {
  Fixture& f = Shared();
  auto channel = f.harness->channel();
  for (auto _ : state) {
    auto serving = kaoping::CheckHealth(*channel, "", absl::Seconds(5));
    if (!serving.ok() || !*serving) {
      state.SkipWithError("health check failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ResolveCatalog(benchmark::State& state) {
  Fixture& f = Shared();
  auto stub = kaoping::v1::IndicatorService::NewStub(f.harness->channel());
  const kaoping::v1::PostTier tiers[] = {kaoping::v1::PRINCIPAL, kaoping::v1::DEPUTY,
                                         kaoping::v1::FRONTLINE, kaoping::v1::STAFF};
  int i = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + f.token);
    kaoping::v1::ResolveCatalogRequest request;
    request.set_region("regions/510114");
    request.set_post_tier(tiers[i % 4]);
    request.set_sector(static_cast<kaoping::v1::Sector>(1 + (i / 4) % 6));
    ++i;
    kaoping::v1::ResolvedCatalog response;
    grpc::Status st = stub->ResolveCatalog(&context, request, &response);
    if (!st.ok()) {
      state.SkipWithError(st.error_message().c_str());
      break;
    }
    bytes = response.ByteSizeLong();
  }
  state.SetItemsProcessed(state.iterations());
  // A resolved catalog is the whole differentiated catalog (~40 KB of text):
  // most of the cost over the no-op is moving it.
  state.counters["response_bytes"] =
      benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kAvgThreads);
}

BENCHMARK(BM_GrpcNoopHealthCheck)->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK(BM_ResolveCatalog)->UseRealTime()->Threads(1)->Threads(4);

}  // namespace

BENCHMARK_MAIN();
