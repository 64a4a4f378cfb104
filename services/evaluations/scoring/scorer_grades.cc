#include "services/evaluations/scoring/scorer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "services/evaluations/scoring/model.h"

// From each subject's figures to the campaign's result: leads, thresholds and
// the top-grade quota by rank, the raters, the units and the summary.

namespace kaoping::scoring::internal {
namespace {

// Ranking key order: unvetoed before vetoed, then final score, calibrated
// composite and raw composite descending, then subject id ascending (results
// are already in id order, so the index stands for the id).
bool RanksBefore(const SubjectResult& a, std::size_t ia, const SubjectResult& b, std::size_t ib) {
  if (a.vetoed != b.vetoed) {
    return !a.vetoed;
  }
  if (a.final_score != b.final_score) {
    return a.final_score > b.final_score;
  }
  // The fitted quality orders like the calibrated composite, without the
  // report map's rounding at the very top.
  if (a.fitted_quality != b.fitted_quality) {
    return a.fitted_quality > b.fitted_quality;
  }
  if (a.raw_composite != b.raw_composite) {
    return a.raw_composite > b.raw_composite;
  }
  return ia < ib;
}

TieBreak DecidingKey(const SubjectResult& a, const SubjectResult& b) {
  if (a.fitted_quality != b.fitted_quality) {
    return TieBreak::kCalibrated;
  }
  if (a.raw_composite != b.raw_composite) {
    return TieBreak::kRaw;
  }
  return TieBreak::kSubjectId;
}

Grade ThresholdGrade(double score, const ScoringConfig& config) {
  if (score >= config.grade_thresholds[0]) {
    return Grade::kGood;
  }
  if (score >= config.grade_thresholds[1]) {
    return Grade::kFairlyGood;
  }
  if (score >= config.grade_thresholds[2]) {
    return Grade::kAverage;
  }
  return Grade::kPoor;
}

}  // namespace

void Scorer::ApplyLeads() {
  for (std::int32_t i : lead_order_) {
    const Lead& lead = campaign_.leads[static_cast<std::size_t>(i)];
    SubjectResult& out =
        result_.subjects[static_cast<std::size_t>(lead_subject_[static_cast<std::size_t>(i)])];
    LeadOutcome outcome;
    outcome.lead_id = lead.id;
    outcome.severity = lead.severity;
    if (lead.severity == Severity::kDeduct) {
      outcome.points = lead.deduction_points;
      out.deductions += lead.deduction_points;
    } else if (lead.severity == Severity::kVeto) {
      out.vetoed = true;
    }
    out.leads.push_back(std::move(outcome));
  }
}

// Thresholds on the final score, then the top-grade quota by rank.
void Scorer::ProposeGrades() {
  CampaignSummary& summary = result_.summary;
  std::vector<std::size_t> ranked;
  for (std::size_t s = 0; s < subject_count_; ++s) {
    SubjectResult& out = result_.subjects[s];
    if (out.scored) {
      out.final_score = std::max(0.0, out.calibrated_composite - out.deductions);
      out.threshold_grade = ThresholdGrade(out.final_score, config_);
      out.proposed_grade = out.threshold_grade;
      out.grade_reason = GradeReason::kThreshold;
      ranked.push_back(s);
    }
    if (out.vetoed) {
      out.proposed_grade = config_.veto_grade;
      out.grade_reason = GradeReason::kVeto;
    }
  }
  std::sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) {
    return RanksBefore(result_.subjects[a], a, result_.subjects[b], b);
  });
  summary.scored_subjects = static_cast<int>(ranked.size());
  summary.top_grade_quota = static_cast<int>(
      std::floor(config_.top_grade_quota * static_cast<double>(ranked.size()) + kFloorSlack));
  std::size_t last_awarded = subject_count_;
  std::size_t first_demoted = subject_count_;
  for (std::size_t position = 0; position < ranked.size(); ++position) {
    SubjectResult& out = result_.subjects[ranked[position]];
    out.rank = static_cast<int>(position + 1);
    if (out.vetoed || out.threshold_grade != Grade::kGood) {
      continue;
    }
    if (summary.top_grade_awarded < summary.top_grade_quota) {
      ++summary.top_grade_awarded;
      last_awarded = ranked[position];
    } else {
      out.proposed_grade = Grade::kFairlyGood;
      out.grade_reason = GradeReason::kQuotaDemoted;
      ++summary.quota_demoted;
      first_demoted = first_demoted == subject_count_ ? ranked[position] : first_demoted;
    }
  }
  FlagQuotaLine(ranked);
  // Subjects tied on the final score across the boundary learn which key
  // decided between them.
  if (last_awarded < subject_count_ && first_demoted < subject_count_ &&
      result_.subjects[last_awarded].final_score == result_.subjects[first_demoted].final_score) {
    const double boundary = result_.subjects[last_awarded].final_score;
    for (std::size_t s : ranked) {
      SubjectResult& out = result_.subjects[s];
      if (out.vetoed || out.threshold_grade != Grade::kGood || out.final_score != boundary) {
        continue;
      }
      const SubjectResult& other = out.grade_reason == GradeReason::kQuotaDemoted
                                       ? result_.subjects[last_awarded]
                                       : result_.subjects[first_demoted];
      out.quota_tie_break = DecidingKey(out, other);
    }
  }
}

