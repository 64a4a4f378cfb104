// The simulator's yardsticks: Spearman's rho, the additive least-squares fit
// and the per-rater z-score baseline (including the trap it falls into in a
// county).

#include "tools/scoring_simulator/baselines.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/evaluations/scoring/engine.h"
#include "services/evaluations/scoring/latent_scale.h"
#include "tests/evaluations/scoring/campaign_builder.h"

namespace kaoping::scoring::simulator {
namespace {

using ::kaoping::scoring::testing::MakeForm;
using ::kaoping::scoring::testing::MakeSubject;
using ::kaoping::scoring::testing::Score;

TEST(Spearman, PerfectReversedAndTied) {
  EXPECT_DOUBLE_EQ(Spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(Spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  EXPECT_EQ(AverageRanks({5, 1, 5, 3}), (std::vector<double>{3.5, 1, 3.5, 2}));
  EXPECT_EQ(Spearman({1, 1, 1}, {1, 2, 3}), 0.0) << "a constant side has no ranking";
  EXPECT_EQ(Spearman({1}, {2}), 0.0);
}

TEST(ZScore, ConstantRatersAndSingleFormRatersGiveZeroNotNaN) {
  Campaign campaign;
  campaign.config.calibrate = false;
  const Subject a = MakeSubject("a", "u");
  const Subject b = MakeSubject("b", "u");
  campaign.subjects = {a, b};
  campaign.forms = {MakeForm("constant", RaterGroup::kPeer, a, Grade::kGood),
                    MakeForm("constant", RaterGroup::kPeer, b, Grade::kGood),
                    MakeForm("once", RaterGroup::kPublic, a, Grade::kPoor)};
  const std::vector<double> z = PerRaterZScore(Score(campaign));
  ASSERT_EQ(z.size(), 2u);
  EXPECT_EQ(z[0], 0.0);
  EXPECT_EQ(z[1], 0.0);
}

TEST(ZScore, StandardizesWithinEachRater) {
  Campaign campaign;
  campaign.config.calibrate = false;
  const Subject a = MakeSubject("a", "u");
  const Subject b = MakeSubject("b", "u");
  campaign.subjects = {a, b};
  campaign.forms = {MakeForm("r", RaterGroup::kPeer, a, Grade::kGood),
                    MakeForm("r", RaterGroup::kPeer, b, Grade::kAverage)};
  const std::vector<double> z = PerRaterZScore(Score(campaign));
  EXPECT_DOUBLE_EQ(z[0], 1.0);
  EXPECT_DOUBLE_EQ(z[1], -1.0);
  const std::vector<double> plain = PlainAverage(Score(campaign));
  EXPECT_DOUBLE_EQ(plain[0], 100.0);
  EXPECT_DOUBLE_EQ(plain[1], 60.0);
}

// Three equally good subjects; r1 is 20 points more lenient than r0 and r2,
// and rates s2 and s3. The plain average prefers s2 and s3; the additive fit
// sees r1's leniency through the subjects it shares with the others and
// removes it exactly. With a prior on the raters it removes only part.
TEST(AdditiveFit, RemovesAnAdditiveRaterBiasExactly) {
  Campaign campaign;
  campaign.config.calibrate = false;
  const Subject s1 = MakeSubject("s1", "u");
  const Subject s2 = MakeSubject("s2", "u");
  const Subject s3 = MakeSubject("s3", "u");
  campaign.subjects = {s1, s2, s3};
  campaign.forms = {MakeForm("r0", RaterGroup::kPeer, s1, Grade::kAverage),
                    MakeForm("r0", RaterGroup::kPeer, s2, Grade::kAverage),
                    MakeForm("r1", RaterGroup::kPeer, s2, Grade::kFairlyGood),
                    MakeForm("r1", RaterGroup::kPeer, s3, Grade::kFairlyGood),
                    MakeForm("r2", RaterGroup::kPeer, s3, Grade::kAverage)};
  const CampaignResult result = Score(campaign);
  const std::vector<double> plain = PlainAverage(result);
  EXPECT_GT(plain[1], plain[0]);
  const std::vector<double> additive = AdditiveFit(result);
  ASSERT_EQ(additive.size(), 3u);
  EXPECT_NEAR(additive[1], additive[0], 1e-6);
  EXPECT_NEAR(additive[2], additive[0], 1e-6);
  const std::vector<double> shrunk = AdditiveFit(result, 2.0);
  EXPECT_GT(shrunk[1], shrunk[0]);
  EXPECT_LT(shrunk[1] - shrunk[0], plain[1] - plain[0]);
}

TEST(AdditiveFit, NoFormsGiveZeros) {
  Campaign campaign;
  campaign.subjects = {MakeSubject("s1", "u")};
  EXPECT_EQ(AdditiveFit(Score(campaign)), std::vector<double>{0.0});
}

// DESIGN.md §7's trap: unit B really is better (everyone, county leaders
// included, says so), but its peers rate only inside B. Z-scoring the peers
// erases the difference; the calibrated score keeps it.
TEST(ZScore, ErasesRealDifferencesBetweenUnitsThatCalibrationKeeps) {
  Campaign campaign;
  for (const std::string unit : {"A", "B"}) {
    for (int i = 0; i < 4; ++i) {
      const Subject subject = MakeSubject(absl::StrCat(unit, i), unit);
      campaign.subjects.push_back(subject);
      const Grade grade = unit == "B" ? (i % 2 ? Grade::kGood : Grade::kFairlyGood)
                                      : (i % 2 ? Grade::kFairlyGood : Grade::kAverage);
      for (int p = 0; p < 4; ++p) {
        campaign.forms.push_back(
            MakeForm(absl::StrCat(unit, "-peer", p), RaterGroup::kPeer, subject, grade));
      }
      campaign.forms.push_back(MakeForm("county-leader", RaterGroup::kSuperior, subject, grade));
    }
  }
  const CampaignResult result = Score(campaign);
  const std::vector<double> z = PerRaterZScore(result);
  double z_gap = 0;
  double calibrated_gap = 0;
  double raw_gap = 0;
  for (std::size_t s = 0; s < result.subjects.size(); ++s) {
    const double sign = result.subjects[s].unit_id == "B" ? 0.25 : -0.25;
    z_gap += sign * z[s];
    calibrated_gap += sign * result.subjects[s].fitted_quality;
    raw_gap += sign * result.subjects[s].raw_composite;
  }
  // Calibration keeps the whole difference, on its latent scale (wider than
  // the 20 raw points there: B's GOOD marks sit at the top).
  const LatentScale scale{ScoringConfig{}};
  auto latent = [&](double points) { return scale.ToLatent(points, 5); };
  EXPECT_NEAR(raw_gap, 20.0, 1e-9);
  EXPECT_NEAR(calibrated_gap, (latent(100) + latent(80)) / 2 - (latent(80) + latent(60)) / 2, 1e-3);
  // Peers' z-scores are symmetric inside each unit: only the one county
  // leader's form (1 of 5) carries the units' difference.
  EXPECT_LT(z_gap, 0.25 * (1.0 + 1.0) * 1.2);
}

}  // namespace
}  // namespace kaoping::scoring::simulator
