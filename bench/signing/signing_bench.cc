// Signing and verifying an appraisal's signed content with each algorithm,
// Ed25519 (the baseline, the algorithm the design started with) beside SM2
// with SM3 (what the commercial cryptography rules expect). Timed, one core:
//   BM_Sign/<algorithm>         Sign() over a 4 KiB payload (a signer's device)
//   BM_Verify/<algorithm>       Verify() of the same: strict encoding check and
//                               OpenSSL's verification (the server, per :sign
//                               and per :verifySignatures)
//   BM_ParseKey/<algorithm>     ParsePublicKey() of a stored raw key, with its
//                               curve checks (the server, once per key read)
// The last lines print operations per second side by side and SM2's ratio
// to Ed25519's.
//
//   bench/run --benchmark_filter=Sign   (or build/bench/bench/signing/kaoping_signing_bench)

#include <time.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "services/appraisals/signing/private_key.h"
#include "services/appraisals/signing/public_key.h"
#include "services/appraisals/signing/signature.h"

namespace {

using kaoping::signing::Algorithm;
using kaoping::signing::AlgorithmName;
using kaoping::signing::PrivateKey;

constexpr std::size_t kPayloadBytes = 4096;

// Operations per second of CPU time in the last (the measured) run of each
// benchmark, by operation and algorithm: CPU time, because the machine is
// shared and wall time would count other processes' turns.
std::map<std::pair<std::string, Algorithm>, double> rates;

const PrivateKey& Key(Algorithm algorithm) {
  static const auto* keys = [] {
    auto* made = new std::map<Algorithm, PrivateKey>();
    for (Algorithm a : {Algorithm::kEd25519, Algorithm::kSm2}) {
      absl::StatusOr<PrivateKey> key = kaoping::signing::GeneratePrivateKey(a);
      if (!key.ok()) {
        std::fprintf(stderr, "key generation: %s\n", key.status().ToString().c_str());
        std::exit(1);
      }
      made->emplace(a, *std::move(key));
    }
    return made;
  }();
  return keys->at(algorithm);
}

const std::string& Payload() {
  static const std::string* payload = [] {
    auto* text = new std::string("kaoping.v1.AppraisalContent\n");
    while (text->size() < kPayloadBytes) {
      text->push_back(static_cast<char>('a' + text->size() % 26));
    }
    return text;
  }();
  return *payload;
}

// Runs `op` for the benchmark's iterations and records its rate; a failing
// op stops the benchmark with its error rather than timing failures.
double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

template <typename Op>
void Measure(benchmark::State& state, const char* name, Algorithm algorithm, Op op) {
  const double start = ThreadCpuSeconds();
  for (auto _ : state) {
    absl::Status status = op();
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      return;
    }
  }
  rates[{name, algorithm}] = static_cast<double>(state.iterations()) / (ThreadCpuSeconds() - start);
}

void BM_Sign(benchmark::State& state, Algorithm algorithm) {
  const PrivateKey& key = Key(algorithm);
  Measure(state, "sign", algorithm, [&] {
    absl::StatusOr<std::string> signature = kaoping::signing::Sign(key, Payload());
    benchmark::DoNotOptimize(signature);
    return signature.status();
  });
}

void BM_Verify(benchmark::State& state, Algorithm algorithm) {
  const PrivateKey& key = Key(algorithm);
  const std::string signature = *kaoping::signing::Sign(key, Payload());
  Measure(state, "verify", algorithm,
          [&] { return kaoping::signing::Verify(key.public_key(), Payload(), signature); });
}

void BM_ParseKey(benchmark::State& state, Algorithm algorithm) {
  const std::string raw = Key(algorithm).public_key().raw();
  Measure(state, "parse key", algorithm, [&] {
    absl::StatusOr<kaoping::signing::PublicKey> key =
        kaoping::signing::ParsePublicKey(raw, algorithm);
    benchmark::DoNotOptimize(key);
    return key.status();
  });
}

void PrintSideBySide() {
  std::printf(
      "\noperations per CPU-second, one thread, %zu-byte payload (Ed25519 is the baseline):\n",
      kPayloadBytes);
  std::printf("  %-10s %12s %12s %14s\n", "", "Ed25519", "SM2", "SM2/Ed25519");
  for (const char* name : {"sign", "verify", "parse key"}) {
    auto ed = rates.find({name, Algorithm::kEd25519});
    auto sm2 = rates.find({name, Algorithm::kSm2});
    if (ed == rates.end() || sm2 == rates.end()) {
      std::printf("  %-10s %12s\n", name, "not run");
      continue;
    }
    std::printf("  %-10s %12.0f %12.0f %13.2fx\n", name, ed->second, sm2->second,
                sm2->second / ed->second);
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  for (Algorithm algorithm : {Algorithm::kEd25519, Algorithm::kSm2}) {
    const std::string suffix(AlgorithmName(algorithm));
    benchmark::RegisterBenchmark(absl::StrCat("BM_Sign/", suffix).c_str(), BM_Sign, algorithm)
        ->Unit(benchmark::kMicrosecond)
        ->MinTime(1.0);
    benchmark::RegisterBenchmark(absl::StrCat("BM_Verify/", suffix).c_str(), BM_Verify, algorithm)
        ->Unit(benchmark::kMicrosecond)
        ->MinTime(1.0);
    benchmark::RegisterBenchmark(absl::StrCat("BM_ParseKey/", suffix).c_str(), BM_ParseKey,
                                 algorithm)
        ->Unit(benchmark::kMicrosecond)
        ->MinTime(1.0);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  PrintSideBySide();
  return 0;
}