// When the quota binds: the subjects given GOOD and those the quota demoted
// whose final scores differ by less than quota_line_z standard errors of the
// difference. A subject's standard error is its fitted quality's, taken to
// the reported scale at its place (delta method), so that difference and
// error are in the same points. Each GOOD subject is compared with the
// demoted ones from the top down to the first that is surely below it.
void Scorer::FlagQuotaLine(const std::vector<std::size_t>& ranked) {
  std::vector<std::size_t> awarded;
  std::vector<std::size_t> demoted;
  std::vector<double> error(subject_count_, 0.0);
  double largest_error = 0;
  for (std::size_t s : ranked) {
    const SubjectResult& out = result_.subjects[s];
    error[s] = out.fitted_quality_se * (config_.calibrate ? scale_.Slope(out.fitted_quality) : 1.0);
    if (out.grade_reason == GradeReason::kQuotaDemoted) {
      demoted.push_back(s);
      largest_error = std::max(largest_error, error[s]);
    } else if (!out.vetoed && out.proposed_grade == Grade::kGood) {
      awarded.push_back(s);
    }
  }
  const double z = config_.quota_line_z;
  for (std::size_t a : awarded) {
    SubjectResult& above = result_.subjects[a];
    const double reach = z * std::sqrt(error[a] * error[a] + largest_error * largest_error);
    // Demoted subjects are in rank order: final score descending.
    for (std::size_t b : demoted) {
      SubjectResult& below = result_.subjects[b];
      if (below.final_score <= above.final_score - reach) {
        break;
      }
      if (above.final_score - below.final_score <
          z * std::sqrt(error[a] * error[a] + error[b] * error[b])) {
        above.quota_line_uncertain = true;
        below.quota_line_uncertain = true;
      }
    }
  }
  for (std::size_t s : ranked) {
    result_.summary.quota_line_uncertain += result_.subjects[s].quota_line_uncertain ? 1 : 0;
  }
}

void Scorer::DescribeRaters() {
  result_.raters.resize(rater_count_);
  for (std::size_t r = 0; r < rater_count_; ++r) {
    RaterResult& rater = result_.raters[r];
    rater.rater_id = std::string(rater_names_[static_cast<std::size_t>(rater_by_name_[r])]);
    rater.forms = rater_forms_[r];
    rater.straight_lining = straight_lining_[r] != 0;
    rater.component = rater_component_[r];
    if (config_.calibrate) {
      rater.severity = rater_severity_[r];
      rater.slope = rater_slope_[r];
      const double precision = rater_precision_[r];
      rater.shrinkage = precision > 0 ? (precision - fit_.severity_prior) / precision : 0.0;
    }
  }
}

