#include "services/evaluations/scoring/scorer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/evaluations/scoring/engine.h"
#include "services/evaluations/scoring/model.h"

// Reading and validating a campaign: subjects, forms (interned, scored and
// put in canonical order) and leads; and the configuration (ValidateConfig).

namespace kaoping::scoring {
namespace internal {
namespace {

// Bounds that keep every sum of products far from overflow.
constexpr double kMaxWeight = 1e9;
constexpr double kMaxPoints = 1e6;
constexpr char kGradeChoices[] =
    "must be one of GOOD, FAIRLY_GOOD, AVERAGE, POOR or unspecified (skipped)";

std::string Quoted(absl::string_view text) { return absl::StrCat("\"", text, "\""); }

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

bool IsFiniteNonNegative(double value) { return std::isfinite(value) && value >= 0; }
bool IsWeight(double value) { return IsFiniteNonNegative(value) && value <= kMaxWeight; }

// The order of `names` (as std::string's operator<), ties by position.
// Comparing a 16-byte prefix as two integers first avoids most memcmp calls:
// sorting 60,000 rater ids is otherwise a visible share of a campaign's time.
std::vector<std::int32_t> OrderByName(const std::vector<absl::string_view>& names) {
  struct Key {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    std::int32_t index = 0;
  };
  auto prefix = [](absl::string_view text, std::size_t at) {
    std::uint64_t value = 0;
    for (std::size_t i = at; i < at + 8; ++i) {
      value = (value << 8) | (i < text.size() ? static_cast<unsigned char>(text[i]) : 0u);
    }
    return value;
  };
  std::vector<Key> keys(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    keys[i] = Key{prefix(names[i], 0), prefix(names[i], 8), static_cast<std::int32_t>(i)};
  }
  // Different zero-padded prefixes order the strings as the strings do;
  // equal ones fall back to the full comparison.
  std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
    if (a.high != b.high) {
      return a.high < b.high;
    }
    if (a.low != b.low) {
      return a.low < b.low;
    }
    const int order =
        names[static_cast<std::size_t>(a.index)].compare(names[static_cast<std::size_t>(b.index)]);
    return order != 0 ? order < 0 : a.index < b.index;
  });
  std::vector<std::int32_t> order(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    order[i] = keys[i].index;
  }
  return order;
}

}  // namespace

