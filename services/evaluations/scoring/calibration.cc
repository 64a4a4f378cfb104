#include "services/evaluations/scoring/calibration.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

namespace kaoping::scoring {
namespace {

// Keeps the normal equations definite when a subject's every form has weight
// 0; small enough to change no figure that is printed.
constexpr double kTinyPrior = 1e-6;
// The tolerance (latent points) of a fit that only feeds an estimate.
constexpr double kRoughTolerance = 1e-2;
// Where the estimate of the severity prior starts, in forms.
constexpr double kStartingSeverityPrior = 2.0;
// The estimated prior is kept in this range: below, one form would say
// almost all about its rater; above, nothing.
constexpr double kMinSeverityPrior = 0.1;
constexpr double kMaxSeverityPrior = 1e4;
// Slopes are kept in this range: a rater whose marks barely follow quality
// (or run against it) gets a slope near the floor, hence a weight near 0,
// rather than a division by 0.
constexpr double kMinSlope = 0.1;
constexpr double kMaxSlope = 4.0;

// The normal equations (X' W X + Prior) p = X' W (x - mean) of the model for
// fixed slopes, with parameters laid out as [quality: S][group: G][severity:
// R][interaction: G*S]. Observations are sorted by subject: the products
// walk one subject at a time, so a subject's terms are summed in registers,
// not in memory.
class System {
 public:
  System(const Observations& obs, const FitOptions& options, double severity_prior)
      : obs_(obs),
        use_groups_(options.group_effects),
        use_slopes_(options.slope_prior >= 0),
        use_interaction_(options.interaction_prior >= 0),
        subjects_(static_cast<std::size_t>(obs.subjects)),
        group_at_(subjects_),
        severity_at_(group_at_ + kRaterGroupCount),
        interaction_at_(severity_at_ + static_cast<std::size_t>(obs.raters)),
        size_(interaction_at_ + (use_interaction_ ? subjects_ * kRaterGroupCount : 0)),
        prior_(size_, kTinyPrior),
        subject_begin_(subjects_ + 1, 0) {
    SetSeverityPrior(severity_prior);
    if (use_interaction_) {
      std::fill(prior_.begin() + static_cast<std::ptrdiff_t>(interaction_at_), prior_.end(),
                std::max(options.interaction_prior, kTinyPrior));
    }
    for (std::int32_t s : obs.subject) {
      ++subject_begin_[static_cast<std::size_t>(s) + 1];
    }
    for (std::size_t s = 0; s < subjects_; ++s) {
      subject_begin_[s + 1] += subject_begin_[s];
    }
  }

  std::size_t size() const { return size_; }
  std::size_t group_at() const { return group_at_; }
  std::size_t severity_at() const { return severity_at_; }
  std::size_t interaction_at() const { return interaction_at_; }
  bool use_groups() const { return use_groups_; }
  bool use_interaction() const { return use_interaction_; }

  void SetSeverityPrior(double prior) {
    std::fill(prior_.begin() + static_cast<std::ptrdiff_t>(severity_at_),
              prior_.begin() + static_cast<std::ptrdiff_t>(interaction_at_), prior);
  }

  // The fitted value of observation f, relative to the grand mean.
  double Predict(const std::vector<double>& p, const std::vector<double>& slope,
                 std::size_t f) const {
    return use_slopes_ ? Predict<true>(p, slope, f) : Predict<false>(p, slope, f);
  }

  // out = (X' W X + Prior) p
  void Multiply(const std::vector<double>& weight, const std::vector<double>& slope,
                const std::vector<double>& p, std::vector<double>& out) const {
    if (use_slopes_) {
      Gather<true, false>(
          weight, slope, &p, [&](std::size_t f) { return Predict<true>(p, slope, f); }, out);
    } else {
      Gather<false, false>(
          weight, slope, &p, [&](std::size_t f) { return Predict<false>(p, slope, f); }, out);
    }
  }

  // out = X' W (x - mean)
  void Rhs(const std::vector<double>& weight, const std::vector<double>& slope, double mean,
           std::vector<double>& out) const {
    auto centred = [&](std::size_t f) { return obs_.score[f] - mean; };
    if (use_slopes_) {
      Gather<true, false>(weight, slope, nullptr, centred, out);
    } else {
      Gather<false, false>(weight, slope, nullptr, centred, out);
    }
  }

