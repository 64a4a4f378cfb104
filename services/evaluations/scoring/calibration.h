#pragma once

// The many-facet fit behind calibration, on interned arrays (no strings, no
// hashing). Exposed for tests; the engine is its only production caller.
//
// Model, one observation per form f (rater r, group g, subject s), on the
// latent scale (latent_scale.h):
//
//   x_f = mu + group_g + severity_r + slope_r * quality_s + interaction_{g,s} + e_f
//
// fitted by weighted penalized least squares:
//
//   min  sum_f w_f (x_f - mu - ...)^2
//        + severity_prior    * sum_r severity_r^2
//        + slope_prior * v   * sum_r (slope_r - 1)^2     (v: the spread of quality)
//        + interaction_prior * sum_{g,s} interaction_{g,s}^2
//        + kTinyPrior * sum_s quality_s^2
//
// The penalties are Gaussian priors written in pseudo-forms: a rater with n
// forms keeps about n / (n + severity_prior) of the severity its data shows,
// so a member of the public with one form is barely corrected while a county
// leader with two hundred forms is corrected almost fully. The severity
// prior is estimated from the campaign unless fixed (empirical Bayes: the
// spread of the form noise over the spread of the raters' real severities).
// Quality is not shrunk (kTinyPrior only makes the system definite for a
// subject whose forms all have weight 0). Group levels and slopes are
// optional (off by default; README.md shows what they cost), and without
// slopes every slope is 1 and the model is additive.
//
// The normal equations are solved by conjugate gradient with a Jacobi
// preconditioner; plain alternating least squares needs hundreds of sweeps
// here, because with raters nested in units the direction "the whole unit is
// better / its raters are more lenient" is pinned only by the few cross-unit
// raters and the prior. Each refinement (the prior's estimate, slopes, Huber
// weights) is followed by a warm-started solve.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "services/evaluations/scoring/model.h"

namespace kaoping::scoring {

struct Observations {
  int subjects = 0;
  int raters = 0;
  // Parallel arrays, one entry per form, sorted by subject.
  std::vector<std::int32_t> subject;
  std::vector<std::int32_t> rater;
  std::vector<std::uint8_t> group;  // RaterGroup value
  std::vector<double> score;        // on the latent scale
  std::vector<double> base_weight;  // > 0, e.g. straight-liners lower
};

struct FitOptions {
  double severity_prior = -1.0;     // < 0: estimated from the campaign
  bool group_effects = false;       // a level per rater group
  double slope_prior = -1.0;        // < 0: no slopes (all 1)
  int slope_rounds = 3;             // alternations of the slopes with the linear solve
  double interaction_prior = -1.0;  // < 0: no interaction term
  double huber_k = 0.0;             // 0: no robust weighting
  int robust_rounds = 2;
  int max_iterations = 500;
  double tolerance = 1e-6;  // on the largest parameter change, in units of the scores
};

struct Fit {
  double grand_mean = 0;
  double severity_prior = 0;     // as used (estimated or given)
  std::vector<double> quality;   // per subject, relative to grand_mean
  std::vector<double> severity;  // per rater
  std::vector<double> slope;     // per rater; 1 without slopes
  // Per rater: the weight of their forms (sum of base x robust weights) plus
  // the severity prior: the precision of their severity, in forms.
  std::vector<double> severity_precision;
  std::array<double, kRaterGroupCount> group_effect{};
  std::vector<double> interaction;  // [subject * kRaterGroupCount + group]
  // Per observation: the final weight (base x robust x slope^2) and the
  // transform to the calibrated scale (see Calibrated).
  std::vector<double> weight;
  std::vector<double> shift;
  std::vector<double> obs_slope;
  // The spread of the form noise, corrected for the parameters the fit
  // spends (subjects, and each rater's share n / (n + prior)).
  double residual_sd = 0;
  int iterations = 0;  // conjugate-gradient iterations over all solves
  bool converged = true;

  // The calibrated value of a score x of observation f: the rater's severity
  // (and group level) removed, divided by the rater's slope, and centred so
  // that calibration moves forms relative to each other and leaves the
  // campaign's weighted mean where the raters put it.
  double Calibrated(std::size_t f, double x) const {
    return grand_mean + (x - grand_mean - shift[f]) / obs_slope[f];
  }
};

// `observations` must be sorted by subject.
Fit FitManyFacet(const Observations& observations, const FitOptions& options);

}  // namespace kaoping::scoring