void Scorer::DescribeUnits() {
  CampaignSummary& summary = result_.summary;
  std::vector<absl::string_view> unit_ids;
  unit_ids.reserve(subject_count_);
  for (const SubjectResult& out : result_.subjects) {
    unit_ids.push_back(out.unit_id);
  }
  std::sort(unit_ids.begin(), unit_ids.end());
  unit_ids.erase(std::unique(unit_ids.begin(), unit_ids.end()), unit_ids.end());
  absl::flat_hash_map<absl::string_view, std::size_t> unit_index;
  result_.units.resize(unit_ids.size());
  for (std::size_t u = 0; u < unit_ids.size(); ++u) {
    unit_index.emplace(unit_ids[u], u);
    result_.units[u].unit_id = std::string(unit_ids[u]);
  }
  std::vector<std::int64_t> good_marks(unit_ids.size(), 0);
  std::vector<std::int64_t> overall_graded(unit_ids.size(), 0);
  std::vector<std::int64_t> overall_good(unit_ids.size(), 0);
  std::vector<int> scored(unit_ids.size(), 0);
  for (std::size_t s = 0; s < subject_count_; ++s) {
    const SubjectResult& out = result_.subjects[s];
    const std::size_t u = unit_index.at(absl::string_view(out.unit_id));
    UnitResult& unit = result_.units[u];
    ++unit.subjects;
    unit.forms += out.forms_submitted;
    for (std::size_t row = subject_begin_[s]; row < subject_begin_[s + 1]; ++row) {
      unit.marks += forms_.marks[row];
      good_marks[u] += forms_.good_marks[row];
      if (forms_.overall[row] != 0) {
        ++overall_graded[u];
        overall_good[u] += forms_.overall[row] == static_cast<std::uint8_t>(Grade::kGood) ? 1 : 0;
      }
    }
    if (out.scored) {
      ++scored[u];
      unit.raw_mean += out.raw_composite;
      unit.calibrated_mean += out.calibrated_composite;
    }
    unit.proposed_good += out.proposed_grade == Grade::kGood ? 1 : 0;
  }
  std::int64_t all_good = 0;
  for (std::size_t u = 0; u < unit_ids.size(); ++u) {
    UnitResult& unit = result_.units[u];
    if (scored[u] > 0) {
      unit.raw_mean /= scored[u];
      unit.calibrated_mean /= scored[u];
    }
    unit.good_mark_share =
        unit.marks > 0 ? static_cast<double>(good_marks[u]) / static_cast<double>(unit.marks) : 0.0;
    unit.good_overall_share = overall_graded[u] > 0 ? static_cast<double>(overall_good[u]) /
                                                          static_cast<double>(overall_graded[u])
                                                    : 0.0;
    unit.lenient = unit.marks > 0 && unit.good_mark_share >= config_.lenient_unit_share;
    summary.marks += unit.marks;
    all_good += good_marks[u];
  }
  summary.good_mark_share =
      summary.marks > 0 ? static_cast<double>(all_good) / static_cast<double>(summary.marks) : 0.0;
}

void Scorer::Summarize() {
  CampaignSummary& summary = result_.summary;
  summary.subjects = static_cast<int>(subject_count_);
  summary.forms = static_cast<int>(form_count_);
  summary.raters = static_cast<int>(rater_count_);
  summary.straight_liners = static_cast<int>(
      std::count(straight_lining_.begin(), straight_lining_.end(), std::uint8_t{1}));
  double score_sum = 0;
  int scored_forms = 0;
  for (std::size_t row = 0; row < form_count_; ++row) {
    if (forms_.scored[row]) {
      score_sum += forms_.raw_score[row];
      ++scored_forms;
    }
  }
  summary.grand_mean = scored_forms > 0 ? score_sum / scored_forms : 0.0;
  summary.severity_prior = config_.calibrate ? fit_.severity_prior : 0.0;
  summary.residual_sd = fit_.residual_sd;
  summary.solver_iterations = fit_.iterations;
  summary.converged = fit_.converged;
  std::array<bool, kG> group_seen{};
  for (std::size_t row = 0; row < form_count_; ++row) {
    group_seen[forms_.group[row]] = group_seen[forms_.group[row]] || forms_.scored[row] != 0;
  }
  for (std::size_t g = 0; g < kG; ++g) {
    summary.group_effects[g] = config_.calibrate && group_seen[g] ? fit_.group_effect[g] : 0.0;
  }
  for (const SubjectResult& out : result_.subjects) {
    summary.vetoed += out.vetoed ? 1 : 0;
  }
}

}  // namespace kaoping::scoring::internal
