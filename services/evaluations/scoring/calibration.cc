#include "services/evaluations/scoring/calibration.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <utility>

namespace kaoping::scoring {
namespace {

// Keeps the normal equations definite when a subject's or a group's every
// form has weight 0; small enough to change no figure that is printed.
constexpr double kTinyPrior = 1e-6;

// The normal equations (X' W X + Prior) p = X' W (x - mean) of the model, with
// parameters laid out as [quality: S][group: G][severity: R][interaction: G*S].
// Observations must be sorted by subject: the products walk one subject at a
// time, so a subject's terms are summed in registers, not in memory.
class System {
 public:
  System(const Observations& obs, const FitOptions& options)
      : obs_(obs),
        use_interaction_(options.interaction_prior >= 0),
        subjects_(static_cast<std::size_t>(obs.subjects)),
        group_at_(subjects_),
        severity_at_(group_at_ + kRaterGroupCount),
        interaction_at_(severity_at_ + static_cast<std::size_t>(obs.raters)),
        size_(interaction_at_ + (use_interaction_ ? subjects_ * kRaterGroupCount : 0)),
        prior_(size_, kTinyPrior),
        subject_begin_(subjects_ + 1, 0) {
    std::fill(prior_.begin() + static_cast<std::ptrdiff_t>(severity_at_),
              prior_.begin() + static_cast<std::ptrdiff_t>(interaction_at_),
              std::max(options.severity_prior, 0.0));
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
  bool use_interaction() const { return use_interaction_; }

  // The fitted value of observation f, relative to the grand mean.
  double Predict(const std::vector<double>& p, std::size_t f) const {
    const std::size_t s = static_cast<std::size_t>(obs_.subject[f]);
    const std::size_t g = obs_.group[f];
    double value =
        p[s] + p[group_at_ + g] + p[severity_at_ + static_cast<std::size_t>(obs_.rater[f])];
    if (use_interaction_) {
      value += p[interaction_at_ + s * kRaterGroupCount + g];
    }
    return value;
  }

  // out = X' W v, where v_f = Value(f), plus the prior's diagonal times
  // `prior_times` (nullptr: none).
  template <typename Value>
  void Gather(const std::vector<double>& weight, const std::vector<double>* prior_times,
              Value value, std::vector<double>& out) const {
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
        const double wv = weight[f] * value(f);
        const std::size_t g = obs_.group[f];
        quality += wv;
        group[g] += wv;
        interaction[g] += wv;
        severity[obs_.rater[f]] += wv;
      }
      out[s] += quality;
      if (use_interaction_) {
        for (std::size_t g = 0; g < kRaterGroupCount; ++g) {
          out[interaction_at_ + s * kRaterGroupCount + g] += interaction[g];
        }
      }
    }
    for (std::size_t g = 0; g < kRaterGroupCount; ++g) {
      out[group_at_ + g] += group[g];
    }
  }

  // out = (X' W X + Prior) p
  void Multiply(const std::vector<double>& weight, const std::vector<double>& p,
                std::vector<double>& out) const {
    if (use_interaction_) {
      Gather(
          weight, &p, [&](std::size_t f) { return Predict(p, f); }, out);
      return;
    }
    // The common case without the interaction term, written out so that the
    // subject's and the groups' parameters stay in registers.
    const double* group = p.data() + group_at_;
    const double* severity = p.data() + severity_at_;
    Gather(
        weight, &p,
        [&](std::size_t f) {
          return p[static_cast<std::size_t>(obs_.subject[f])] + group[obs_.group[f]] +
                 severity[obs_.rater[f]];
        },
        out);
  }

  // The Jacobi preconditioner: the diagonal of X' W X + Prior.
  void Diagonal(const std::vector<double>& weight, std::vector<double>& out) const {
    std::vector<double> ones(size_, 1.0);
    out.resize(size_);
    Gather(
        weight, &ones, [](std::size_t) { return 1.0; }, out);
  }