  // The Jacobi preconditioner: the diagonal of X' W X + Prior.
  void Diagonal(const std::vector<double>& weight, const std::vector<double>& slope,
                std::vector<double>& out) const {
    const std::vector<double> ones(size_, 1.0);
    out.resize(size_);
    Gather<true, true>(
        weight, slope, &ones, [](std::size_t) { return 1.0; }, out);
  }

 private:
  template <bool kSlopes>
  double Predict(const std::vector<double>& p, const std::vector<double>& slope,
                 std::size_t f) const {
    const std::size_t s = static_cast<std::size_t>(obs_.subject[f]);
    const std::size_t r = static_cast<std::size_t>(obs_.rater[f]);
    const std::size_t g = obs_.group[f];
    double value = (kSlopes ? slope[r] * p[s] : p[s]) + p[severity_at_ + r];
    if (use_groups_) {
      value += p[group_at_ + g];
    }
    if (use_interaction_) {
      value += p[interaction_at_ + s * kRaterGroupCount + g];
    }
    return value;
  }

  // out = X' W v, where v_f = value(f), plus the prior's diagonal times
  // `prior_times` (nullptr: none). Quality's column of X holds the slopes
  // (kSlopes; else 1); kSquared puts their squares there (for the diagonal).
  template <bool kSlopes, bool kSquared, typename Value>
  void Gather(const std::vector<double>& weight, const std::vector<double>& slope,
              const std::vector<double>* prior_times, Value value, std::vector<double>& out) const {
    if (prior_times != nullptr) {
      for (std::size_t i = 0; i < size_; ++i) {
        out[i] = prior_[i] * (*prior_times)[i];
      }
    } else {
      std::fill(out.begin(), out.end(), 0.0);
    }
    std::array<double, kRaterGroupCount> group{};
    double* severity = out.data() + severity_at_;
    for (std::size_t s = 0; s < subjects_; ++s) {
      double quality = 0;
      std::array<double, kRaterGroupCount> interaction{};
      for (std::size_t f = subject_begin_[s]; f < subject_begin_[s + 1]; ++f) {
        const std::size_t r = static_cast<std::size_t>(obs_.rater[f]);
        const double wv = weight[f] * value(f);
        if constexpr (kSlopes) {
          quality += (kSquared ? slope[r] * slope[r] : slope[r]) * wv;
        } else {
          quality += wv;
        }
        severity[r] += wv;
        if (use_groups_ || use_interaction_) {
          group[obs_.group[f]] += wv;
          interaction[obs_.group[f]] += wv;
        }
      }
      out[s] += quality;
      if (use_interaction_) {
        for (std::size_t g = 0; g < kRaterGroupCount; ++g) {
          out[interaction_at_ + s * kRaterGroupCount + g] += interaction[g];
        }
      }
    }
    if (use_groups_) {
      for (std::size_t g = 0; g < kRaterGroupCount; ++g) {
        out[group_at_ + g] += group[g];
      }
    }
  }

