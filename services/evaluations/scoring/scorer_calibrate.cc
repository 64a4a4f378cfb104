#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include "services/evaluations/scoring/calibration.h"
#include "services/evaluations/scoring/model.h"
#include "services/evaluations/scoring/scorer.h"

// Before any subject is aggregated: straight-liners, the connected
// components of the rater-subject graph, the many-facet fit and every form's
// calibrated marks.

namespace kaoping::scoring::internal {
namespace {

// Union-find over subjects and raters: the connected components of the
// rater-subject graph.
class DisjointSets {
 public:
  explicit DisjointSets(std::size_t n) : parent_(n) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  std::size_t Find(std::size_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  void Join(std::size_t a, std::size_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) {
      // The smaller root wins so that labels do not depend on edge order.
      parent_[std::max(a, b)] = std::min(a, b);
    }
  }

 private:
  std::vector<std::size_t> parent_;
};

}  // namespace

void Scorer::FindStraightLiners() {
  // Straight-lining: every mark of every form identical, over enough forms.
  constexpr std::uint8_t kMixed = 0xff;
  rater_forms_.assign(rater_count_, 0);
  std::vector<std::uint8_t> rater_grade(rater_count_, 0);  // 0: none yet
  for (std::size_t row = 0; row < form_count_; ++row) {
    if (!forms_.scored[row]) {
      continue;
    }
    const std::size_t r = static_cast<std::size_t>(forms_.rater[row]);
    ++rater_forms_[r];
    if (!forms_.uniform[row]) {
      rater_grade[r] = kMixed;
    } else if (rater_grade[r] == 0) {
      rater_grade[r] = forms_.first_grade[row];
    } else if (rater_grade[r] != forms_.first_grade[row]) {
      rater_grade[r] = kMixed;
    }
  }
  straight_lining_.assign(rater_count_, 0);
  for (std::size_t r = 0; r < rater_count_; ++r) {
    straight_lining_[r] = rater_forms_[r] >= config_.straight_line_min_forms &&
                          rater_grade[r] != 0 && rater_grade[r] != kMixed;
  }
}

void Scorer::FindComponents() {
  DisjointSets sets(subject_count_ + rater_count_);
  for (std::size_t row = 0; row < form_count_; ++row) {
    sets.Join(static_cast<std::size_t>(forms_.subject[row]),
              subject_count_ + static_cast<std::size_t>(forms_.rater[row]));
  }
  // Roots are each set's smallest member, so labelling in subject order is
  // stable.
  std::vector<std::int32_t> label(subject_count_ + rater_count_, -1);
  subject_component_.resize(subject_count_);
  rater_component_.resize(rater_count_);
  for (std::size_t s = 0; s < subject_count_; ++s) {
    const std::size_t root = sets.Find(s);
    if (label[root] < 0) {
      label[root] = result_.summary.components++;
    }
    subject_component_[s] = label[root];
  }
  for (std::size_t r = 0; r < rater_count_; ++r) {
    rater_component_[r] = label[sets.Find(subject_count_ + r)];
  }
}

// The forms with marks as the fit's observations, each as the composite of
// its dimensions on the latent scale (`latent_dims`, filled here). Raters
// are numbered for the fit in order of first appearance (rows are by
// subject), so that the raters of one subject sit close together in memory:
// the solver's inner loop touches their severities per form.
Observations Scorer::BuildObservations(std::vector<double>& latent_dims,
                                       std::vector<std::size_t>& row_of,
                                       std::vector<std::int32_t>& fit_rater) const {
  Observations obs;
  obs.subjects = static_cast<int>(subject_count_);
  std::vector<std::int32_t> local_rater(rater_count_, -1);
  latent_dims.assign(form_count_ * kD, 0.0);
  for (std::size_t row = 0; row < form_count_; ++row) {
    if (!forms_.scored[row]) {
      continue;
    }
    const std::size_t r = static_cast<std::size_t>(forms_.rater[row]);
    if (local_rater[r] < 0) {
      local_rater[r] = static_cast<std::int32_t>(fit_rater.size());
      fit_rater.push_back(forms_.rater[row]);
    }
    double* latent = latent_dims.data() + row * kD;
    for (std::size_t d = 0; d < kD; ++d) {
      if ((forms_.dimension_mask[row] >> d) & 1) {
        latent[d] = scale_.ToLatent(forms_.raw_dims[row * kD + d], forms_.marks[row]);
      }
    }
    double score = 0;
    Composite(latent, forms_.dimension_mask[row],
              DimensionWeights(static_cast<std::size_t>(forms_.subject[row])), &score);
    row_of.push_back(row);
    obs.subject.push_back(forms_.subject[row]);
    obs.rater.push_back(local_rater[r]);
    obs.group.push_back(forms_.group[row]);
    obs.score.push_back(score);
    obs.base_weight.push_back(straight_lining_[r] ? config_.straight_liner_weight : 1.0);
  }
  obs.raters = static_cast<int>(fit_rater.size());
  return obs;
}

// The many-facet fit over the forms with marks on the latent scale, then
// each form's calibrated marks: latent minus the rater's severity (and group
// level; divided by the rater's slope when slopes are fitted). Nothing is
// clamped: a strict rater's GOOD calibrates far up the latent scale, which
// is how differences among the best cadres survive. Without calibration the
// "calibrated" marks are the raw ones, in points.
void Scorer::Calibrate() {
  forms_.weight.assign(form_count_, 1.0);
  forms_.adjustment.assign(form_count_, 0.0);
  rater_severity_.assign(rater_count_, 0.0);
  rater_slope_.assign(rater_count_, 1.0);
  rater_precision_.assign(rater_count_, 0.0);
  if (!config_.calibrate) {
    forms_.cal_dims = forms_.raw_dims;
    forms_.cal_score = forms_.raw_score;
    return;
  }
  // Every form with marks gets its calibrated figures below; the others
  // count nowhere.
  forms_.cal_dims.assign(form_count_ * kD, 0.0);
  forms_.cal_score.assign(form_count_, 0.0);
  std::vector<double> latent_dims;
  std::vector<std::size_t> row_of;
  std::vector<std::int32_t> fit_rater;
  const Observations obs = BuildObservations(latent_dims, row_of, fit_rater);
  FitOptions options;
  options.severity_prior = config_.severity_prior_forms;
  options.group_effects = config_.group_effects;
  options.slope_prior = config_.rater_slope_prior_forms;
  options.interaction_prior = config_.interaction_prior_forms;
  options.huber_k = config_.huber_k;
  options.robust_rounds = config_.robust_rounds;
  options.max_iterations = config_.max_iterations;
  options.tolerance = config_.tolerance;
  fit_ = FitManyFacet(obs, options);
  scale_.SetFormSpread(fit_.residual_sd);
  for (std::size_t l = 0; l < fit_rater.size(); ++l) {
    const std::size_t r = static_cast<std::size_t>(fit_rater[l]);
    rater_severity_[r] = fit_.severity[l];
    rater_slope_[r] = fit_.slope[l];
    rater_precision_[r] = fit_.severity_precision[l];
  }
  for (std::size_t j = 0; j < row_of.size(); ++j) {
    const std::size_t row = row_of[j];
    forms_.weight[row] = fit_.weight[j];
    for (std::size_t d = 0; d < kD; ++d) {
      if ((forms_.dimension_mask[row] >> d) & 1) {
        forms_.cal_dims[row * kD + d] = fit_.Calibrated(j, latent_dims[row * kD + d]);
      }
    }
    forms_.cal_score[row] = fit_.Calibrated(j, obs.score[j]);
    forms_.adjustment[row] = obs.score[j] - forms_.cal_score[row];
  }
}

}  // namespace kaoping::scoring::internal
