// The runtime's own cost per call: a tiny authenticated read through the
// whole call path (ListIndicatorSets of an empty region: token, rule, a
// read transaction on SQLite, audit decision, log, answer) beside a gRPC
// no-op (grpc.health.v1 Check) on the same in-process server and the same
// kind of channel, on 1 and 4 client threads.
//
// The two are measured interleaved (short alternating phases, the same
// client threads), so that a machine shared with other work slows both
// alike and the ratio stays meaningful. Prints calls/s and process CPU per
// call of each, and the ratio.
//
//   bench/run                                  (Release build)
//   build/bench/bench/runtime/kaoping_runtime_bench [--seconds=6] [--only=noop|read]
//       [--set=KEY=VALUE ...]
// (--only: one kind, on 4 client threads, for profiling with perf; --set: a
// runtime configuration key, e.g. --set=handler_threads=4, to measure it.)
#include <time.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "kaoping/v1/indicators.grpc.pb.h"
#include "services/common/client/generic_call.h"
#include "services/common/log.h"
#include "services/common/server/service_runtime.h"
#include "services/indicators/indicator_service.h"
#include "services/indicators/migrations.h"
#include "tests/support/service_harness.h"

namespace {

using kaoping::testing::ServiceHarness;

enum Kind { kNoop = 0, kTinyRead = 1, kStop = 2 };

absl::Duration ProcessCpu() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return absl::DurationFromTimespec(ts);
}

// Client threads calling whichever kind `phase` names, counting calls.
class Clients {
 public:
  Clients(ServiceHarness& harness, const std::string& token, int threads) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this, &harness, token] { Loop(harness, token); });
    }
  }
  ~Clients() {
    phase_ = kStop;
    for (auto& t : threads_) {
      t.join();
    }
  }
  void Switch(Kind kind) { phase_ = kind; }
  int64_t calls(Kind kind) const { return calls_[kind].load(); }
  bool failed() const { return failed_.load(); }

 private:
  void Loop(ServiceHarness& harness, const std::string& token) {
    auto channel = harness.channel();
    auto stub = kaoping::v1::IndicatorService::NewStub(channel);
    kaoping::v1::ListIndicatorSetsRequest request;
    request.set_parent("regions/510114");
    while (true) {
      const int kind = phase_.load();
      if (kind == kStop) {
        return;
      }
      bool ok = false;
      if (kind == kNoop) {
        auto serving = kaoping::CheckHealth(*channel, "", absl::Seconds(5));
        ok = serving.ok() && *serving;
      } else {
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer " + token);
        context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
        kaoping::v1::ListIndicatorSetsResponse response;
        ok = stub->ListIndicatorSets(&context, request, &response).ok();
      }
      if (!ok) {
        failed_ = true;
      }
      ++calls_[kind];
    }
  }

  std::atomic<int> phase_{kNoop};
  std::array<std::atomic<int64_t>, 2> calls_{};
  std::atomic<bool> failed_{false};
  std::vector<std::thread> threads_;
};

struct Totals {
  int64_t calls = 0;
  absl::Duration wall;
  absl::Duration cpu;
  double rate() const { return calls / absl::ToDoubleSeconds(wall); }
  double cpu_us() const { return absl::ToDoubleMicroseconds(cpu) / calls; }
};

// Alternating phases of each kind until `total` has passed; returns both totals.
std::array<Totals, 2> Measure(ServiceHarness& harness, const std::string& token, int threads,
                              absl::Duration total) {
  constexpr absl::Duration kPhase = absl::Milliseconds(100);
  Clients clients(harness, token, threads);
  std::array<Totals, 2> totals;
  absl::SleepFor(absl::Milliseconds(300));  // warm-up: connections, caches
  const absl::Time end = absl::Now() + total;
  for (int round = 0; absl::Now() < end; ++round) {
    for (Kind kind : {round % 2 == 0 ? kNoop : kTinyRead, round % 2 == 0 ? kTinyRead : kNoop}) {
      clients.Switch(kind);
      const int64_t calls = clients.calls(kind);
      const absl::Time wall = absl::Now();
      const absl::Duration cpu = ProcessCpu();
      absl::SleepFor(kPhase);
      totals[kind].calls += clients.calls(kind) - calls;
      totals[kind].wall += absl::Now() - wall;
      totals[kind].cpu += ProcessCpu() - cpu;
    }
  }
  if (clients.failed()) {
    std::fprintf(stderr, "some calls failed\n");
    std::exit(1);
  }
  return totals;
}

std::unique_ptr<ServiceHarness> Start(const std::map<std::string, std::string>& config) {
  ServiceHarness::Options options;
  options.store = kaoping::testing::StoreKind::kSqlite;
  options.config = config;
  auto harness = ServiceHarness::Start("indicators", kaoping::indicators::Migrations(),
                                       kaoping::indicators::IndicatorServices, options);
  if (!harness.ok()) {
    std::fprintf(stderr, "cannot start: %s\n", harness.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*harness);
}

}  // namespace

int main(int argc, char** argv) {
  // As a production process runs (ServiceMain).
  kaoping::UseProductionMutexes();
  kaoping::InitLogging("bench", kaoping::LogLevel::kWarning);
  double seconds = 6;
  std::string only;
  std::map<std::string, std::string> config;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg(argv[i]);
    if (absl::StartsWith(arg, "--seconds=")) {
      (void)absl::SimpleAtod(arg.substr(10), &seconds);
    } else if (absl::StartsWith(arg, "--only=")) {
      only = std::string(arg.substr(7));
    } else if (absl::StartsWith(arg, "--set=") && arg.find('=', 6) != absl::string_view::npos) {
      const size_t eq = arg.find('=', 6);
      config[std::string(arg.substr(6, eq - 6))] = std::string(arg.substr(eq + 1));
    }
  }
  std::unique_ptr<ServiceHarness> harness = Start(config);
  ServiceHarness::Who reader;
  reader.subject = "reader";
  reader.roles = {"RATER"};
  reader.regions = {"510114"};
  const std::string token = harness->Token(reader);
  if (!only.empty()) {
    Clients clients(*harness, token, 4);
    clients.Switch(only == "noop" ? kNoop : kTinyRead);
    absl::SleepFor(absl::Seconds(seconds));
    std::printf("%lld calls\n",
                static_cast<long long>(clients.calls(kNoop) + clients.calls(kTinyRead)));
    return 0;
  }
  std::printf("%-9s %28s %28s %8s\n", "clients", "gRPC no-op (health Check)",
              "tiny read (ListIndicatorSets)", "ratio");
  for (int threads : {1, 4}) {
    const std::array<Totals, 2> t = Measure(*harness, token, threads, absl::Seconds(seconds));
    std::printf("threads:%d %9.0f calls/s %5.1f µs CPU %9.0f calls/s %5.1f µs CPU %7.0f%%\n",
                threads, t[kNoop].rate(), t[kNoop].cpu_us(), t[kTinyRead].rate(),
                t[kTinyRead].cpu_us(), 100.0 * t[kTinyRead].rate() / t[kNoop].rate());
  }
  return 0;
}