absl::Status Scorer::ReadSubjects() {
  const std::vector<Subject>& subjects = campaign_.subjects;
  subject_count_ = subjects.size();
  if (subject_count_ > static_cast<std::size_t>(INT32_MAX) / kG ||
      campaign_.forms.size() > static_cast<std::size_t>(INT32_MAX)) {
    return absl::InvalidArgumentError("campaign too large for 32-bit row numbers");
  }
  for (std::size_t i = 0; i < subject_count_; ++i) {
    const Subject& subject = subjects[i];
    const std::string at = absl::StrCat("subjects[", i, "]");
    if (subject.id.empty()) {
      return Invalid(absl::StrCat(at, ".id"), "must not be empty");
    }
    if (subject.tier > PostTier::kStaff) {
      return Invalid(absl::StrCat(at, ".tier"),
                     absl::StrCat("unknown post tier ", static_cast<int>(subject.tier),
                                  "; must be one of PRINCIPAL, DEPUTY, FRONTLINE, STAFF"));
    }
    double dimension_weight_sum = 0;
    for (std::size_t d = 0; d < kD; ++d) {
      if (!IsWeight(subject.dimension_weights[d])) {
        return Invalid(absl::StrCat(at, ".dimension_weights[", d, "] (",
                                    DimensionName(static_cast<Dimension>(d)), ")"),
                       "must be a finite number in [0, 1e9]");
      }
      dimension_weight_sum += subject.dimension_weights[d];
    }
    if (!(dimension_weight_sum > 0)) {
      return Invalid(absl::StrCat(at, ".dimension_weights"), "must not all be 0");
    }
    for (std::size_t c = 0; c < subject.criteria.size(); ++c) {
      const Criterion& criterion = subject.criteria[c];
      if (criterion.dimension > Dimension::kSelfDiscipline) {
        return Invalid(
            absl::StrCat(at, ".criteria[", c, "].dimension"),
            absl::StrCat("unknown dimension ", static_cast<int>(criterion.dimension),
                         "; must be one of LOYALTY, STEADFASTNESS, RESPONSIBILITY, CAPABILITY, "
                         "SELF_DISCIPLINE"));
      }
      if (!IsWeight(criterion.weight)) {
        return Invalid(absl::StrCat(at, ".criteria[", c, "].weight"),
                       "must be a finite number in [0, 1e9]");
      }
    }
  }
  subject_input_.resize(subject_count_);
  std::iota(subject_input_.begin(), subject_input_.end(), 0);
  std::sort(subject_input_.begin(), subject_input_.end(), [&](std::int32_t a, std::int32_t b) {
    const std::string& ia = subjects[static_cast<std::size_t>(a)].id;
    const std::string& ib = subjects[static_cast<std::size_t>(b)].id;
    return ia != ib ? ia < ib : a < b;
  });
  subject_index_.reserve(subject_count_);
  criteria_at_.assign(subject_count_ + 1, 0);
  for (std::size_t s = 0; s < subject_count_; ++s) {
    const std::size_t i = static_cast<std::size_t>(subject_input_[s]);
    if (s > 0 && subjects[static_cast<std::size_t>(subject_input_[s - 1])].id == subjects[i].id) {
      return Invalid(absl::StrCat("subjects[", i, "].id"),
                     absl::StrCat("duplicate subject ", Quoted(subjects[i].id), " (also subjects[",
                                  subject_input_[s - 1], "])"));
    }
    subject_index_.emplace(subjects[i].id, static_cast<std::int32_t>(s));
    criteria_at_[s + 1] = criteria_at_[s] + subjects[i].criteria.size();
  }
  // Criteria and dimension weights in flat arrays, by sorted subject.
  criterion_dimension_.resize(criteria_at_[subject_count_]);
  criterion_weight_.resize(criteria_at_[subject_count_]);
  dimension_weight_.resize(subject_count_ * kD);
  for (std::size_t s = 0; s < subject_count_; ++s) {
    const Subject& subject = subjects[static_cast<std::size_t>(subject_input_[s])];
    for (std::size_t c = 0; c < subject.criteria.size(); ++c) {
      criterion_dimension_[criteria_at_[s] + c] =
          static_cast<std::uint8_t>(subject.criteria[c].dimension);
      criterion_weight_[criteria_at_[s] + c] = subject.criteria[c].weight;
    }
    std::copy(subject.dimension_weights.begin(), subject.dimension_weights.end(),
              dimension_weight_.begin() + s * kD);
  }
  grade_counts_.assign(criteria_at_[subject_count_] * kGradeCount, 0);
  return absl::OkStatus();
}

