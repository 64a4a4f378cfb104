#include "services/evaluations/scoring_config.h"

#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace kaoping::evaluations {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

bool InRange(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

absl::Status CheckGradePoints(absl::string_view field, const v1::ScoringConfig& c) {
  if (c.grade_points_size() == 0) {
    return absl::OkStatus();
  }
  if (c.grade_points_size() != 4) {
    return Invalid(field, absl::StrCat("exactly 4 entries (GOOD, FAIRLY_GOOD, AVERAGE, POOR), got ",
                                       c.grade_points_size()));
  }
  double points[5] = {0, 0, 0, 0, 0};
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < 4; ++i) {
    const v1::GradePoints& g = c.grade_points(i);
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (g.grade() < v1::GOOD || g.grade() > v1::POOR || !seen.insert(g.grade()).second) {
      return Invalid(absl::StrCat(at, ".grade"), "each of GOOD, FAIRLY_GOOD, AVERAGE, POOR once");
    }
    if (!InRange(g.points(), 0, 1000)) {
      return Invalid(absl::StrCat(at, ".points"), "a number in [0, 1000]");
    }
    points[g.grade()] = g.points();
  }
  if (!(points[1] > points[2] && points[2] > points[3] && points[3] > points[4])) {
    return Invalid(field, "points must be strictly decreasing from GOOD to POOR");
  }
  return absl::OkStatus();
}

absl::Status CheckGroupWeights(absl::string_view field, const v1::ScoringConfig& c) {
  if (c.group_weights_size() == 0) {
    return absl::OkStatus();
  }
  if (c.group_weights_size() != 4) {
    return Invalid(field, absl::StrCat("exactly 4 entries (SUPERIOR, PEER, SUBORDINATE, PUBLIC), "
                                       "got ",
                                       c.group_weights_size()));
  }
  absl::flat_hash_set<int> seen;
  double sum = 0;
  for (int i = 0; i < 4; ++i) {
    const v1::RaterGroupWeight& w = c.group_weights(i);
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (w.rater_group() < v1::SUPERIOR || w.rater_group() > v1::PUBLIC ||
        !seen.insert(w.rater_group()).second) {
      return Invalid(absl::StrCat(at, ".rater_group"),
                     "each of SUPERIOR, PEER, SUBORDINATE, PUBLIC once");
    }
    if (!InRange(w.weight(), 0, 1)) {
      return Invalid(absl::StrCat(at, ".weight"), "a number in [0, 1]");
    }
    sum += w.weight();
  }
  if (std::fabs(sum - 1) > 1e-9) {
    return Invalid(field, absl::StrCat("must sum to 1, got ", sum));
  }
  return absl::OkStatus();
}

absl::Status CheckThresholds(absl::string_view field, const v1::ScoringConfig& c) {
  if (c.thresholds_size() == 0) {
    return absl::OkStatus();
  }
  if (c.thresholds_size() != 3) {
    return Invalid(field, absl::StrCat("exactly 3 entries (GOOD, FAIRLY_GOOD, AVERAGE), got ",
                                       c.thresholds_size()));
  }
  double min[4] = {0, 0, 0, 0};
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < 3; ++i) {
    const v1::GradeThreshold& t = c.thresholds(i);
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (t.grade() < v1::GOOD || t.grade() > v1::AVERAGE || !seen.insert(t.grade()).second) {
      return Invalid(absl::StrCat(at, ".grade"), "each of GOOD, FAIRLY_GOOD, AVERAGE once");
    }
    if (!InRange(t.min_score(), 0, 1000)) {
      return Invalid(absl::StrCat(at, ".min_score"), "a number in [0, 1000]");
    }
    min[t.grade()] = t.min_score();
  }
  if (!(min[1] > min[2] && min[2] > min[3])) {
    return Invalid(field, "minimum scores must be strictly decreasing from GOOD to AVERAGE");
  }
  return absl::OkStatus();
}

