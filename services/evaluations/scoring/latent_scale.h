#pragma once

// The scale calibration works on, and the way back to grade points.
//
// Grades are ordered categories, and a form's points are bounded: a form of
// nothing but GOOD from a lenient rater and one from a strict rater both
// score 100, although the second says far more. Severity is additive on a
// latent scale, not on points. So calibration reads each dimension's mean of
// a form as its position p = (x - low) / (high - low) in the grade range and
// takes it to the logit scale of the binomial-trials Rasch model (each mark
// is K - 1 steps between adjacent grades, K grades; a form with m marks is
// n = (K - 1) m trials):
//
//   latent(x, m) = mid + s * logit(clamp(p, e, 1 - e)),   e = 1 / (2 n + 2)
//
// in "latent points": mid = (low + high) / 2 and s = (high - low) / 4, so
// that near the middle of the range one latent point is one grade point.
// Inside the range the logit is exact; at the ends the clamp is the usual
// half-trial correction (the logit of (n + 1/2) / (1/2)), so that a form of
// nothing but the top grade stays finite: 100 reads 145.3 latent points from
// a form of 25 marks, 121.5 from 5. That stretch at the ends is where the
// differences among the best cadres live.
//
// Figures are reported on grade points through the inverse, the expected
// points of a mark at that latent position:
//
//   points(y) = low + (high - low) / (1 + exp(-(y - mid) / s))
//
// strictly increasing and inside (low, high), points(latent(x)) = x inside
// the range, and the top of the latent scale reads 99.6 (25 marks) or 98.1
// (5 marks). The order of any two subjects is the order of their latent
// figures.

#include <algorithm>
#include <cmath>

#include "services/evaluations/scoring/model.h"

namespace kaoping::scoring {

class LatentScale {
 public:
  explicit LatentScale(const ScoringConfig& config)
      : low_(config.grade_points[kGradeCount - 1]),
        range_(config.grade_points[0] - config.grade_points[kGradeCount - 1]),
        mid_(low_ + range_ / 2),
        step_(range_ / 4) {}

  // A mean of marks in points (criterion-weighted), from a form of `marks`
  // marks: the form's count sets how far its extremes reach.
  double ToLatent(double points, int marks) const {
    const double trials = (kGradeCount - 1) * static_cast<double>(std::max(marks, 1));
    const double end = 1 / (2 * trials + 2);
    const double p = std::clamp((points - low_) / range_, end, 1 - end);
    return mid_ + step_ * std::log(p / (1 - p));
  }

  double ToPoints(double latent) const {
    return low_ + range_ / (1 + std::exp(-(latent - mid_) / step_));
  }

  // d points / d latent at `latent`: turns a latent standard error into
  // points (delta method).
  double Slope(double latent) const {
    const double e = 1 / (1 + std::exp(-(latent - mid_) / step_));
    return range_ / step_ * e * (1 - e);
  }

 private:
  double low_;
  double range_;
  double mid_;
  double step_;
};

}  // namespace kaoping::scoring
