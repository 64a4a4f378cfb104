// The runtime's own cost per call: a tiny authenticated read through the
// whole call path (ListIndicatorSets of an empty region: token, rule, a
// read transaction on SQLite, audit decision, log, answer) beside a gRPC
// no-op (grpc.health.v1 Check) on the same in-process server and the same
// kind of channel, on 1 and 4 client threads. Prints the ratio.
//
//   bench/run --benchmark_filter=Runtime   (or build/bench/bench/runtime/kaoping_runtime_bench)
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "kaoping/v1/indicators.grpc.pb.h"
#include "services/common/client/generic_call.h"
#include "services/common/log.h"
#include "services/common/server/service_runtime.h"
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
    ServiceHarness::Who reader;
    reader.subject = "reader";
    reader.roles = {"RATER"};
    reader.regions = {"510114"};
    f->token = f->harness->Token(reader);
    return f;
  }();
  return *fixture;
}

// Baseline: the cheapest RPC the same server answers.
void BM_RuntimeNoop(benchmark::State& state) {
  auto channel = Shared().harness->channel();
  for (auto _ : state) {
    auto serving = kaoping::CheckHealth(*channel, "", absl::Seconds(5));
    if (!serving.ok() || !*serving) {
      state.SkipWithError("health check failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RuntimeTinyRead(benchmark::State& state) {
  Fixture& f = Shared();
  auto stub = kaoping::v1::IndicatorService::NewStub(f.harness->channel());
  kaoping::v1::ListIndicatorSetsRequest request;
  request.set_parent("regions/510114");
  for (auto _ : state) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + f.token);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    kaoping::v1::ListIndicatorSetsResponse response;
    grpc::Status st = stub->ListIndicatorSets(&context, request, &response);
    if (!st.ok()) {
      state.SkipWithError(st.error_message().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_RuntimeNoop)->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK(BM_RuntimeTinyRead)->UseRealTime()->Threads(1)->Threads(4);

// The console output, and calls/s per run kept for the ratio.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      auto it = run.counters.find("items_per_second");
      if (it != run.counters.end() && !run.error_occurred) {
        rates_[run.benchmark_name()] = it->second.value;
      }
    }
  }
  void PrintRatios() const {
    for (const char* threads : {"threads:1", "threads:4"}) {
      auto noop = rates_.find(absl::StrCat("BM_RuntimeNoop/real_time/", threads));
      auto read = rates_.find(absl::StrCat("BM_RuntimeTinyRead/real_time/", threads));
      if (noop == rates_.end() || read == rates_.end() || noop->second <= 0) {
        continue;
      }
      std::printf("%s: tiny read %.0f calls/s, gRPC no-op %.0f calls/s: %.0f%% of the no-op\n",
                  threads, read->second, noop->second, 100.0 * read->second / noop->second);
    }
  }

 private:
  std::map<std::string, double> rates_;
};

}  // namespace

int main(int argc, char** argv) {
  // As a production process runs (ServiceMain).
  kaoping::UseProductionMutexes();
  kaoping::InitLogging("bench", kaoping::LogLevel::kWarning);
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