absl::Status CheckScalars(absl::string_view field, const v1::ScoringConfig& c) {
  auto at = [&](absl::string_view name) { return absl::StrCat(field, ".", name); };
  if (!v1::ScoringConfig::Calibration_IsValid(c.calibration())) {
    return Invalid(at("calibration"), "one of MANY_FACET, NO_CALIBRATION");
  }
  if (c.has_severity_shrinkage() && !InRange(c.severity_shrinkage(), 0, 1e6)) {
    return Invalid(at("severity_shrinkage"), "a number in [0, 1000000] (pseudo-forms)");
  }
  if (c.has_trim_fraction() && !InRange(c.trim_fraction(), 0, 0.49)) {
    return Invalid(at("trim_fraction"), "a number in [0, 0.49]");
  }
  if (c.has_trim_min_forms() && (c.trim_min_forms() < 1 || c.trim_min_forms() > 100000)) {
    return Invalid(at("trim_min_forms"), "an integer in [1, 100000]");
  }
  if (c.has_min_group_size() && (c.min_group_size() < 3 || c.min_group_size() > 1000)) {
    return Invalid(at("min_group_size"), "an integer in [3, 1000]: never below 3");
  }
  if (c.has_min_cell_size() && (c.min_cell_size() < 3 || c.min_cell_size() > 1000)) {
    return Invalid(at("min_cell_size"), "an integer in [3, 1000]: never below 3");
  }
  if (c.has_top_grade_quota() && !InRange(c.top_grade_quota(), 0, 1)) {
    return Invalid(at("top_grade_quota"), "a number in [0, 1]");
  }
  if (c.has_straight_liner_weight() && !InRange(c.straight_liner_weight(), 0, 1)) {
    return Invalid(at("straight_liner_weight"), "a number in [0, 1]");
  }
  if (c.has_straight_lining_min_forms() &&
      (c.straight_lining_min_forms() < 1 || c.straight_lining_min_forms() > 1000)) {
    return Invalid(at("straight_lining_min_forms"), "an integer in [1, 1000]");
  }
  if (c.has_lenient_unit_share() && !InRange(c.lenient_unit_share(), 0, 1)) {
    return Invalid(at("lenient_unit_share"), "a number in [0, 1]");
  }
  return absl::OkStatus();
}

}  // namespace

void FillScoringDefaults(v1::ScoringConfig& c) {
  if (c.grade_points_size() == 0) {
    for (auto [grade, points] : {std::pair{v1::GOOD, 100.0}, std::pair{v1::FAIRLY_GOOD, 80.0},
                                 std::pair{v1::AVERAGE, 60.0}, std::pair{v1::POOR, 40.0}}) {
      v1::GradePoints* g = c.add_grade_points();
      g->set_grade(grade);
      g->set_points(points);
    }
  }
  if (c.group_weights_size() == 0) {
    for (auto [group, weight] : {std::pair{v1::SUPERIOR, 0.3}, std::pair{v1::PEER, 0.3},
                                 std::pair{v1::SUBORDINATE, 0.2}, std::pair{v1::PUBLIC, 0.2}}) {
      v1::RaterGroupWeight* w = c.add_group_weights();
      w->set_rater_group(group);
      w->set_weight(weight);
    }
  }
  if (c.calibration() == v1::ScoringConfig::CALIBRATION_UNSPECIFIED) {
    c.set_calibration(v1::ScoringConfig::MANY_FACET);
  }
  if (!c.has_trim_fraction()) c.set_trim_fraction(0.1);
  if (!c.has_trim_min_forms()) c.set_trim_min_forms(10);
  if (!c.has_min_group_size()) c.set_min_group_size(3);
  if (!c.has_min_cell_size()) c.set_min_cell_size(3);
  if (c.thresholds_size() == 0) {
    for (auto [grade, min] : {std::pair{v1::GOOD, 90.0}, std::pair{v1::FAIRLY_GOOD, 70.0},
                              std::pair{v1::AVERAGE, 50.0}}) {
      v1::GradeThreshold* t = c.add_thresholds();
      t->set_grade(grade);
      t->set_min_score(min);
    }
  }
  if (!c.has_top_grade_quota()) c.set_top_grade_quota(0.3);
  if (!c.has_straight_liner_weight()) c.set_straight_liner_weight(0.1);
  if (!c.has_straight_lining_min_forms()) c.set_straight_lining_min_forms(3);
  if (!c.has_lenient_unit_share()) c.set_lenient_unit_share(0.9);
}

absl::Status ValidateScoring(absl::string_view field, const v1::ScoringConfig& config) {
  RETURN_IF_ERROR(CheckGradePoints(absl::StrCat(field, ".grade_points"), config));
  RETURN_IF_ERROR(CheckGroupWeights(absl::StrCat(field, ".group_weights"), config));
  RETURN_IF_ERROR(CheckThresholds(absl::StrCat(field, ".thresholds"), config));
  return CheckScalars(field, config);
}

scoring::ScoringConfig ToEngineConfig(const v1::ScoringConfig& c) {
  scoring::ScoringConfig e;
  for (const v1::GradePoints& g : c.grade_points()) {
    e.grade_points[g.grade() - 1] = g.points();
  }
  for (const v1::RaterGroupWeight& w : c.group_weights()) {
    e.group_weights[w.rater_group() - 1] = w.weight();
  }
  e.calibrate = c.calibration() != v1::ScoringConfig::NO_CALIBRATION;
  if (c.has_severity_shrinkage()) {
    e.severity_prior_forms = c.severity_shrinkage();
  }
  e.trim_fraction = c.trim_fraction();
  e.trim_min_forms = c.trim_min_forms();
  e.min_group_forms = c.min_group_size();
  for (const v1::GradeThreshold& t : c.thresholds()) {
    e.grade_thresholds[t.grade() - 1] = t.min_score();
  }
  e.top_grade_quota = c.top_grade_quota();
  e.straight_liner_weight = c.straight_liner_weight();
  e.straight_line_min_forms = c.straight_lining_min_forms();
  e.lenient_unit_share = c.lenient_unit_share();
  return e;
}

}  // namespace kaoping::evaluations
