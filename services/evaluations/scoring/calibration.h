#pragma once

// The many-facet fit behind calibration, on interned arrays (no strings, no
// hashing). Exposed for tests; the engine is its only production caller.
//
// Model, one observation per form f (rater r, group g, subject s):
//
//   x_f = mu + quality_s + group_g + severity_r + interaction_{g,s} + e_f
//
// fitted by weighted penalized least squares:
//
//   min  sum_f w_f (x_f - mu - ...)^2
//        + severity_prior    * sum_r severity_r^2
//        + interaction_prior * sum_{g,s} interaction_{g,s}^2
//        + kTinyPrior * (sum_s quality_s^2 + sum_g group_g^2)
//
// The penalties are Gaussian priors written in pseudo-forms: a rater with n
// forms keeps about n / (n + severity_prior) of the severity its data shows,
// so a member of the public with one form is barely corrected while a county
// leader with two hundred forms is corrected almost fully. Quality is not
// shrunk (kTinyPrior only makes the system definite for a subject whose
// forms all have weight 0).
//
// The normal equations are solved by conjugate gradient with a Jacobi
// preconditioner; plain alternating least squares needs hundreds of sweeps
// here, because with raters nested in units the direction "the whole unit is
// better / its raters are more lenient" is pinned only by the few cross-unit
// raters and the prior. Robust weighting repeats the fit with Huber weights.

#include <array>
#include <cstdint>
#include <vector>

#include "services/evaluations/scoring/model.h"

namespace kaoping::scoring {

struct Observations {
  int subjects = 0;
  int raters = 0;
  // Parallel arrays, one entry per form; sorted by subject for locality.
  std::vector<std::int32_t> subject;
  std::vector<std::int32_t> rater;
  std::vector<std::uint8_t> group;  // RaterGroup value
  std::vector<double> score;        // points
  std::vector<double> base_weight;  // > 0, e.g. straight-liners lower
};

struct FitOptions {
  double severity_prior = 2.0;
  double interaction_prior = 8.0;  // < 0: no interaction term
  double huber_k = 2.0;            // 0: no robust weighting
  int robust_rounds = 2;
  int max_iterations = 500;
  double tolerance = 1e-6;
};

struct Fit {
  double grand_mean = 0;
  std::vector<double> quality;   // per subject, relative to grand_mean
  std::vector<double> severity;  // per rater
  std::array<double, kRaterGroupCount> group_effect{};
  std::vector<double> interaction;  // [subject * kRaterGroupCount + group]
  // Per observation: the final weight (base x robust) and the points to
  // subtract from it. Adjustments have weighted mean 0 over all observations,
  // so calibration keeps the campaign's scale; the centring constant is
  // folded into group_effect.
  std::vector<double> weight;
  std::vector<double> adjustment;
  double residual_sd = 0;
  int iterations = 0;  // conjugate-gradient iterations over all rounds
  bool converged = true;
};

Fit FitManyFacet(const Observations& observations, const FitOptions& options);

}  // namespace kaoping::scoring