// Validates each form, interns its rater and scores its marks, in input
// order (so the first invalid form is the one reported).
absl::Status Scorer::ReadForms() {
  form_count_ = campaign_.forms.size();
  facts_.resize(form_count_);
  absl::flat_hash_map<absl::string_view, std::int32_t> rater_number;
  std::array<double, kGradeCount + 1> points{};  // by Grade value; 0 for skipped
  for (std::size_t g = 0; g < kGradeCount; ++g) {
    points[g + 1] = config_.grade_points[g];
  }
  absl::string_view previous_subject_id;
  std::int32_t previous_subject = -1;
  absl::string_view previous_rater_id;
  std::int32_t previous_rater = -1;
  for (std::size_t i = 0; i < form_count_; ++i) {
    const Form& form = campaign_.forms[i];
    FormFacts& fact = facts_[i];
    if (form.rater_id.empty()) {
      return Invalid(absl::StrCat("forms[", i, "].rater_id"), "must not be empty");
    }
    if (form.group > RaterGroup::kPublic) {
      return Invalid(absl::StrCat("forms[", i, "].group"),
                     absl::StrCat("unknown rater group ", static_cast<int>(form.group),
                                  "; must be one of SUPERIOR, PEER, SUBORDINATE, PUBLIC"));
    }
    if (form.overall > Grade::kPoor) {
      return Invalid(absl::StrCat("forms[", i, "].overall"),
                     absl::StrCat("grade ", static_cast<int>(form.overall), " is out of range; ",
                                  kGradeChoices));
    }
    fact.group = static_cast<std::uint8_t>(form.group);
    fact.overall = static_cast<std::uint8_t>(form.overall);
    // Forms usually arrive grouped by subject or by rater: skip the hash then.
    if (previous_subject >= 0 && form.subject_id == previous_subject_id) {
      fact.subject = previous_subject;
    } else {
      auto it = subject_index_.find(form.subject_id);
      if (it == subject_index_.end()) {
        return Invalid(absl::StrCat("forms[", i, "].subject_id"),
                       absl::StrCat("no subject ", Quoted(form.subject_id), " in the campaign"));
      }
      fact.subject = previous_subject = it->second;
      previous_subject_id = form.subject_id;
    }
    if (previous_rater >= 0 && form.rater_id == previous_rater_id) {
      fact.rater = previous_rater;
    } else {
      auto [it, inserted] =
          rater_number.try_emplace(form.rater_id, static_cast<std::int32_t>(rater_names_.size()));
      if (inserted) {
        rater_names_.push_back(form.rater_id);
      }
      fact.rater = previous_rater = it->second;
      previous_rater_id = form.rater_id;
    }
    const std::size_t s = static_cast<std::size_t>(fact.subject);
    const std::size_t criteria = criteria_at_[s + 1] - criteria_at_[s];
    if (form.grades.size() != criteria) {
      return Invalid(absl::StrCat("forms[", i, "].grades"),
                     absl::StrCat(form.grades.size(), " grades for the ", criteria,
                                  " criteria of subject ", Quoted(form.subject_id)));
    }
    // The hot loop: 25 marks per form, 3 million per county campaign.
    const std::uint8_t* dimension_of = criterion_dimension_.data() + criteria_at_[s];
    const double* weight_of = criterion_weight_.data() + criteria_at_[s];
    std::int32_t* counts = grade_counts_.data() + criteria_at_[s] * kGradeCount;
    std::array<double, kD> sum{};
    std::array<double, kD> weight{};
    std::uint8_t largest = 0;
    std::uint8_t first = 0;
    bool uniform = true;
    for (std::size_t c = 0; c < criteria; ++c) {
      const std::uint8_t grade = static_cast<std::uint8_t>(form.grades[c]);
      largest = std::max(largest, grade);
      if (grade == 0 || grade > kGradeCount) {
        continue;
      }
      const std::size_t d = dimension_of[c];
      sum[d] += weight_of[c] * points[grade];
      weight[d] += weight_of[c];
      ++counts[c * kGradeCount + grade - 1];
      ++fact.marks;
      fact.good_marks += grade == static_cast<std::uint8_t>(Grade::kGood) ? 1 : 0;
      first = first == 0 ? grade : first;
      uniform = uniform && grade == first;
    }
    if (largest > kGradeCount) {
      for (std::size_t c = 0; c < criteria; ++c) {
        if (static_cast<std::uint8_t>(form.grades[c]) > kGradeCount) {
          return Invalid(absl::StrCat("forms[", i, "].grades[", c, "]"),
                         absl::StrCat("grade ", static_cast<int>(form.grades[c]),
                                      " is out of range; ", kGradeChoices));
        }
      }
    }
    for (std::size_t d = 0; d < kD; ++d) {
      if (weight[d] > 0) {
        fact.dims[d] = sum[d] / weight[d];
        fact.dimension_mask |= static_cast<std::uint8_t>(1u << d);
      }
    }
    fact.first_grade = first;
    fact.uniform = fact.marks > 0 && uniform ? 1 : 0;
    fact.scored =
        Composite(fact.dims.data(), fact.dimension_mask, DimensionWeights(s), &fact.score) ? 1 : 0;
  }
  return absl::OkStatus();
}

