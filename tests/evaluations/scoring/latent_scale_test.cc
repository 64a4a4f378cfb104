// The latent scale calibration works on (latent_scale.h): the logit of a
// form's position in the grade range, exact inside it, finite at its ends,
// and back to grade points by the inverse.

#include "services/evaluations/scoring/latent_scale.h"

#include <cmath>

#include "gtest/gtest.h"
#include "services/evaluations/scoring/model.h"

namespace kaoping::scoring {
namespace {

TEST(LatentScale, OneLatentPointIsOneGradePointAtTheMiddle) {
  const LatentScale scale{ScoringConfig{}};
  EXPECT_DOUBLE_EQ(scale.ToLatent(70, 25), 70);
  EXPECT_NEAR(scale.ToLatent(70.01, 25) - scale.ToLatent(69.99, 25), 0.02, 1e-6);
  EXPECT_NEAR(scale.Slope(70), 1.0, 1e-12);
}

TEST(LatentScale, MapsBackExactlyInsideTheGradeRange) {
  const LatentScale scale{ScoringConfig{}};
  for (double points : {41.0, 52.5, 60.0, 80.0, 93.3, 99.0}) {
    EXPECT_NEAR(scale.ToPoints(scale.ToLatent(points, 25)), points, 1e-9) << points;
  }
}

TEST(LatentScale, TheEndsStayFiniteAndReachFurtherWithMoreMarks) {
  const LatentScale scale{ScoringConfig{}};
  const double top25 = scale.ToLatent(100, 25);
  const double top5 = scale.ToLatent(100, 5);
  EXPECT_TRUE(std::isfinite(top25));
  EXPECT_NEAR(top25, 70 + 15 * std::log(151.0), 1e-9);  // the half-trial correction
  EXPECT_GT(top25, top5);
  EXPECT_GT(top5, scale.ToLatent(99.9, 5) - 1e-9);
  EXPECT_NEAR(scale.ToLatent(40, 25), 140 - top25, 1e-9);
  EXPECT_LT(scale.ToPoints(top25), 100);
  EXPECT_GT(scale.ToPoints(top25), 99.5);
  // Beyond the range (a strict rater's GOOD, calibrated) still orders.
  EXPECT_LT(scale.ToPoints(top25), scale.ToPoints(top25 + 20));
  EXPECT_LT(scale.ToPoints(top25 + 20), 100);
}

TEST(LatentScale, IncreasesStrictlyInsideAndIsFlatOnlyWithinHalfATrialOfTheEnds) {
  const LatentScale scale{ScoringConfig{}};
  // 10 marks: 30 trials, the ends are clamped at 1/62 of the range (0.97
  // points), closer than any form of 10 equally weighted marks can come.
  const double end = 60.0 / 62;
  double previous = -1e9;
  for (double points = 40; points <= 100; points += 0.25) {
    const double latent = scale.ToLatent(points, 10);
    if (points > 40 + end && points < 100 - end) {
      EXPECT_GT(latent, previous) << points;
    } else {
      EXPECT_GE(latent, previous) << points;
    }
    previous = latent;
  }
}

TEST(LatentScale, FollowsTheConfiguredGradePoints) {
  ScoringConfig config;
  config.grade_points = {5, 4, 3, 2};
  const LatentScale scale(config);
  EXPECT_DOUBLE_EQ(scale.ToLatent(3.5, 25), 3.5);
  EXPECT_NEAR(scale.ToPoints(scale.ToLatent(4.2, 25)), 4.2, 1e-12);
  EXPECT_LT(scale.ToPoints(10), 5.0);
  EXPECT_GT(scale.ToPoints(-3), 2.0);
  EXPECT_LE(scale.ToPoints(1e6), 5.0);  // saturates, never beyond
  EXPECT_GE(scale.ToPoints(-1e6), 2.0);
}

// With the forms' spread known, a latent position reads as the points a form
// from an average rater carries on average there: the inverse logit
// integrated over the spread (here by the trapezoid rule) is what the probit
// approximation stands for.
TEST(LatentScale, WithTheFormsSpreadItReportsAFormsExpectedPoints) {
  LatentScale scale{ScoringConfig{}};
  const LatentScale bare{ScoringConfig{}};
  const double sd = 25;
  scale.SetFormSpread(sd);
  for (double y : {40.0, 70.0, 90.0, 110.0, 140.0}) {
    double integral = 0;
    double mass = 0;
    for (double z = -8; z <= 8; z += 0.001) {
      const double density = std::exp(-z * z / 2);
      integral += density * bare.ToPoints(y + sd * z);
      mass += density;
    }
    EXPECT_NEAR(scale.ToPoints(y), integral / mass, 0.6) << y;  // the approximation's error
  }
  EXPECT_DOUBLE_EQ(scale.ToPoints(70), 70);
  EXPECT_LT(scale.ToPoints(110), bare.ToPoints(110));
  EXPECT_GT(scale.ToPoints(40), bare.ToPoints(40));
  EXPECT_LT(scale.ToPoints(110), scale.ToPoints(110.01));
}

TEST(LatentScale, OffItIsGradePointsClampedWhenReported) {
  ScoringConfig config;
  config.latent_scale = false;
  const LatentScale scale(config);
  EXPECT_EQ(scale.ToLatent(100, 25), 100);
  EXPECT_EQ(scale.ToPoints(112), 100);
  EXPECT_EQ(scale.ToPoints(35), 40);
  EXPECT_EQ(scale.ToPoints(71.5), 71.5);
  EXPECT_EQ(scale.Slope(71.5), 1);
  EXPECT_EQ(scale.Slope(112), 0);
}

}  // namespace
}  // namespace kaoping::scoring
