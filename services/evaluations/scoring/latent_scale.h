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
// Figures are reported on grade points as the points a form from an average
// rater would carry, on average, for a subject at that latent position: the
// inverse of the logit, averaged over the spread sd of single forms around
// their subject (the fit's residual), by the usual probit approximation of
// the logistic-normal integral:
//
//   points(y) = low + (high - low) / (1 + exp(-(y - mid) / (s c))),
//   c = sqrt(1 + pi (sd / s)^2 / 8)
//
// Strictly increasing and inside (low, high), so the order of any two
// subjects is the order of their latent figures; without the spread (c = 1,
// before a fit) points(latent(x)) = x inside the range. Averaging on the
// stretched scale and mapping back with c = 1 would spread subjects wider
// than their forms' points do (a subject with half its forms at 100 would
// read 96 where its forms average 90); with c the calibrated composites
// keep about the raw ones' spread.
//
// ScoringConfig::latent_scale false (for comparison only, README.md's
// ablation) calibrates on points instead: the ranking still takes the open
// figures, but reported figures are clamped to the grade range.

#include <algorithm>
#include <cmath>

#include "services/evaluations/scoring/model.h"

namespace kaoping::scoring {

class LatentScale {
 public:
  static constexpr double kPi = 3.14159265358979323846;

  explicit LatentScale(const ScoringConfig& config)
      : low_(config.grade_points[kGradeCount - 1]),
        range_(config.grade_points[0] - config.grade_points[kGradeCount - 1]),
        mid_(low_ + range_ / 2),
        step_(range_ / 4),
        logit_(config.latent_scale) {}

  // A mean of marks in points (criterion-weighted), from a form of `marks`
  // marks: the form's count sets how far its extremes reach.
  double ToLatent(double points, int marks) const {
    if (!logit_) {
      return points;
    }
    const double trials = (kGradeCount - 1) * static_cast<double>(std::max(marks, 1));
    const double end = 1 / (2 * trials + 2);
    const double p = std::clamp((points - low_) / range_, end, 1 - end);
    return mid_ + step_ * std::log(p / (1 - p));
  }

  double ToPoints(double latent) const {
    if (!logit_) {
      return std::clamp(latent, low_, low_ + range_);
    }
    return low_ + range_ / (1 + std::exp(-(latent - mid_) / (step_ * spread_)));
  }

  // The spread of single forms around their subject, in latent points (the
  // fit's residual sd): from then on ToPoints gives a form's expected points
  // rather than the points at the latent position itself.
  void SetFormSpread(double sd) {
    const double s = logit_ ? sd / step_ : 0.0;
    spread_ = std::sqrt(1 + kPi * s * s / 8);
  }

  // d points / d latent at `latent`: turns a latent standard error into
  // points (delta method).
  double Slope(double latent) const {
    if (!logit_) {
      return latent >= low_ && latent <= low_ + range_ ? 1.0 : 0.0;
    }
    const double e = 1 / (1 + std::exp(-(latent - mid_) / (step_ * spread_)));
    return range_ / (step_ * spread_) * e * (1 - e);
  }

 private:
  double low_;
  double range_;
  double mid_;
  double step_;
  bool logit_;
  double spread_ = 1;
};

}  // namespace kaoping::scoring
