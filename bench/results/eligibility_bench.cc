// The eligibility read, the busiest of the suite, through real gRPC
// (in-process server, SQLite store, JWT verification), for a county of
// 3,000 cadres with five years of archives (15,000 entries applied from
// signed appraisals), beside a gRPC no-op (the health check on the same
// server and channel) measured in the same run:
//   BM_GrpcNoopHealthCheck        the baseline rate
//   BM_GetEligibility             one cadre per call (target ≥ 70% of the no-op)
//   BM_BatchGetEligibility100     100 cadres per call (target ≥ 50,000 cadre answers/s)
//   BM_GetEligibilityAtHalfLoad   p50/p99 latency at half the rate GetEligibility reached
//                                 (target p99 ≤ 5 ms)
//
//   bench/run --benchmark_filter=Eligib   (or build/bench/bench/results/kaoping_eligibility_bench)
#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "kaoping/v1/appraisals_mock.grpc.pb.h"
#include "kaoping/v1/evaluations_mock.grpc.pb.h"
#include "kaoping/v1/results.grpc.pb.h"
#include "services/appraisals/signing/digests.h"
#include "services/appraisals/signing/private_key.h"
#include "services/appraisals/signing/signature.h"
#include "services/common/client/generic_call.h"
#include "services/common/log.h"
#include "services/results/migrations.h"
#include "services/results/results_service.h"
#include "services/results/signature_check.h"
#include "tests/support/service_harness.h"

namespace {

namespace v1 = kaoping::v1;
using kaoping::testing::ServiceHarness;
using ::testing::_;
using ::testing::Invoke;

constexpr int kCadres = 3000;
constexpr int kYears = 5;
constexpr char kCounty[] = "510114";

std::string CadreName(int i) { return absl::StrCat("regions/", kCounty, "/cadres/c-", i); }

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "eligibility bench: %s\n", what.c_str());
  std::exit(1);
}

// The appraisals a county concluded in five years, as AppraisalService
// would answer them (signed by both secretaries).
class Appraisals {
 public:
  Appraisals()
      : party_(*kaoping::signing::GeneratePrivateKey(kaoping::signing::Algorithm::kEd25519)),
        discipline_(*kaoping::signing::GeneratePrivateKey(kaoping::signing::Algorithm::kEd25519)) {}

  v1::Appraisal Make(int cadre, int year) const {
    const v1::Grade grades[] = {v1::GOOD, v1::FAIRLY_GOOD, v1::AVERAGE, v1::GOOD, v1::POOR};
    const v1::Grade grade = grades[(cadre + year) % 5];
    v1::Appraisal a;
    a.set_name(absl::StrCat("regions/", kCounty, "/appraisals/a-", cadre, "-", year));
    a.set_state(v1::Appraisal::CONCLUDED);
    a.mutable_content()->set_cadre(CadreName(cadre));
    a.mutable_content()->set_campaign(
        absl::StrCat("regions/", kCounty, "/campaigns/annual-", 2021 + year));
    a.mutable_content()->set_grade(grade);
    a.mutable_conclude_time()->set_seconds(absl::ToUnixSeconds(
        absl::FromCivil(absl::CivilDay(2022 + year, 1, 15), absl::UTCTimeZone())));
    a.set_summary_snapshot(a.content().summary().SerializeAsString());
    v1::AppraisalSignedContent content;
    content.set_appraisal(a.name());
    content.set_cadre(CadreName(cadre));
    content.set_summary_sha256(kaoping::signing::Sha256(a.summary_snapshot()));
    content.set_grade(grade);
    a.set_signed_content(
        absl::StrCat(kaoping::results::kSignedContentLine, content.SerializeAsString()));
    a.set_content_sha256(kaoping::signing::Sha256(a.signed_content()));
    Sign(a, v1::AppraisalSignature::PARTY_SECRETARY, party_);
    Sign(a, v1::AppraisalSignature::DISCIPLINE_SECRETARY, discipline_);
    return a;
  }

 private:
  static void Sign(v1::Appraisal& a, v1::AppraisalSignature::Role role,
                   const kaoping::signing::PrivateKey& key) {
    v1::AppraisalSignature& s = *a.add_signatures();
    s.set_role(role);
    s.set_algorithm(v1::SignatureAlgorithm::ED25519);
    s.set_public_key(key.public_key().der());
    s.set_content_sha256(a.content_sha256());
    s.set_signature(*kaoping::signing::Sign(key, a.signed_content()));
  }

