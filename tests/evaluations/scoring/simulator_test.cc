// The regression guard for the model: on a small but realistic county, the
// calibrated score beats every baseline and reaches rho >= 0.9 with half the
// raters lenient. (The full-size table is README.md's; this runs in seconds.)

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/evaluations/scoring/simulator/simulation.h"

namespace kaoping::scoring::simulator {
namespace {

RaterMix MixNamed(const std::string& name) {
  for (const RaterMix& mix : StandardMixes()) {
    if (mix.name == name) {
      return mix;
    }
  }
  ADD_FAILURE() << "no mix " << name;
  return {};
}

SimulationReport SimulateCounty(const std::string& mix, std::uint64_t seed) {
  CountyOptions options;
  options.units = 30;  // about 600 cadres, 24,000 forms, 600,000 ratings
  options.mix = MixNamed(mix);
  options.seed = seed;
  absl::StatusOr<SimulationReport> report = Simulate(options, ScoringConfig{});
  EXPECT_TRUE(report.ok()) << report.status();
  return report.ok() ? *report : SimulationReport{};
}

void ExpectCalibratedWins(const SimulationReport& r) {
  SCOPED_TRACE(r.mix + absl::StrCat(" seed ", r.seed));
  EXPECT_GT(r.rho_calibrated, r.rho_plain);
  EXPECT_GT(r.rho_calibrated, r.rho_zscore);
  EXPECT_GT(r.rho_calibrated, r.rho_trimmed);
  EXPECT_TRUE(r.quota_ok);
  EXPECT_EQ(r.vetoes_applied, r.verified_vetoes) << "every verified veto is applied";
}

TEST(Simulator, HalfTheRatersLenientCalibratedReachesPointNineAndBeatsEveryBaseline) {
  for (std::uint64_t seed : {1, 2}) {
    const SimulationReport report = SimulateCounty("half lenient", seed);
    ExpectCalibratedWins(report);
    EXPECT_GE(report.rho_calibrated, 0.9);
    EXPECT_GT(report.subjects, 400);
  }
}

TEST(Simulator, LenientUnitCulturesAreCorrectedByCrossUnitRaters) {
  const SimulationReport report = SimulateCounty("lenient units", 1);
  ExpectCalibratedWins(report);
  // The trap DESIGN.md warns about: z-scores erase real unit differences.
  EXPECT_LT(report.rho_zscore, report.rho_plain);
}

}  // namespace
}  // namespace kaoping::scoring::simulator
