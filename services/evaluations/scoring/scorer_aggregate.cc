#include "services/evaluations/scoring/scorer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

#include "services/evaluations/scoring/calibration.h"
#include "services/evaluations/scoring/model.h"

// From the ordered forms to each subject's figures: straight-liners and
// components, the calibration fit, merging and trimming of groups, the raw and
// calibrated cells, and the pooling of group views.

namespace kaoping::scoring::internal {
namespace {

// The pooling prior used when groups agree within noise: every group's view
// is then the subject's consensus.
constexpr double kNoDisagreementPrior = 1e6;

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

// Orders `members` (rows of one group) by score and marks the trimmed ends;
// returns how many were trimmed.
int Trim(std::vector<std::int32_t>& members, const std::vector<double>& score,
         const std::vector<std::int32_t>& rater, const ScoringConfig& config,
         std::vector<FormStatus>& status) {
  const std::size_t n = members.size();
  for (std::int32_t row : members) {
    status[static_cast<std::size_t>(row)] = FormStatus::kCounted;
  }
  if (static_cast<int>(n) < config.trim_min_forms) {
    return 0;
  }
  const std::size_t k = static_cast<std::size_t>(
      std::floor(config.trim_fraction * static_cast<double>(n) + kFloorSlack));
  if (k == 0) {
    return 0;
  }
  // Equal scores are ordered by rater id, so which of two equal forms is
  // trimmed never depends on input order.
  std::sort(members.begin(), members.end(), [&](std::int32_t a, std::int32_t b) {
    const double sa = score[static_cast<std::size_t>(a)];
    const double sb = score[static_cast<std::size_t>(b)];
    return sa != sb ? sa < sb
                    : rater[static_cast<std::size_t>(a)] < rater[static_cast<std::size_t>(b)];
  });
  for (std::size_t i = 0; i < k; ++i) {
    status[static_cast<std::size_t>(members[i])] = FormStatus::kTrimmedLow;
    status[static_cast<std::size_t>(members[n - 1 - i])] = FormStatus::kTrimmedHigh;
  }
  return static_cast<int>(2 * k);
}

Cells Accumulate(const std::array<std::vector<std::int32_t>, kG>& members,
                 const std::vector<double>& dims, const std::vector<double>& score,
                 const std::vector<double>* weight, const std::vector<std::uint8_t>& dimension_mask,
                 const std::vector<FormStatus>& status, const double* dimension_weights) {
  Cells cells;
  for (std::size_t g = 0; g < kG; ++g) {
    for (std::int32_t member : members[g]) {
      const std::size_t row = static_cast<std::size_t>(member);
      if (status[row] != FormStatus::kCounted) {
        continue;
      }
      const double w = weight == nullptr ? 1.0 : (*weight)[row];
      cells.group[g].Add(dims.data() + row * kD, dimension_mask[row], score[row], w);
      cells.consensus.Add(dims.data() + row * kD, dimension_mask[row], score[row], w);
    }
    cells.group[g].Finish(dimension_weights);
  }
  cells.consensus.Finish(dimension_weights);
  return cells;
}

struct Combined {
  std::array<std::array<double, kD>, kG> view{};  // per group, per dimension
  std::array<double, kG> view_composite{};
  std::array<double, kD> dims{};
  std::array<bool, kD> dim_present{};
  double composite = 0;
  bool scored = false;
};

// Group views (pulled toward the consensus by 1 - keep[g]) combined with the
// group weights into dimension scores and the composite. keep = 1 leaves a
// group's means exactly as they are (the raw figures).
Combined Combine(const Cells& cells, const std::array<double, kG>& group_weight,
                 const std::array<double, kG>& keep, const double* dimension_weights) {
  Combined out;
  for (std::size_t g = 0; g < kG; ++g) {
    const Cell& cell = cells.group[g];
    for (std::size_t d = 0; d < kD; ++d) {
      const double mean = cell.dims[d];
      const double centre = cells.consensus.dims[d];
      out.view[g][d] = keep[g] == 1.0 ? mean : centre + keep[g] * (mean - centre);
    }
    Composite(out.view[g].data(), cell.mask, dimension_weights, &out.view_composite[g]);
  }
  std::uint8_t mask = 0;
  for (std::size_t d = 0; d < kD; ++d) {
    double sum = 0;
    double weight_sum = 0;
    for (std::size_t g = 0; g < kG; ++g) {
      if (((cells.group[g].mask >> d) & 1) && group_weight[g] > 0) {
        sum += group_weight[g] * out.view[g][d];
        weight_sum += group_weight[g];
      }
    }
    if (weight_sum > 0) {
      out.dims[d] = sum / weight_sum;
      out.dim_present[d] = true;
      mask |= static_cast<std::uint8_t>(1u << d);
    }
  }
  out.scored = Composite(out.dims.data(), mask, dimension_weights, &out.composite);
  return out;
}

}  // namespace

void Scorer::FindStraightLinersAndComponents() {
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

// The many-facet fit over the forms with marks, then the calibrated marks:
// raw minus the adjustment, kept on the grade-point scale.
void Scorer::Calibrate() {
  forms_.adjustment.assign(form_count_, 0.0);
  forms_.weight.assign(form_count_, 1.0);
  rater_severity_.assign(rater_count_, 0.0);
  // Raters are numbered for the fit in order of first appearance (rows are
  // by subject), so that the raters of one subject sit close together in
  // memory: the solver's inner loop touches their severities per form.
  Observations obs;
  obs.subjects = static_cast<int>(subject_count_);
  std::vector<std::int32_t> local_rater(rater_count_, -1);
  std::vector<std::int32_t> global_rater;
  std::vector<std::size_t> row_of;
  row_of.reserve(form_count_);
  obs.subject.reserve(form_count_);
  obs.rater.reserve(form_count_);
  obs.group.reserve(form_count_);
  obs.score.reserve(form_count_);
  obs.base_weight.reserve(form_count_);
  for (std::size_t row = 0; row < form_count_; ++row) {
    if (!forms_.scored[row]) {
      continue;
    }
    const std::size_t r = static_cast<std::size_t>(forms_.rater[row]);
    if (local_rater[r] < 0) {
      local_rater[r] = static_cast<std::int32_t>(global_rater.size());
      global_rater.push_back(forms_.rater[row]);
    }
    row_of.push_back(row);
    obs.subject.push_back(forms_.subject[row]);
    obs.rater.push_back(local_rater[r]);
    obs.group.push_back(forms_.group[row]);
    obs.score.push_back(forms_.raw_score[row]);
    obs.base_weight.push_back(straight_lining_[r] ? config_.straight_liner_weight : 1.0);
  }
  obs.raters = static_cast<int>(global_rater.size());
  if (config_.calibrate) {
    FitOptions options;
    options.severity_prior = config_.severity_prior_forms;
    options.interaction_prior = config_.interaction_prior_forms;
    options.huber_k = config_.huber_k;
    options.robust_rounds = config_.robust_rounds;
    options.max_iterations = config_.max_iterations;
    options.tolerance = config_.tolerance;
    fit_ = FitManyFacet(obs, options);
    for (std::size_t j = 0; j < row_of.size(); ++j) {
      forms_.adjustment[row_of[j]] = fit_.adjustment[j];
      forms_.weight[row_of[j]] = fit_.weight[j];
    }
    for (std::size_t l = 0; l < global_rater.size(); ++l) {
      rater_severity_[static_cast<std::size_t>(global_rater[l])] = fit_.severity[l];
    }
    grand_mean_ = fit_.grand_mean;
  } else {
    double sum = 0;
    for (double score : obs.score) {
      sum += score;
    }
    grand_mean_ = obs.score.empty() ? 0.0 : sum / static_cast<double>(obs.score.size());
  }

  const double lowest = config_.grade_points[kGradeCount - 1];
  const double highest = config_.grade_points[0];
  forms_.cal_dims.resize(form_count_ * kD);
  forms_.cal_score.resize(form_count_);
  for (std::size_t row = 0; row < form_count_; ++row) {
    for (std::size_t d = 0; d < kD; ++d) {
      forms_.cal_dims[row * kD + d] =
          ((forms_.dimension_mask[row] >> d) & 1)
              ? std::clamp(forms_.raw_dims[row * kD + d] - forms_.adjustment[row], lowest, highest)
              : 0.0;
    }
    Composite(forms_.cal_dims.data() + row * kD, forms_.dimension_mask[row],
              DimensionWeights(static_cast<std::size_t>(forms_.subject[row])),
              &forms_.cal_score[row]);
  }
}

void Scorer::AggregateSubjects() {
  result_.subjects.resize(subject_count_);
  cal_cells_.resize(subject_count_);
  group_weight_.resize(subject_count_);
  for (std::size_t s = 0; s < subject_count_; ++s) {
    AggregateSubject(s);
  }
}

// First pass over one subject: merge small groups, trim, the raw figures, the
// calibrated groups' sums (their pooling waits for the whole campaign), the
// form-by-form account, the agreement index.
void Scorer::AggregateSubject(std::size_t s) {
  const Subject& subject = campaign_.subjects[static_cast<std::size_t>(subject_input_[s])];
  SubjectResult& out = result_.subjects[s];
  out.subject_id = subject.id;
  out.unit_id = subject.unit_id;
  out.component = subject_component_[s];
  const std::size_t begin = subject_begin_[s];
  const std::size_t end = subject_begin_[s + 1];
  out.forms_submitted = static_cast<int>(end - begin);
  const double* dimension_weights = DimensionWeights(s);

  // Merging: a group with fewer than min_group_forms forms joins the next
  // non-empty group in RaterGroup order (the last one joins the previous),
  // taking its weight along, until every group has enough or one is left.
  std::array<int, kG> count{};
  for (std::size_t row = begin; row < end; ++row) {
    if (forms_.scored[row]) {
      ++count[forms_.group[row]];
      ++out.forms_with_marks;
    }
    out.uniform_forms += forms_.uniform[row];
  }
  std::array<std::size_t, kG> target{0, 1, 2, 3};
  std::array<double, kG>& group_weight = group_weight_[s];
  for (std::size_t g = 0; g < kG; ++g) {
    group_weight[g] = count[g] > 0 ? config_.group_weights[g] : 0.0;
  }
  std::array<int, kG> merged_count = count;
  while (true) {
    std::size_t small = kG;
    int present = 0;
    for (std::size_t g = 0; g < kG; ++g) {
      if (merged_count[g] > 0) {
        ++present;
        if (small == kG && merged_count[g] < config_.min_group_forms) {
          small = g;
        }
      }
    }
    if (small == kG || present <= 1) {
      break;
    }
    std::size_t into = kG;
    for (std::size_t h = small + 1; h < kG && into == kG; ++h) {
      into = merged_count[h] > 0 ? h : kG;
    }
    for (std::size_t h = small; h-- > 0 && into == kG;) {
      into = merged_count[h] > 0 ? h : kG;
    }
    merged_count[into] += merged_count[small];
    merged_count[small] = 0;
    group_weight[into] += group_weight[small];
    group_weight[small] = 0;
    for (std::size_t& t : target) {
      t = t == small ? into : t;
    }
  }
  for (std::vector<std::int32_t>& m : members_) {
    m.clear();
  }
  for (std::size_t row = begin; row < end; ++row) {
    if (forms_.scored[row]) {
      members_[target[forms_.group[row]]].push_back(static_cast<std::int32_t>(row));
    }
  }

  std::array<int, kG> trimmed_raw{};
  std::array<int, kG> trimmed_cal{};
  for (std::size_t g = 0; g < kG; ++g) {
    trimmed_raw[g] = Trim(members_[g], forms_.raw_score, forms_.rater, config_, forms_.raw_status);
  }
  const Cells raw_cells = Accumulate(members_, forms_.raw_dims, forms_.raw_score, nullptr,
                                     forms_.dimension_mask, forms_.raw_status, dimension_weights);
  for (std::size_t g = 0; g < kG; ++g) {
    trimmed_cal[g] = Trim(members_[g], forms_.cal_score, forms_.rater, config_, forms_.cal_status);
  }
  cal_cells_[s] = Accumulate(members_, forms_.cal_dims, forms_.cal_score,
                             config_.calibrate ? &forms_.weight : nullptr, forms_.dimension_mask,
                             forms_.cal_status, dimension_weights);
  const Combined raw = Combine(raw_cells, group_weight, {1.0, 1.0, 1.0, 1.0}, dimension_weights);
  out.scored = raw.scored;
  out.suppressed = out.forms_with_marks < config_.min_group_forms;
  out.raw_composite = raw.composite;
  double present_weight = 0;
  for (std::size_t d = 0; d < kD; ++d) {
    present_weight += raw.dim_present[d] ? dimension_weights[d] : 0.0;
  }
  for (std::size_t d = 0; d < kD; ++d) {
    DimensionOutcome& dim = out.dimensions[d];
    dim.dimension = static_cast<Dimension>(d);
    if (raw.dim_present[d] && present_weight > 0) {
      dim.weight = dimension_weights[d] / present_weight;
      dim.raw = raw.dims[d];
    }
  }

  double total_group_weight = 0;
  for (std::size_t g = 0; g < kG; ++g) {
    total_group_weight += members_[g].empty() ? 0.0 : group_weight[g];
  }
  out.groups.reserve(kG);
  for (std::size_t g = 0; g < kG; ++g) {
    if (members_[g].empty()) {
      continue;
    }
    GroupOutcome group;
    group.group = static_cast<RaterGroup>(g);
    for (std::size_t h = 0; h < kG; ++h) {
      if (h != g && target[h] == g && count[h] > 0) {
        group.merged.push_back(static_cast<RaterGroup>(h));
      }
    }
    group.forms = static_cast<int>(members_[g].size());
    group.trimmed_raw = trimmed_raw[g];
    group.trimmed_calibrated = trimmed_cal[g];
    group.weight = total_group_weight > 0 ? group_weight[g] / total_group_weight : 0.0;
    group.raw = raw.view_composite[g];
    group.calibrated = cal_cells_[s].group[g].composite;
    out.groups.push_back(std::move(group));
  }

  out.forms.resize(end - begin);
  for (std::size_t row = begin; row < end; ++row) {
    FormOutcome& form = out.forms[row - begin];
    const bool scored = forms_.scored[row] != 0;
    form.rater = forms_.rater[row];
    form.group = static_cast<RaterGroup>(forms_.group[row]);
    form.scored_in = scored ? static_cast<RaterGroup>(target[forms_.group[row]]) : form.group;
    form.raw_status = scored ? forms_.raw_status[row] : FormStatus::kNoMarks;
    form.calibrated_status = scored ? forms_.cal_status[row] : FormStatus::kNoMarks;
    form.overall = static_cast<Grade>(forms_.overall[row]);
    form.raw_score = forms_.raw_score[row];
    form.adjustment = forms_.adjustment[row];
    form.calibrated_score = scored ? forms_.cal_score[row] : 0.0;
    form.weight = scored ? forms_.weight[row] : 0.0;
  }

  // r_wg(J): the mean observed variance over the criteria against the
  // variance of marks spread uniformly over the grades.
  double null_mean = 0;
  for (double p : config_.grade_points) {
    null_mean += p / kGradeCount;
  }
  double null_variance = 0;
  for (double p : config_.grade_points) {
    null_variance += (p - null_mean) * (p - null_mean) / kGradeCount;
  }
  if (out.forms_with_marks >= 2) {
    double variance_sum = 0;
    int items = 0;
    const std::int32_t* counts = grade_counts_.data() + criteria_at_[s] * kGradeCount;
    for (std::size_t c = 0; c < criteria_at_[s + 1] - criteria_at_[s]; ++c) {
      double n = 0;
      double mean = 0;
      for (std::size_t g = 0; g < kGradeCount; ++g) {
        n += counts[c * kGradeCount + g];
        mean += counts[c * kGradeCount + g] * config_.grade_points[g];
      }
      if (n < 2) {
        continue;
      }
      mean /= n;
      double squares = 0;
      for (std::size_t g = 0; g < kGradeCount; ++g) {
        const double deviation = config_.grade_points[g] - mean;
        squares += counts[c * kGradeCount + g] * deviation * deviation;
      }
      variance_sum += squares / (n - 1);
      ++items;
    }
    if (items > 0) {
      const double ratio = std::min(variance_sum / items / null_variance, 1.0);
      const double j = items;
      out.agreement = (j * (1 - ratio)) / (j * (1 - ratio) + ratio);
    }
  }
}

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

// Second pass: each group's calibrated view pulled toward the subject's
// consensus, then the group weights.
void Scorer::PoolGroupViews() {
  if (!config_.calibrate) {
    for (std::size_t s = 0; s < subject_count_; ++s) {
      SubjectResult& out = result_.subjects[s];
      out.calibrated_composite = out.raw_composite;
      out.consensus = cal_cells_[s].consensus.composite;
      for (DimensionOutcome& dim : out.dimensions) {
        dim.calibrated = dim.raw;
      }
      for (GroupOutcome& group : out.groups) {
        group.view = group.raw;
      }
    }
    return;
  }
  const double prior =
      config_.group_view_prior_forms >= 0 ? config_.group_view_prior_forms : EstimateViewPrior();
  result_.summary.group_view_prior = prior;
  for (std::size_t s = 0; s < subject_count_; ++s) {
    SubjectResult& out = result_.subjects[s];
    const Cells& cells = cal_cells_[s];
    std::array<double, kG> keep{};
    for (std::size_t g = 0; g < kG; ++g) {
      const double n = cells.group[g].EffectiveForms();
      keep[g] = n > 0 ? n / (n + prior) : 0.0;
    }
    const Combined cal = Combine(cells, group_weight_[s], keep, DimensionWeights(s));
    out.consensus = cells.consensus.composite;
    out.calibrated_composite = out.scored && cal.scored ? cal.composite : 0.0;
    for (std::size_t d = 0; d < kD; ++d) {
      if (out.dimensions[d].weight > 0) {
        out.dimensions[d].calibrated = cal.dims[d];
      }
    }
    for (GroupOutcome& group : out.groups) {
      const std::size_t g = static_cast<std::size_t>(group.group);
      group.view = cal.view_composite[g];
      group.pooled = 1.0 - keep[g];
    }
  }
}

}  // namespace kaoping::scoring::internal