// Numbers raters by id, sorts forms by (subject, rater), rejects duplicates
// and lays the forms out in that canonical order.
absl::Status Scorer::OrderForms() {
  rater_count_ = rater_names_.size();
  rater_by_name_ = OrderByName(rater_names_);
  std::vector<std::int32_t> rank(rater_count_);
  for (std::size_t r = 0; r < rater_count_; ++r) {
    rank[static_cast<std::size_t>(rater_by_name_[r])] = static_cast<std::int32_t>(r);
  }
  for (FormFacts& fact : facts_) {
    fact.rater = rank[static_cast<std::size_t>(fact.rater)];
  }

  // Counting sort by subject, then by rater within each subject.
  subject_begin_.assign(subject_count_ + 1, 0);
  for (const FormFacts& fact : facts_) {
    ++subject_begin_[static_cast<std::size_t>(fact.subject) + 1];
  }
  for (std::size_t s = 0; s < subject_count_; ++s) {
    subject_begin_[s + 1] += subject_begin_[s];
  }
  std::vector<std::int32_t> order(form_count_);
  {
    std::vector<std::size_t> next(subject_begin_.begin(), subject_begin_.end() - 1);
    for (std::size_t i = 0; i < form_count_; ++i) {
      order[next[static_cast<std::size_t>(facts_[i].subject)]++] = static_cast<std::int32_t>(i);
    }
  }
  for (std::size_t s = 0; s < subject_count_; ++s) {
    const auto begin = order.begin() + static_cast<std::ptrdiff_t>(subject_begin_[s]);
    const auto end = order.begin() + static_cast<std::ptrdiff_t>(subject_begin_[s + 1]);
    std::sort(begin, end, [&](std::int32_t a, std::int32_t b) {
      const std::int32_t ra = facts_[static_cast<std::size_t>(a)].rater;
      const std::int32_t rb = facts_[static_cast<std::size_t>(b)].rater;
      return ra != rb ? ra < rb : a < b;
    });
    for (auto it = begin; it != end && it + 1 != end; ++it) {
      if (facts_[static_cast<std::size_t>(*it)].rater ==
          facts_[static_cast<std::size_t>(*(it + 1))].rater) {
        const std::int32_t first = std::min(*it, *(it + 1));
        const std::int32_t second = std::max(*it, *(it + 1));
        const Form& form = campaign_.forms[static_cast<std::size_t>(second)];
        return Invalid(
            absl::StrCat("forms[", second, "]"),
            absl::StrCat("duplicate form by rater ", Quoted(form.rater_id), " on subject ",
                         Quoted(form.subject_id), " (also forms[", first, "])"));
      }
    }
  }

  FormTable& t = forms_;
  const std::size_t n = form_count_;
  t.subject.resize(n);
  t.rater.resize(n);
  t.group.resize(n);
  t.overall.resize(n);
  t.dimension_mask.resize(n);
  t.first_grade.resize(n);
  t.uniform.resize(n);
  t.scored.resize(n);
  t.marks.resize(n);
  t.good_marks.resize(n);
  t.raw_dims.resize(n * kD);
  t.raw_score.resize(n);
  for (std::size_t row = 0; row < n; ++row) {
    const FormFacts& fact = facts_[static_cast<std::size_t>(order[row])];
    t.subject[row] = fact.subject;
    t.rater[row] = fact.rater;
    t.group[row] = fact.group;
    t.overall[row] = fact.overall;
    t.dimension_mask[row] = fact.dimension_mask;
    t.first_grade[row] = fact.first_grade;
    t.uniform[row] = fact.uniform;
    t.scored[row] = fact.scored;
    t.marks[row] = fact.marks;
    t.good_marks[row] = fact.good_marks;
    std::copy(fact.dims.begin(), fact.dims.end(),
              t.raw_dims.begin() + static_cast<std::ptrdiff_t>(row * kD));
    t.raw_score[row] = fact.score;
  }
  t.raw_status.assign(n, FormStatus::kNoMarks);
  t.cal_status.assign(n, FormStatus::kNoMarks);
  facts_ = {};
  return absl::OkStatus();
}

