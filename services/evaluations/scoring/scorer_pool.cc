#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "services/evaluations/scoring/model.h"
#include "services/evaluations/scoring/scorer.h"

// The second pass, once every subject is aggregated: how far each group's
// calibrated view is pulled toward its subject's consensus (estimated from
// the whole campaign), the calibrated composite on the open scale (the
// fitted quality) with its standard error, and the reported figures.

namespace kaoping::scoring::internal {
namespace {

// The pooling prior used when groups agree within noise: every group's view
// is then the subject's consensus.
constexpr double kNoDisagreementPrior = 1e6;
// The campaign's level is found within this many latent points of the fit's.
constexpr double kMaxLevelShift = 200;

}  // namespace

// How much do groups really disagree about the same subject? Method of
// moments over every subject rated by two or more groups: the squared gap
// between a group's mean and the subject's consensus, minus what the forms'
// own spread explains, estimates the variance of real group-on-subject
// differences (tau^2). The prior is noise / tau^2, in forms.
double Scorer::EstimateViewPrior() {
  double within = 0;
  double within_weight = 0;
  for (const Cells& cells : cal_cells_) {
    for (const Cell& cell : cells.group) {
      if (cell.counted >= 2 && cell.weight > 0) {
        within += std::max(0.0, cell.score_squares - cell.score_sum * cell.score_sum / cell.weight);
        within_weight += cell.weight - cell.weight_squared / cell.weight;
      }
    }
  }
  const double noise = within_weight > 0 ? within / within_weight : 0.0;
  double excess = 0;
  double coefficient = 0;
  for (const Cells& cells : cal_cells_) {
    std::array<double, kG> n{};
    double total = 0;
    int groups = 0;
    for (std::size_t g = 0; g < kG; ++g) {
      if (cells.group[g].has && cells.group[g].weight > 0) {
        n[g] = cells.group[g].EffectiveForms();
        total += n[g];
        ++groups;
      }
    }
    if (groups < 2 || !cells.consensus.has || total <= 0) {
      continue;
    }
    double sum_p_squared = 0;
    for (std::size_t g = 0; g < kG; ++g) {
      sum_p_squared += (n[g] / total) * (n[g] / total);
    }
    for (std::size_t g = 0; g < kG; ++g) {
      if (n[g] <= 0) {
        continue;
      }
      // gap = own deviation - consensus deviation: its variance is
      // tau^2 * ((1 - p)^2 + sum of the others' p^2) plus the noise term.
      const double p = n[g] / total;
      const double gap = cells.group[g].composite - cells.consensus.composite;
      excess += gap * gap - noise * ((1 - p) * (1 - p) / n[g] + (1 - p) / total);
      coefficient += (1 - p) * (1 - p) + sum_p_squared - p * p;
    }
  }
  const double tau_squared = coefficient > 0 ? std::max(0.0, excess / coefficient) : 0.0;
  result_.summary.group_view_sd = std::sqrt(tau_squared);
  return tau_squared > 0 ? std::min(noise / tau_squared, kNoDisagreementPrior)
                         : kNoDisagreementPrior;
}

void Scorer::PoolGroupViews() {
  if (!config_.calibrate) {
    const double sd = WithinSubjectSpread();
    for (std::size_t s = 0; s < subject_count_; ++s) {
      SubjectResult& out = result_.subjects[s];
      out.calibrated_composite = out.raw_composite;
      out.fitted_quality = out.raw_composite;
      out.fitted_quality_se = out.scored ? StandardError(s, {1, 1, 1, 1}, sd) : 0.0;
      out.consensus = cal_cells_[s].consensus.composite;
      for (DimensionOutcome& dim : out.dimensions) {
        dim.calibrated = dim.raw;
      }
      for (GroupOutcome& group : out.groups) {
        group.calibrated = group.raw;
        group.view = group.raw;
      }
    }
    return;
  }
  const double prior =
      config_.group_view_prior_forms >= 0 ? config_.group_view_prior_forms : EstimateViewPrior();
  result_.summary.group_view_prior = prior;
  std::vector<std::array<double, kG>> keep(subject_count_);
  std::vector<Combined> combined(subject_count_);
  for (std::size_t s = 0; s < subject_count_; ++s) {
    const Cells& cells = cal_cells_[s];
    for (std::size_t g = 0; g < kG; ++g) {
      const double n = cells.group[g].EffectiveForms();
      keep[s][g] = n > 0 ? n / (n + prior) : 0.0;
    }
    combined[s] = Combine(cells, group_weight_[s], keep[s], DimensionWeights(s));
  }
  const double level = LevelShift(combined);
  for (std::size_t s = 0; s < subject_count_; ++s) {
    ReportCalibrated(s, combined[s], keep[s], level);
  }
}

// The shift of the latent scale that keeps the campaign's mean composite,
// in grade points, where the raters put it: the mean over scored subjects
// of points(composite + shift) equals their mean raw composite. Calibration
// then moves subjects relative to each other, and the thresholds read the
// calibrated composites at the campaign's own level (without the shift,
// averaging on the stretched scale lifts every subject with forms at the
// top). points() is increasing: Newton's method kept inside a bracket.
double Scorer::LevelShift(const std::vector<Combined>& combined) const {
  double target = 0;
  int scored = 0;
  for (std::size_t s = 0; s < subject_count_; ++s) {
    if (result_.subjects[s].scored && combined[s].scored) {
      target += result_.subjects[s].raw_composite;
      ++scored;
    }
  }
  if (scored == 0) {
    return 0.0;
  }
  target /= scored;
  double low = -kMaxLevelShift;
  double high = kMaxLevelShift;
  double shift = 0;
  for (int it = 0; it < 100 && high - low > 1e-9; ++it) {
    double mean = 0;
    double slope = 0;
    for (std::size_t s = 0; s < subject_count_; ++s) {
      if (result_.subjects[s].scored && combined[s].scored) {
        mean += scale_.ToPoints(combined[s].composite + shift) / scored;
        slope += scale_.Slope(combined[s].composite + shift) / scored;
      }
    }
    if (std::abs(mean - target) < 1e-10) {
      break;
    }
    (mean < target ? low : high) = shift;
    const double next = slope > 0 ? shift - (mean - target) / slope : low;
    shift = next > low && next < high ? next : (low + high) / 2;
  }
  return shift;
}

// Every calibrated figure of one subject, shifted to the campaign's level:
// the fitted quality and its error on the latent scale, and what is
// reported on grade points.
void Scorer::ReportCalibrated(std::size_t s, const Combined& cal,
                              const std::array<double, kG>& keep, double level) {
  SubjectResult& out = result_.subjects[s];
  const Cells& cells = cal_cells_[s];
  const bool scored = out.scored && cal.scored;
  out.fitted_quality = scored ? cal.composite + level : 0.0;
  out.fitted_quality_se = scored ? StandardError(s, keep, fit_.residual_sd) : 0.0;
  out.calibrated_composite = scored ? Reported(out.fitted_quality) : 0.0;
  out.consensus = Reported(cells.consensus.composite + level);
  for (std::size_t d = 0; d < kD; ++d) {
    if (out.dimensions[d].weight > 0) {
      out.dimensions[d].calibrated = Reported(cal.dims[d] + level);
    }
  }
  for (std::size_t row = subject_begin_[s]; row < subject_begin_[s + 1]; ++row) {
    if (forms_.scored[row]) {
      FormOutcome& form = out.forms[row - subject_begin_[s]];
      form.adjustment -= level;
      form.calibrated_score = Reported(forms_.cal_score[row] + level);
    }
  }
  for (GroupOutcome& group : out.groups) {
    const std::size_t g = static_cast<std::size_t>(group.group);
    group.calibrated = Reported(cells.group[g].composite + level);
    group.view = Reported(cal.view_composite[g] + level);
    group.pooled = 1.0 - keep[g];
  }
}

// The standard error of the composite, treating it as the linear
// combination of its counted forms that it is (at the level of form scores):
// form f of reporting group G has coefficient
//
//   a_f = w_f (omega_G keep_G / W_G + (1 - sum_H omega_H keep_H) / W)
//
// (omega: group weights renormalized over the groups that count; W_G, W:
// the group's and all counted forms' weight). Each calibrated form carries
// noise of variance sd^2 / w_f and its rater's severity estimate an error
// of variance sd^2 / (precision_r slope_r^2), precision_r being the forms
// and prior behind it. Not included: that the raters of one unit may share a
// leniency which only the cross-unit raters can tell from quality; so for
// subjects of different units the figure is a lower bound.
double Scorer::StandardError(std::size_t s, const std::array<double, kG>& keep, double sd) const {
  const bool calibrated = config_.calibrate;
  const std::vector<FormStatus>& status = calibrated ? forms_.cal_status : forms_.raw_status;
  auto counted = [&](std::size_t row) {
    return forms_.scored[row] && status[row] == FormStatus::kCounted;
  };
  auto weight = [&](std::size_t row) { return calibrated ? forms_.weight[row] : 1.0; };
  std::array<double, kG> group_sum{};
  double total = 0;
  for (std::size_t row = subject_begin_[s]; row < subject_begin_[s + 1]; ++row) {
    if (counted(row)) {
      group_sum[forms_.scored_in[row]] += weight(row);
      total += weight(row);
    }
  }
  std::array<double, kG> omega{};
  double omega_sum = 0;
  for (std::size_t g = 0; g < kG; ++g) {
    omega[g] = group_sum[g] > 0 ? group_weight_[s][g] : 0.0;
    omega_sum += omega[g];
  }
  if (!(omega_sum > 0) || !(total > 0)) {
    return 0.0;
  }
  double to_consensus = 1;
  for (std::size_t g = 0; g < kG; ++g) {
    omega[g] /= omega_sum;
    to_consensus -= omega[g] * keep[g];
  }
  double variance = 0;
  for (std::size_t row = subject_begin_[s]; row < subject_begin_[s + 1]; ++row) {
    const double w = weight(row);
    if (!counted(row) || !(w > 0)) {
      continue;
    }
    const std::size_t g = forms_.scored_in[row];
    const double a =
        w * ((group_sum[g] > 0 ? omega[g] * keep[g] / group_sum[g] : 0.0) + to_consensus / total);
    variance += a * a / w;
    if (calibrated) {
      const std::size_t r = static_cast<std::size_t>(forms_.rater[row]);
      const double precision = rater_precision_[r] * rater_slope_[r] * rater_slope_[r];
      variance += precision > 0 ? a * a / precision : 0.0;
    }
  }
  return sd * std::sqrt(variance);
}

// Without calibration there is no fit: the spread of the form scores around
// their subject's mean, pooled over subjects, stands for the residual.
double Scorer::WithinSubjectSpread() const {
  double squares = 0;
  double degrees = 0;
  for (std::size_t s = 0; s < subject_count_; ++s) {
    double sum = 0;
    int n = 0;
    for (std::size_t row = subject_begin_[s]; row < subject_begin_[s + 1]; ++row) {
      if (forms_.scored[row] && forms_.raw_status[row] == FormStatus::kCounted) {
        sum += forms_.raw_score[row];
        ++n;
      }
    }
    for (std::size_t row = subject_begin_[s]; row < subject_begin_[s + 1]; ++row) {
      if (forms_.scored[row] && forms_.raw_status[row] == FormStatus::kCounted) {
        const double deviation = forms_.raw_score[row] - sum / n;
        squares += deviation * deviation;
      }
    }
    degrees += n > 1 ? n - 1 : 0;
  }
  return degrees > 0 ? std::sqrt(squares / degrees) : 0.0;
}

}  // namespace kaoping::scoring::internal