 private:
  const Observations& obs_;
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
                 const std::vector<double>& rhs, const FitOptions& options, std::vector<double>& p,
                 bool* converged) {
  const std::size_t n = system.size();
  std::vector<double> inverse_diagonal;
  system.Diagonal(weight, inverse_diagonal);
  for (double& value : inverse_diagonal) {
    value = 1.0 / value;
  }
  std::vector<double> r(n), z(n), d(n), q(n);
  system.Multiply(weight, p, q);
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
    system.Multiply(weight, d, q);
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
    // z is what a Jacobi step would still change each parameter by, in points.
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

Fit FitSorted(const Observations& obs, const FitOptions& options) {
  Fit fit;
  const std::size_t n = obs.score.size();
  fit.quality.assign(static_cast<std::size_t>(obs.subjects), 0.0);
  fit.severity.assign(static_cast<std::size_t>(obs.raters), 0.0);
  fit.interaction.assign(static_cast<std::size_t>(obs.subjects) * kRaterGroupCount, 0.0);
  fit.weight = obs.base_weight;
  fit.adjustment.assign(n, 0.0);
  if (n == 0) {
    return fit;
  }

  double weight_sum = 0;
  double weighted_scores = 0;
  for (std::size_t f = 0; f < n; ++f) {
    weight_sum += obs.base_weight[f];
    weighted_scores += obs.base_weight[f] * obs.score[f];
  }
  fit.grand_mean = weight_sum > 0 ? weighted_scores / weight_sum : 0.0;

  const System system(obs, options);
  std::vector<double> p(system.size(), 0.0);
  std::vector<double> rhs(system.size(), 0.0);
  std::vector<double> residual(n, 0.0);
  const int rounds = options.huber_k > 0 ? 1 + std::max(options.robust_rounds, 0) : 1;
  for (int round = 0; round < rounds; ++round) {
    system.Gather(
        fit.weight, nullptr, [&](std::size_t f) { return obs.score[f] - fit.grand_mean; }, rhs);
    bool converged = true;
    fit.iterations += SolveInPlace(system, fit.weight, rhs, options, p, &converged);
    fit.converged = fit.converged && converged;

    // Residual spread, weighted by the base weights so that the forms the
    // robust step distrusts still count toward what "unusual" means.
    double squares = 0;
    for (std::size_t f = 0; f < n; ++f) {
      residual[f] = obs.score[f] - fit.grand_mean - system.Predict(p, f);
      squares += obs.base_weight[f] * residual[f] * residual[f];
    }
    fit.residual_sd = weight_sum > 0 ? std::sqrt(squares / weight_sum) : 0.0;
    if (round + 1 < rounds) {
      const double limit = options.huber_k * fit.residual_sd;
      for (std::size_t f = 0; f < n; ++f) {
        const double size = std::abs(residual[f]);
        // Floored so that no form vanishes: a campaign of identical marks
        // has residuals of rounding size and a spread of 0.
        const double huber = size > limit && limit > 1e-9 ? std::max(limit / size, 0.01) : 1.0;
        fit.weight[f] = obs.base_weight[f] * huber;
      }
    }
  }

  for (std::size_t s = 0; s < fit.quality.size(); ++s) {
    fit.quality[s] = p[s];
  }
  for (std::size_t g = 0; g < kRaterGroupCount; ++g) {
    fit.group_effect[g] = p[system.group_at() + g];
  }
  for (std::size_t r = 0; r < fit.severity.size(); ++r) {
    fit.severity[r] = p[system.severity_at() + r];
  }
  if (system.use_interaction()) {
    for (std::size_t i = 0; i < fit.interaction.size(); ++i) {
      fit.interaction[i] = p[system.interaction_at() + i];
    }
  }

  // Centre the adjustments so that calibration moves forms relative to each
  // other and leaves the campaign's mean where the raters put it.
  double final_weight_sum = 0;
  double weighted_adjustment = 0;
  for (std::size_t f = 0; f < n; ++f) {
    // The interaction stays in the marks: it is what a group sees that the
    // others do not, and the engine's pooling of group views deals with it.
    fit.adjustment[f] =
        fit.severity[static_cast<std::size_t>(obs.rater[f])] + fit.group_effect[obs.group[f]];
    final_weight_sum += fit.weight[f];
    weighted_adjustment += fit.weight[f] * fit.adjustment[f];
  }
  const double centre = final_weight_sum > 0 ? weighted_adjustment / final_weight_sum : 0.0;
  for (std::size_t f = 0; f < n; ++f) {
    fit.adjustment[f] -= centre;
  }
  for (double& effect : fit.group_effect) {
    effect -= centre;
  }
  for (double& quality : fit.quality) {
    quality += centre;
  }
  return fit;
}

}  // namespace

Fit FitManyFacet(const Observations& obs, const FitOptions& options) {
  if (std::is_sorted(obs.subject.begin(), obs.subject.end())) {
    return FitSorted(obs, options);
  }
  // Fit a copy in subject order, then hand the per-observation figures back
  // in the caller's order.
  std::vector<std::size_t> order(obs.score.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return obs.subject[a] < obs.subject[b]; });
  Observations sorted;
  sorted.subjects = obs.subjects;
  sorted.raters = obs.raters;
  for (std::size_t i : order) {
    sorted.subject.push_back(obs.subject[i]);
    sorted.rater.push_back(obs.rater[i]);
    sorted.group.push_back(obs.group[i]);
    sorted.score.push_back(obs.score[i]);
    sorted.base_weight.push_back(obs.base_weight[i]);
  }
  Fit fit = FitSorted(sorted, options);
  std::vector<double> weight(order.size());
  std::vector<double> adjustment(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    weight[order[k]] = fit.weight[k];
    adjustment[order[k]] = fit.adjustment[k];
  }
  fit.weight = std::move(weight);
  fit.adjustment = std::move(adjustment);
  return fit;
}

}  // namespace kaoping::scoring