absl::Status Scorer::ReadLeads() {
  const std::vector<Lead>& leads = campaign_.leads;
  lead_subject_.resize(leads.size());
  for (std::size_t i = 0; i < leads.size(); ++i) {
    const Lead& lead = leads[i];
    const std::string at = absl::StrCat("leads[", i, "]");
    if (lead.id.empty()) {
      return Invalid(absl::StrCat(at, ".id"), "must not be empty");
    }
    auto it = subject_index_.find(lead.subject_id);
    if (it == subject_index_.end()) {
      return Invalid(absl::StrCat(at, ".subject_id"),
                     absl::StrCat("no subject ", Quoted(lead.subject_id), " in the campaign"));
    }
    lead_subject_[i] = it->second;
    if (lead.severity > Severity::kVeto) {
      return Invalid(absl::StrCat(at, ".severity"),
                     absl::StrCat("unknown severity ", static_cast<int>(lead.severity),
                                  "; must be one of NOTE, DEDUCT, VETO"));
    }
    if (!(IsFiniteNonNegative(lead.deduction_points) && lead.deduction_points <= kMaxPoints)) {
      return Invalid(absl::StrCat(at, ".deduction_points"), "must be a finite number in [0, 1e6]");
    }
  }
  lead_order_.resize(leads.size());
  std::iota(lead_order_.begin(), lead_order_.end(), 0);
  std::sort(lead_order_.begin(), lead_order_.end(), [&](std::int32_t a, std::int32_t b) {
    const std::string& ia = leads[static_cast<std::size_t>(a)].id;
    const std::string& ib = leads[static_cast<std::size_t>(b)].id;
    return ia != ib ? ia < ib : a < b;
  });
  for (std::size_t k = 1; k < lead_order_.size(); ++k) {
    const std::int32_t a = lead_order_[k - 1];
    const std::int32_t b = lead_order_[k];
    if (leads[static_cast<std::size_t>(a)].id == leads[static_cast<std::size_t>(b)].id) {
      return Invalid(absl::StrCat("leads[", std::max(a, b), "].id"),
                     absl::StrCat("duplicate lead ", Quoted(leads[static_cast<std::size_t>(b)].id),
                                  " (also leads[", std::min(a, b), "])"));
    }
  }
  return absl::OkStatus();
}

}  // namespace internal

// ValidateConfig is public; it reports with the same helpers as the readers.
using internal::Invalid;
using internal::IsWeight;
using internal::kG;
using internal::kMaxPoints;
using internal::kMaxWeight;

