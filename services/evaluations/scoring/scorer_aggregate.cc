#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "services/evaluations/scoring/model.h"
#include "services/evaluations/scoring/scorer.h"

// The first pass over subjects: merging of small groups, trimming, the raw
// figures, the calibrated groups' sums (their pooling waits for the whole
// campaign), the form-by-form account and the agreement index.

namespace kaoping::scoring::internal {
namespace {

// Orders `members` (rows of one group) by score and marks the trimmed ends;
// returns how many were trimmed. `trim` false: every member counts.
int Trim(std::vector<std::int32_t>& members, const std::vector<double>& score,
         const std::vector<std::int32_t>& rater, const ScoringConfig& config, bool trim,
         std::vector<FormStatus>& status) {
  const std::size_t n = members.size();
  for (std::int32_t row : members) {
    status[static_cast<std::size_t>(row)] = FormStatus::kCounted;
  }
  if (!trim || static_cast<int>(n) < config.trim_min_forms) {
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

}  // namespace

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

void Scorer::AggregateSubjects() {
  result_.subjects.resize(subject_count_);
  cal_cells_.resize(subject_count_);
  group_weight_.resize(subject_count_);
  forms_.scored_in.assign(form_count_, 0);
  for (std::size_t s = 0; s < subject_count_; ++s) {
    AggregateSubject(s);
  }
}

void Scorer::AggregateSubject(std::size_t s) {
  SubjectResult& out = result_.subjects[s];
  DescribeSubject(s, out);
  Merged merged = MergeSmallGroups(s);
  RawFigures(s, merged, out);
  CalibratedCells(s, merged);
  ReportGroups(s, merged, out);
  ReportForms(s, out);
  out.agreement = Agreement(s, out.forms_with_marks);
}

void Scorer::DescribeSubject(std::size_t s, SubjectResult& out) const {
  const Subject& subject = campaign_.subjects[static_cast<std::size_t>(subject_input_[s])];
  out.subject_id = subject.id;
  out.unit_id = subject.unit_id;
  out.component = subject_component_[s];
  out.forms_submitted = static_cast<int>(subject_begin_[s + 1] - subject_begin_[s]);
  for (std::size_t row = subject_begin_[s]; row < subject_begin_[s + 1]; ++row) {
    out.forms_with_marks += forms_.scored[row];
    out.uniform_forms += forms_.uniform[row];
  }
  out.suppressed = out.forms_with_marks < config_.min_group_forms;
}

// A group with fewer than min_group_forms forms joins the next non-empty
// group in RaterGroup order (the last one joins the previous) until every
// group has enough or one is left. The merged group keeps the weight of the
// group it joins; the small group's weight goes to nobody in particular
// (renormalization shares it among all groups, as an absent group's), so no
// group silently carries two weights. Fills members_ with each reporting
// group's rows.
Scorer::Merged Scorer::MergeSmallGroups(std::size_t s) {
  Merged merged;
  const std::size_t begin = subject_begin_[s];
  const std::size_t end = subject_begin_[s + 1];
  for (std::size_t row = begin; row < end; ++row) {
    merged.count[forms_.group[row]] += forms_.scored[row];
  }
  std::array<double, kG>& group_weight = group_weight_[s];
  for (std::size_t g = 0; g < kG; ++g) {
    group_weight[g] = merged.count[g] > 0 ? config_.group_weights[g] : 0.0;
  }
  std::array<int, kG> size = merged.count;
  while (true) {
    std::size_t small = kG;
    int present = 0;
    for (std::size_t g = 0; g < kG; ++g) {
      if (size[g] > 0) {
        ++present;
        if (small == kG && size[g] < config_.min_group_forms) {
          small = g;
        }
      }
    }
    if (small == kG || present <= 1) {
      break;
    }
    std::size_t into = kG;
    for (std::size_t h = small + 1; h < kG && into == kG; ++h) {
      into = size[h] > 0 ? h : kG;
    }
    for (std::size_t h = small; h-- > 0 && into == kG;) {
      into = size[h] > 0 ? h : kG;
    }
    size[into] += size[small];
    size[small] = 0;
    group_weight[small] = 0;
    for (std::size_t& t : merged.target) {
      t = t == small ? into : t;
    }
  }
  for (std::vector<std::int32_t>& m : members_) {
    m.clear();
  }
  for (std::size_t row = begin; row < end; ++row) {
    forms_.scored_in[row] = static_cast<std::uint8_t>(merged.target[forms_.group[row]]);
    if (forms_.scored[row]) {
      members_[forms_.scored_in[row]].push_back(static_cast<std::int32_t>(row));
    }
  }
  return merged;
}

// Trimming and the raw figures: DESIGN.md §7 as written.
void Scorer::RawFigures(std::size_t s, Merged& merged, SubjectResult& out) {
  const double* dimension_weights = DimensionWeights(s);
  for (std::size_t g = 0; g < kG; ++g) {
    merged.trimmed_raw[g] =
        Trim(members_[g], forms_.raw_score, forms_.rater, config_, true, forms_.raw_status);
  }
  const Cells cells = Accumulate(members_, forms_.raw_dims, forms_.raw_score, nullptr,
                                 forms_.dimension_mask, forms_.raw_status, dimension_weights);
  const Combined raw = Combine(cells, group_weight_[s], {1.0, 1.0, 1.0, 1.0}, dimension_weights);
  out.scored = raw.scored;
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
  merged.raw = raw.view_composite;
}

// The calibrated groups' weighted sums, kept for the second pass.
void Scorer::CalibratedCells(std::size_t s, Merged& merged) {
  for (std::size_t g = 0; g < kG; ++g) {
    merged.trimmed_calibrated[g] = Trim(members_[g], forms_.cal_score, forms_.rater, config_,
                                        config_.trim_calibrated, forms_.cal_status);
  }
  cal_cells_[s] = Accumulate(members_, forms_.cal_dims, forms_.cal_score,
                             config_.calibrate ? &forms_.weight : nullptr, forms_.dimension_mask,
                             forms_.cal_status, DimensionWeights(s));
}

void Scorer::ReportGroups(std::size_t s, const Merged& merged, SubjectResult& out) const {
  const std::array<double, kG>& group_weight = group_weight_[s];
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
      if (h != g && merged.target[h] == g && merged.count[h] > 0) {
        group.merged.push_back(static_cast<RaterGroup>(h));
      }
    }
    group.forms = static_cast<int>(members_[g].size());
    group.trimmed_raw = merged.trimmed_raw[g];
    group.trimmed_calibrated = merged.trimmed_calibrated[g];
    group.weight = total_group_weight > 0 ? group_weight[g] / total_group_weight : 0.0;
    group.raw = merged.raw[g];
    out.groups.push_back(std::move(group));
  }
}

void Scorer::ReportForms(std::size_t s, SubjectResult& out) const {
  const std::size_t begin = subject_begin_[s];
  out.forms.resize(subject_begin_[s + 1] - begin);
  for (std::size_t row = begin; row < subject_begin_[s + 1]; ++row) {
    FormOutcome& form = out.forms[row - begin];
    const bool scored = forms_.scored[row] != 0;
    form.rater = forms_.rater[row];
    form.group = static_cast<RaterGroup>(forms_.group[row]);
    form.scored_in = scored ? static_cast<RaterGroup>(forms_.scored_in[row]) : form.group;
    form.raw_status = scored ? forms_.raw_status[row] : FormStatus::kNoMarks;
    form.calibrated_status = scored ? forms_.cal_status[row] : FormStatus::kNoMarks;
    form.overall = static_cast<Grade>(forms_.overall[row]);
    form.raw_score = forms_.raw_score[row];
    form.adjustment = forms_.adjustment[row];
    form.calibrated_score = scored ? Reported(forms_.cal_score[row]) : 0.0;
    form.weight = scored ? forms_.weight[row] : 0.0;
  }
}

// r_wg(J): the mean observed variance over the criteria against the
// variance of marks spread uniformly over the grades. Absent below 2 forms.
std::optional<double> Scorer::Agreement(std::size_t s, int forms_with_marks) const {
  if (forms_with_marks < 2) {
    return std::nullopt;
  }
  double null_mean = 0;
  for (double p : config_.grade_points) {
    null_mean += p / kGradeCount;
  }
  double null_variance = 0;
  for (double p : config_.grade_points) {
    null_variance += (p - null_mean) * (p - null_mean) / kGradeCount;
  }
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
  if (items == 0) {
    return std::nullopt;
  }
  const double ratio = std::min(variance_sum / items / null_variance, 1.0);
  const double j = items;
  return (j * (1 - ratio)) / (j * (1 - ratio) + ratio);
}

}  // namespace kaoping::scoring::internal
