// The regression guard for the model: on small but realistic counties the
// calibrated score ranks better than every baseline (plain average, per-rater
// z-scores, the raw composite, and the additive least-squares fits) and
// reaches rho >= 0.9 with half the raters lenient, on the standard design,
// with few cross-unit links and with one superior form per subject. (The
// full-size table is README.md's; this runs in seconds, also under ASan.)

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tools/scoring_simulator/simulation.h"

namespace kaoping::scoring::simulator {
namespace {

Mix MixNamed(const std::string& name) {
  for (const Mix& mix : StandardMixes()) {
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
  EXPECT_GT(r.rho_calibrated, r.rho_additive);
  EXPECT_GT(r.rho_calibrated, r.rho_additive_shrunk);
  EXPECT_GE(r.rho_calibrated, BestBaseline(r));
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

TEST(Simulator, FewCrossUnitLinksStillBeatTheAdditiveFits) {
  // Two county leaders and one member of the public per subject are all
  // that tie the units together.
  const SimulationReport report = SimulateCounty("lenient units, sparse links", 1);
  ExpectCalibratedWins(report);
}

TEST(Simulator, OneSuperiorFormPerSubject) {
  const SimulationReport report = SimulateCounty("typical, one superior", 1);
  ExpectCalibratedWins(report);
}

}  // namespace
}  // namespace kaoping::scoring::simulator