absl::Status ValidateConfig(const ScoringConfig& config) {
  for (std::size_t i = 0; i < kGradeCount; ++i) {
    if (!(std::abs(config.grade_points[i]) <= kMaxPoints)) {
      return Invalid(absl::StrCat("config.grade_points[", i, "]"),
                     "must be a finite number within +-1e6");
    }
    if (i > 0 && !(config.grade_points[i] < config.grade_points[i - 1])) {
      return Invalid(
          absl::StrCat("config.grade_points[", i, "]"),
          "must be below the points of the better grade (GOOD > FAIRLY_GOOD > AVERAGE > POOR)");
    }
  }
  double group_weight_sum = 0;
  for (std::size_t g = 0; g < kG; ++g) {
    const double w = config.group_weights[g];
    if (!IsWeight(w)) {
      return Invalid(absl::StrCat("config.group_weights[", g, "] (",
                                  RaterGroupName(static_cast<RaterGroup>(g)), ")"),
                     "must be a finite number in [0, 1e9]");
    }
    group_weight_sum += w;
  }
  if (!(group_weight_sum > 0)) {
    return Invalid("config.group_weights", "must not all be 0");
  }
  if (config.trim_min_forms < 1) {
    return Invalid("config.trim_min_forms", "must be >= 1");
  }
  if (!(config.trim_fraction >= 0 && config.trim_fraction < 0.5)) {
    return Invalid("config.trim_fraction", "must be in [0, 0.5)");
  }
  if (config.min_group_forms < 1) {
    return Invalid("config.min_group_forms", "must be >= 1");
  }
  if (!(std::isfinite(config.severity_prior_forms) && config.severity_prior_forms <= kMaxWeight)) {
    return Invalid("config.severity_prior_forms",
                   "must be a finite number <= 1e9 (< 0: estimated)");
  }
  if (!(std::isfinite(config.rater_slope_prior_forms) &&
        config.rater_slope_prior_forms <= kMaxWeight)) {
    return Invalid("config.rater_slope_prior_forms",
                   "must be a finite number <= 1e9 (< 0 disables)");
  }
  if (!(std::isfinite(config.interaction_prior_forms) &&
        config.interaction_prior_forms <= kMaxWeight)) {
    return Invalid("config.interaction_prior_forms",
                   "must be a finite number <= 1e9 (< 0 disables)");
  }
  if (!(std::isfinite(config.group_view_prior_forms) &&
        config.group_view_prior_forms <= kMaxWeight)) {
    return Invalid("config.group_view_prior_forms",
                   "must be a finite number <= 1e9 (< 0: estimated)");
  }
  if (!IsWeight(config.huber_k)) {
    return Invalid("config.huber_k", "must be a finite number >= 0 (0 disables)");
  }
  if (config.robust_rounds < 0 || config.robust_rounds > 10) {
    return Invalid("config.robust_rounds", "must be in [0, 10]");
  }
  if (config.straight_line_min_forms < 1) {
    return Invalid("config.straight_line_min_forms", "must be >= 1");
  }
  if (!(config.straight_liner_weight > 0 && config.straight_liner_weight <= 1)) {
    return Invalid("config.straight_liner_weight", "must be in (0, 1]");
  }
  if (config.max_iterations < 1 || config.max_iterations > 100000) {
    return Invalid("config.max_iterations", "must be in [1, 100000]");
  }
  if (!(std::isfinite(config.tolerance) && config.tolerance > 0)) {
    return Invalid("config.tolerance", "must be a finite number > 0");
  }
  for (std::size_t i = 0; i < 3; ++i) {
    if (!(std::abs(config.grade_thresholds[i]) <= kMaxPoints)) {
      return Invalid(absl::StrCat("config.grade_thresholds[", i, "]"),
                     "must be a finite number within +-1e6");
    }
    if (i > 0 && config.grade_thresholds[i] > config.grade_thresholds[i - 1]) {
      return Invalid(absl::StrCat("config.grade_thresholds[", i, "]"),
                     "must not exceed the threshold of the better grade");
    }
  }
  if (!(config.top_grade_quota >= 0 && config.top_grade_quota <= 1)) {
    return Invalid("config.top_grade_quota", "must be in [0, 1]");
  }
  if (config.veto_grade < Grade::kGood || config.veto_grade > Grade::kPoor) {
    return Invalid("config.veto_grade", "must be one of GOOD, FAIRLY_GOOD, AVERAGE, POOR");
  }
  if (!(config.quota_line_z >= 0 && config.quota_line_z <= 100)) {
    return Invalid("config.quota_line_z", "must be in [0, 100]");
  }
  if (!(config.lenient_unit_share >= 0 && config.lenient_unit_share <= 1)) {
    return Invalid("config.lenient_unit_share", "must be in [0, 1]");
  }
  return absl::OkStatus();
}

}  // namespace kaoping::scoring