  kaoping::signing::PrivateKey party_;
  kaoping::signing::PrivateKey discipline_;
};

struct Fixture {
  std::shared_ptr<::testing::NiceMock<v1::MockAppraisalServiceStub>> appraisals =
      std::make_shared<::testing::NiceMock<v1::MockAppraisalServiceStub>>();
  Appraisals made;
  std::unique_ptr<ServiceHarness> harness;
  std::string admin_token;
  std::string machine_token;
  // GetEligibility's throughput with 4 threads, for the half-load run.
  std::atomic<double> eligibility_rate{0};
};

grpc::Status Call(const std::string& token,
                  const std::function<grpc::Status(grpc::ClientContext*)>& rpc) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  return rpc(&context);
}

void Seed(Fixture& f) {
  auto stub = v1::ResultsService::NewStub(f.harness->channel());
  v1::ImportRosterRequest roster;
  roster.set_region(absl::StrCat("regions/", kCounty));
  roster.set_request_id("bench-roster");
  for (int u = 0; u < 30; ++u) {
    v1::Unit& unit = *roster.add_units();
    unit.set_name(absl::StrCat("regions/", kCounty, "/units/u-", u));
    unit.set_display_name(absl::StrCat("单位 ", u));
  }
  for (int i = 0; i < kCadres; ++i) {
    v1::Cadre& cadre = *roster.add_cadres();
    cadre.set_name(CadreName(i));
    cadre.set_display_name(absl::StrCat("干部 ", i));
    cadre.set_unit(absl::StrCat("regions/", kCounty, "/units/u-", i % 30));
    cadre.set_post_tier(v1::DEPUTY);
    cadre.set_status(v1::Cadre::ACTIVE);
  }
  v1::ImportRosterResponse imported;
  grpc::Status st = Call(f.admin_token, [&](grpc::ClientContext* c) {
    return stub->ImportRoster(c, roster, &imported);
  });
  if (!st.ok() || imported.cadre_counts().created() != kCadres) {
    Die("cannot import the roster: " + st.error_message());
  }
  // Five years of archives, applied from 4 threads.
  std::vector<std::thread> threads;
  std::atomic<bool> failed{false};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kCadres && !failed; i += 4) {
        for (int year = 0; year < kYears; ++year) {
          v1::ApplyAppraisalRequest apply;
          apply.set_region(absl::StrCat("regions/", kCounty));
          apply.set_appraisal(f.made.Make(i, year).name());
          v1::ApplyAppraisalResponse applied;
          if (!Call(f.admin_token, [&](grpc::ClientContext* c) {
                 return stub->ApplyAppraisal(c, apply, &applied);
               }).ok()) {
            failed = true;
          }
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  if (failed) {
    Die("cannot apply the archives");
  }
}

Fixture& Shared() {
  static Fixture* fixture = [] {
    kaoping::InitLogging("bench", kaoping::LogLevel::kWarning);
    auto* f = new Fixture();
    // The fixture lives as long as the process (as the indicators bench's).
    ::testing::Mock::AllowLeak(f->appraisals.get());
    ON_CALL(*f->appraisals, GetAppraisal(_, _, _))
        .WillByDefault(Invoke(
            [f](grpc::ClientContext*, const v1::GetAppraisalRequest& request, v1::Appraisal* out) {
              int cadre = 0, year = 0;
              if (std::sscanf(request.name().c_str(), "regions/510114/appraisals/a-%d-%d", &cadre,
                              &year) != 2) {
                return grpc::Status(grpc::StatusCode::NOT_FOUND, request.name());
              }
              *out = f->made.Make(cadre, year);
              return grpc::Status::OK;
            }));
    ServiceHarness::Options options;
    options.store = kaoping::testing::StoreKind::kSqlite;
    auto harness = ServiceHarness::Start(
        "results", kaoping::results::Migrations(),
        [f](kaoping::ServiceRuntime& rt) -> absl::StatusOr<std::vector<kaoping::OwnedService>> {
          auto evaluations = std::make_shared<::testing::NiceMock<v1::MockEvaluationServiceStub>>();
          ::testing::Mock::AllowLeak(evaluations.get());
          return kaoping::results::ResultsServicesWith(
              rt, kaoping::results::Upstreams(f->appraisals, std::move(evaluations)));
        },
        options);
    if (!harness.ok()) {
      Die("cannot start: " + harness.status().ToString());
    }
    f->harness = std::move(*harness);
    ServiceHarness::Who admin;
    admin.subject = "admin";
    admin.roles = {"REGION_ADMIN"};
    admin.regions = {kCounty};
    f->admin_token = f->harness->Token(admin);
    ServiceHarness::Who machine;
    machine.subject = "cadre-system";
    machine.roles = {"SYSTEM"};
    machine.regions = {kCounty};
    machine.scopes = {"eligibility:read"};
    f->machine_token = f->harness->Token(machine);
    Seed(*f);
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

grpc::Status AskOne(Fixture& f, v1::ResultsService::Stub& stub, int cadre) {
  v1::GetEligibilityRequest request;
  request.set_name(CadreName(cadre) + "/eligibility");
  v1::Eligibility eligibility;
  return Call(f.machine_token, [&](grpc::ClientContext* c) {
    return stub.GetEligibility(c, request, &eligibility);
  });
}

void BM_GetEligibility(benchmark::State& state) {
  Fixture& f = Shared();
  auto stub = v1::ResultsService::NewStub(f.harness->channel());
  int i = state.thread_index() * 997;
  for (auto _ : state) {
    grpc::Status st = AskOne(f, *stub, i++ % kCadres);
    if (!st.ok()) {
      state.SkipWithError(st.error_message().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_BatchGetEligibility100(benchmark::State& state) {
  Fixture& f = Shared();
  auto stub = v1::ResultsService::NewStub(f.harness->channel());
  int i = state.thread_index() * 997;
  for (auto _ : state) {
    v1::BatchGetEligibilityRequest request;
    request.set_parent(absl::StrCat("regions/", kCounty));
    for (int k = 0; k < 100; ++k) {
      request.add_cadres(CadreName(i++ % kCadres));
    }
    v1::BatchGetEligibilityResponse response;
    grpc::Status st = Call(f.machine_token, [&](grpc::ClientContext* c) {
      return stub->BatchGetEligibility(c, request, &response);
    });
    if (!st.ok() || response.results_size() != 100) {
      state.SkipWithError(st.error_message().c_str());
      break;
    }
  }
  // Items are cadre answers.
  state.SetItemsProcessed(state.iterations() * 100);
}

// Latency at half the rate 4 threads reach: calibrate, then pace 4 threads
// at half that rate for 3 s and report the percentiles of every call.
void BM_GetEligibilityAtHalfLoad(benchmark::State& state) {
  Fixture& f = Shared();
  constexpr int kThreads = 4;
  auto run = [&](absl::Duration length, double rate, std::vector<double>* latencies_ms) {
    std::atomic<int64_t> calls{0};
    absl::Mutex mutex;
    std::vector<std::thread> threads;
    const absl::Time start = absl::Now();
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        auto stub = v1::ResultsService::NewStub(f.harness->channel());
        std::vector<double> mine;
        const absl::Duration gap = rate > 0 ? absl::Seconds(kThreads / rate) : absl::ZeroDuration();
        absl::Time next = start;
        for (int i = t * 997; absl::Now() - start < length; ++i) {
          if (rate > 0) {
            next += gap;
            absl::SleepFor(next - absl::Now());
          }
          const absl::Time before = absl::Now();
          if (!AskOne(f, *stub, i % kCadres).ok()) {
            Die("GetEligibility failed");
          }
          mine.push_back(absl::ToDoubleMilliseconds(absl::Now() - before));
          ++calls;
        }
        absl::MutexLock lock(&mutex);
        latencies_ms->insert(latencies_ms->end(), mine.begin(), mine.end());
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    return static_cast<double>(calls) / absl::ToDoubleSeconds(absl::Now() - start);
  };
  for (auto _ : state) {
    std::vector<double> full, half;
    const double max_rate = run(absl::Seconds(2), 0, &full);
    const double achieved = run(absl::Seconds(3), max_rate / 2, &half);
    std::sort(half.begin(), half.end());
    auto percentile = [&](double p) {
      return half.empty() ? 0.0
                          : half[std::min(half.size() - 1, static_cast<size_t>(p * half.size()))];
    };
    state.counters["max_calls_per_s"] = max_rate;
    state.counters["half_load_calls_per_s"] = achieved;
    state.counters["p50_ms"] = percentile(0.50);
    state.counters["p99_ms"] = percentile(0.99);
  }
}

BENCHMARK(BM_GrpcNoopHealthCheck)->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK(BM_GetEligibility)->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK(BM_BatchGetEligibility100)->UseRealTime()->Threads(1)->Threads(4);
BENCHMARK(BM_GetEligibilityAtHalfLoad)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