  const Observations& obs_;
  const bool use_groups_;
  const bool use_slopes_;
  const bool use_interaction_;
  const std::size_t subjects_;
  const std::size_t group_at_;
  const std::size_t severity_at_;
  const std::size_t interaction_at_;
  const std::size_t size_;
  std::vector<double> prior_;
  std::vector<std::size_t> subject_begin_;
};

// Preconditioned conjugate gradient from the current p (warm start).
// Returns the iterations used; sets *converged.
int SolveInPlace(const System& system, const std::vector<double>& weight,
                 const std::vector<double>& slope, const std::vector<double>& rhs,
                 const FitOptions& options, std::vector<double>& p, bool* converged) {
  const std::size_t n = system.size();
  std::vector<double> inverse_diagonal;
  system.Diagonal(weight, slope, inverse_diagonal);
  for (double& value : inverse_diagonal) {
    value = 1.0 / value;
  }
  std::vector<double> r(n), z(n), d(n), q(n);
  system.Multiply(weight, slope, p, q);
  double largest_correction = 0;
  double rz = 0;
  for (std::size_t i = 0; i < n; ++i) {
    r[i] = rhs[i] - q[i];
    z[i] = r[i] * inverse_diagonal[i];
    d[i] = z[i];
    rz += r[i] * z[i];
    largest_correction = std::max(largest_correction, std::abs(z[i]));
  }
  *converged = true;
  if (largest_correction < options.tolerance) {
    return 0;
  }
  for (int it = 1; it <= options.max_iterations; ++it) {
    system.Multiply(weight, slope, d, q);
    double dq = 0;
    for (std::size_t i = 0; i < n; ++i) {
      dq += d[i] * q[i];
    }
    if (!(dq > 0) || !(rz > 0)) {
      return it;  // exact solution reached (or no descent left)
    }
    const double alpha = rz / dq;
    largest_correction = 0;
    double rz_next = 0;
    for (std::size_t i = 0; i < n; ++i) {
      p[i] += alpha * d[i];
      r[i] -= alpha * q[i];
      z[i] = r[i] * inverse_diagonal[i];
      rz_next += r[i] * z[i];
      largest_correction = std::max(largest_correction, std::abs(z[i]));
    }
    // z is what a Jacobi step would still change each parameter by.
    if (largest_correction < options.tolerance) {
      return it;
    }
    const double beta = rz_next / rz;
    rz = rz_next;
    for (std::size_t i = 0; i < n; ++i) {
      d[i] = z[i] + beta * d[i];
    }
  }
  *converged = false;
  return options.max_iterations;
}

// The severity prior by the method of moments, from the current fit: for
// each rater with more than one form, the weighted mean of their forms'
// departures from what the rest of the model predicts (residual + severity)
// has variance tau^2 + sigma^2 / n, where sigma^2 is the spread of a
// rater's forms around their own mean. So tau^2 (the spread of real
// severities) is the mean squared departure less the noise part, and the
// prior in forms is sigma^2 / tau^2. Raters with one form cannot tell their
// severity from their noise and are left out of the estimate (not of the
// fit).
double EstimateSeverityPrior(const Observations& obs, const System& system,
                             const std::vector<double>& weight, const std::vector<double>& slope,
                             const std::vector<double>& p, double grand_mean) {
  const std::size_t raters = static_cast<std::size_t>(obs.raters);
  std::vector<double> sum(raters, 0.0);
  std::vector<double> squares(raters, 0.0);
  std::vector<double> total(raters, 0.0);
  for (std::size_t f = 0; f < obs.score.size(); ++f) {
    const std::size_t r = static_cast<std::size_t>(obs.rater[f]);
    const double departure =
        obs.score[f] - grand_mean - system.Predict(p, slope, f) + p[system.severity_at() + r];
    sum[r] += weight[f] * departure;
    squares[r] += weight[f] * departure * departure;
    total[r] += weight[f];
  }
  double within = 0;
  double within_weight = 0;
  for (std::size_t r = 0; r < raters; ++r) {
    if (total[r] > 1) {
      within += squares[r] - sum[r] * sum[r] / total[r];
      within_weight += total[r] - 1;
    }
  }
  if (!(within_weight > 0)) {
    return kStartingSeverityPrior;
  }
  const double noise = within / within_weight;
  double excess = 0;
  int counted = 0;
  for (std::size_t r = 0; r < raters; ++r) {
    if (total[r] > 1) {
      const double mean = sum[r] / total[r];
      excess += mean * mean - noise / total[r];
      ++counted;
    }
  }
  const double spread = excess / counted;
  if (!(spread > 0)) {
    return kMaxSeverityPrior;  // no real differences between raters
  }
  return std::clamp(noise / spread, kMinSeverityPrior, kMaxSeverityPrior);
}

// Given the qualities, each rater's severity and slope by a penalized
// regression of their forms' departures on the qualities of the subjects
// they rated; p's severities are updated in place.
void FitSlopes(const Observations& obs, const System& system, const std::vector<double>& weight,
               double slope_prior_forms, double severity_prior, double grand_mean,
               std::vector<double>& p, std::vector<double>& slope) {
  const std::size_t raters = slope.size();
  // The spread of quality, so that the slope's prior is in forms.
  double spread = 0;
  double weight_sum = 0;
  for (std::size_t f = 0; f < obs.score.size(); ++f) {
    const double q = p[static_cast<std::size_t>(obs.subject[f])];
    spread += weight[f] * q * q;
    weight_sum += weight[f];
  }
  const double slope_prior = slope_prior_forms * (weight_sum > 0 ? spread / weight_sum : 0.0);
  // Per rater: sums of w, w q, w q^2, w y, w q y over their forms.
  std::vector<std::array<double, 5>> sums(raters, std::array<double, 5>{});
  for (std::size_t f = 0; f < obs.score.size(); ++f) {
    const std::size_t s = static_cast<std::size_t>(obs.subject[f]);
    const std::size_t r = static_cast<std::size_t>(obs.rater[f]);
    const double q = p[s];
    // What the rest of the model leaves to this rater's severity and slope.
    const double y = obs.score[f] - grand_mean - system.Predict(p, slope, f) +
                     p[system.severity_at() + r] + slope[r] * q;
    const double w = weight[f];
    std::array<double, 5>& sum = sums[r];
    sum[0] += w;
    sum[1] += w * q;
    sum[2] += w * q * q;
    sum[3] += w * y;
    sum[4] += w * q * y;
  }
  for (std::size_t r = 0; r < raters; ++r) {
    const std::array<double, 5>& sum = sums[r];
    // [n + prior_b, Sq; Sq, Sqq + prior_a] [b; a] = [Sy; Sqy + prior_a]
    const double a11 = sum[0] + severity_prior + kTinyPrior;
    const double a12 = sum[1];
    const double a22 = sum[2] + slope_prior + kTinyPrior;
    const double b1 = sum[3];
    const double b2 = sum[4] + slope_prior;
    const double det = a11 * a22 - a12 * a12;
    if (!(det > 0)) {
      continue;
    }
    slope[r] = std::clamp((a11 * b2 - a12 * b1) / det, kMinSlope, kMaxSlope);
    p[system.severity_at() + r] = (b1 - a12 * slope[r]) / a11;
  }
}

// Huber weights from the residuals of the current fit, against their spread
// weighted by the base weights (so that the forms the robust step distrusts
// still count toward what "unusual" means).
void Reweight(const Observations& obs, const System& system, const std::vector<double>& p,
              const std::vector<double>& slope, double grand_mean, double huber_k,
              std::vector<double>& weight) {
  std::vector<double> residual(obs.score.size());
  double squares = 0;
  double weight_sum = 0;
  for (std::size_t f = 0; f < obs.score.size(); ++f) {
    residual[f] = obs.score[f] - grand_mean - system.Predict(p, slope, f);
    squares += obs.base_weight[f] * residual[f] * residual[f];
    weight_sum += obs.base_weight[f];
  }
  const double limit = huber_k * (weight_sum > 0 ? std::sqrt(squares / weight_sum) : 0.0);
  for (std::size_t f = 0; f < obs.score.size(); ++f) {
    const double size = std::abs(residual[f]);
    // Floored so that no form vanishes: a campaign of identical marks has
    // residuals of rounding size and a spread of 0.
    const double huber = size > limit && limit > 1e-9 ? std::max(limit / size, 0.01) : 1.0;
    weight[f] = obs.base_weight[f] * huber;
  }
}

// The residual spread, with the parameters the fit spends taken off the
// weight: one per subject with forms and n / (n + prior) per rater.
double ResidualSpread(const Observations& obs, const System& system, const Fit& fit,
                      const std::vector<double>& p) {
  double squares = 0;
  double weight_sum = 0;
  std::vector<double> subject_weight(static_cast<std::size_t>(obs.subjects), 0.0);
  for (std::size_t f = 0; f < obs.score.size(); ++f) {
    const double residual = obs.score[f] - fit.grand_mean - system.Predict(p, fit.slope, f);
    squares += fit.weight[f] * residual * residual;
    weight_sum += fit.weight[f];
    subject_weight[static_cast<std::size_t>(obs.subject[f])] += fit.weight[f];
  }
  double spent = 0;
  for (double w : subject_weight) {
    spent += w > 0 ? 1.0 : 0.0;
  }
  for (double precision : fit.severity_precision) {
    spent += precision > 0 ? (precision - fit.severity_prior) / precision : 0.0;
  }
  const double free = weight_sum - spent;
  return free > 0 ? std::sqrt(squares / free) : 0.0;
}

// The transform of each observation to the calibrated scale, centred so that
// the weighted mean of the calibrated scores equals that of the raw ones.
void Transform(const Observations& obs, Fit& fit) {
  const std::size_t n = obs.score.size();
  fit.shift.resize(n);
  fit.obs_slope.resize(n);
  double weight_sum = 0;
  double moved = 0;
  for (std::size_t f = 0; f < n; ++f) {
    const std::size_t r = static_cast<std::size_t>(obs.rater[f]);
    // The interaction stays in the marks: it is what a group sees that the
    // others do not, and the engine's pooling of group views deals with it.
    fit.shift[f] = fit.severity[r] + fit.group_effect[obs.group[f]];
    fit.obs_slope[f] = fit.slope[r];
    // In calibrated units a form's noise is divided by its rater's slope.
    fit.weight[f] *= fit.slope[r] * fit.slope[r];
    weight_sum += fit.weight[f];
    moved += fit.weight[f] * (fit.Calibrated(f, obs.score[f]) - obs.score[f]);
  }
  const double centre = weight_sum > 0 ? moved / weight_sum : 0.0;
  for (std::size_t f = 0; f < n; ++f) {
    fit.shift[f] += centre * fit.obs_slope[f];
  }
  for (double& quality : fit.quality) {
    quality -= centre;
  }
}

}  // namespace

Fit FitManyFacet(const Observations& obs, const FitOptions& options) {
  Fit fit;
  const std::size_t n = obs.score.size();
  fit.quality.assign(static_cast<std::size_t>(obs.subjects), 0.0);
  fit.severity.assign(static_cast<std::size_t>(obs.raters), 0.0);
  fit.slope.assign(static_cast<std::size_t>(obs.raters), 1.0);
  fit.interaction.assign(static_cast<std::size_t>(obs.subjects) * kRaterGroupCount, 0.0);
  fit.weight = obs.base_weight;
  fit.severity_prior =
      options.severity_prior >= 0 ? options.severity_prior : kStartingSeverityPrior;
  fit.severity_precision.assign(static_cast<std::size_t>(obs.raters), fit.severity_prior);
  if (n == 0) {
    return fit;
  }
  double weight_sum = 0;
  for (std::size_t f = 0; f < n; ++f) {
    weight_sum += obs.base_weight[f];
    fit.grand_mean += obs.base_weight[f] * obs.score[f];
  }
  fit.grand_mean = weight_sum > 0 ? fit.grand_mean / weight_sum : 0.0;

  System system(obs, options, fit.severity_prior);
  std::vector<double> p(system.size(), 0.0);
  std::vector<double> rhs(system.size(), 0.0);
  auto solve = [&](double tolerance) {
    system.Rhs(fit.weight, fit.slope, fit.grand_mean, rhs);
    FitOptions limits = options;
    limits.tolerance = tolerance;
    bool converged = true;
    fit.iterations += SolveInPlace(system, fit.weight, fit.slope, rhs, limits, p, &converged);
    fit.converged = fit.converged && converged;
  };
  const bool refined =
      options.severity_prior < 0 || options.slope_prior >= 0 || options.huber_k > 0;
  // A fit that only feeds an estimate need not be exact: the refined one
  // starts from it.
  solve(refined ? std::max(options.tolerance, kRoughTolerance) : options.tolerance);
  if (options.severity_prior < 0) {
    fit.severity_prior =
        EstimateSeverityPrior(obs, system, fit.weight, fit.slope, p, fit.grand_mean);
    system.SetSeverityPrior(fit.severity_prior);
    solve(options.tolerance);
  }
  for (int round = 0; options.slope_prior >= 0 && round < options.slope_rounds; ++round) {
    FitSlopes(obs, system, fit.weight, options.slope_prior, fit.severity_prior, fit.grand_mean, p,
              fit.slope);
    solve(options.tolerance);
  }
  for (int round = 0; options.huber_k > 0 && round < options.robust_rounds; ++round) {
    Reweight(obs, system, p, fit.slope, fit.grand_mean, options.huber_k, fit.weight);
    solve(options.tolerance);
  }

  for (std::size_t s = 0; s < fit.quality.size(); ++s) {
    fit.quality[s] = p[s];
  }
  for (std::size_t g = 0; g < kRaterGroupCount; ++g) {
    fit.group_effect[g] = system.use_groups() ? p[system.group_at() + g] : 0.0;
  }
  for (std::size_t r = 0; r < fit.severity.size(); ++r) {
    fit.severity[r] = p[system.severity_at() + r];
    fit.severity_precision[r] = fit.severity_prior;
  }
  for (std::size_t f = 0; f < n; ++f) {
    fit.severity_precision[static_cast<std::size_t>(obs.rater[f])] += fit.weight[f];
  }
  if (system.use_interaction()) {
    for (std::size_t i = 0; i < fit.interaction.size(); ++i) {
      fit.interaction[i] = p[system.interaction_at() + i];
    }
  }
  fit.residual_sd = ResidualSpread(obs, system, fit, p);
  Transform(obs, fit);
  return fit;
}

}  // namespace kaoping::scoring
