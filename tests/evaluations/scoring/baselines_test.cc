// The simulator's yardsticks: Spearman's rho and the per-rater z-score
// baseline (including the trap it falls into in a county).

#include "services/evaluations/scoring/simulator/baselines.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/evaluations/scoring/engine.h"
#include "tests/evaluations/scoring/campaign_builder.h"

namespace kaoping::scoring::simulator {
namespace {

using ::kaoping::scoring::testing::MakeForm;
using ::kaoping::scoring::testing::MakeSubject;

TEST(Spearman, PerfectReversedAndTied) {
  EXPECT_DOUBLE_EQ(Spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(Spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  EXPECT_EQ(AverageRanks({5, 1, 5, 3}), (std::vector<double>{3.5, 1, 3.5, 2}));
  EXPECT_EQ(Spearman({1, 1, 1}, {1, 2, 3}), 0.0) << "a constant side has no ranking";
  EXPECT_EQ(Spearman({1}, {2}), 0.0);
}

CampaignResult Score(const Campaign& campaign) {
  absl::StatusOr<CampaignResult> result = ScoreCampaign(campaign);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : CampaignResult{};
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
  for (std::size_t s = 0; s < result.subjects.size(); ++s) {
    const double sign = result.subjects[s].unit_id == "B" ? 0.25 : -0.25;
    z_gap += sign * z[s];
    calibrated_gap += sign * result.subjects[s].calibrated_composite;
  }
  // Peers' z-scores are symmetric inside each unit: only the one county
  // leader's form (1 of 5) carries the units' difference.
  EXPECT_NEAR(calibrated_gap, 20.0, 1e-4);
  EXPECT_LT(z_gap, 0.25 * (1.0 + 1.0) * 1.2);
}

}  // namespace
}  // namespace kaoping::scoring::simulator
