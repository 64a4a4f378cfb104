#include "services/evaluations/scoring/engine.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/evaluations/scoring/calibration.h"

namespace kaoping::scoring {
namespace {

constexpr std::size_t kG = kRaterGroupCount;
constexpr std::size_t kD = kDimensionCount;
// Absorbs the representation error of products such as 0.1 * 30 before floor.
constexpr double kFloorSlack = 1e-9;
// Bounds that keep every sum of products far from overflow.
constexpr double kMaxWeight = 1e9;
constexpr double kMaxPoints = 1e6;
// The pooling prior used when groups agree within noise: every group's view
// is then the subject's consensus.
constexpr double kNoDisagreementPrior = 1e6;
constexpr char kGradeChoices[] = "must be one of GOOD, FAIRLY_GOOD, AVERAGE, POOR or unspecified (skipped)";

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
    const int order = names[static_cast<std::size_t>(a.index)].compare(names[static_cast<std::size_t>(b.index)]);
    return order != 0 ? order < 0 : a.index < b.index;
  });
  std::vector<std::int32_t> order(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    order[i] = keys[i].index;
  }
  return order;
}

// Union-find over subjects and raters: the connected components of the
// rater-subject graph.
class DisjointSets {
 public:
  explicit DisjointSets(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
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

// Composite of per-dimension values over the dimensions present; false when
// no present dimension has weight.
bool Composite(const double* dims, std::uint8_t mask, const double* dimension_weights, double* out) {
  double sum = 0;
  double weight = 0;
  for (std::size_t d = 0; d < kD; ++d) {
    if ((mask >> d) & 1) {
      sum += dimension_weights[d] * dims[d];
      weight += dimension_weights[d];
    }
  }
  *out = weight > 0 ? sum / weight : 0.0;
  return weight > 0;
}

// What reading one form tells, before anything is sorted.
struct FormFacts {
  std::int32_t subject = 0;
  std::int32_t rater = 0;  // first-seen number, then rank by id
  std::uint8_t group = 0;
  std::uint8_t overall = 0;
  std::uint8_t dimension_mask = 0;  // bit d: has a mark in dimension d
  std::uint8_t first_grade = 0;     // of its marks; 0 when none
  std::uint8_t uniform = 0;         // every mark identical
  std::uint8_t scored = 0;          // has a mark that counts
  std::int32_t marks = 0;
  std::int32_t good_marks = 0;
  std::array<double, kD> dims{};
  double score = 0;
};

// The forms in canonical order (by subject id, then rater id), as parallel
// arrays for the passes that follow.
struct FormTable {
  std::vector<std::int32_t> subject;
  std::vector<std::int32_t> rater;
  std::vector<std::uint8_t> group;
  std::vector<std::uint8_t> overall;
  std::vector<std::uint8_t> dimension_mask;
  std::vector<std::uint8_t> first_grade;
  std::vector<std::uint8_t> uniform;
  std::vector<std::uint8_t> scored;
  std::vector<std::int32_t> marks;
  std::vector<std::int32_t> good_marks;
  std::vector<double> raw_dims;  // [row * kD + d]
  std::vector<double> raw_score;
  std::vector<double> cal_dims;
  std::vector<double> cal_score;
  std::vector<double> adjustment;
  std::vector<double> weight;
  std::vector<FormStatus> raw_status;
  std::vector<FormStatus> cal_status;
};

// Orders `members` (rows of one group) by score and marks the trimmed ends;
// returns how many were trimmed.
int Trim(std::vector<std::int32_t>& members, const std::vector<double>& score, const std::vector<std::int32_t>& rater,
         const ScoringConfig& config, std::vector<FormStatus>& status) {
  const std::size_t n = members.size();
  for (std::int32_t row : members) {
    status[static_cast<std::size_t>(row)] = FormStatus::kCounted;
  }
  if (static_cast<int>(n) < config.trim_min_forms) {
    return 0;
  }
  const std::size_t k = static_cast<std::size_t>(std::floor(config.trim_fraction * static_cast<double>(n) + kFloorSlack));
  if (k == 0) {
    return 0;
  }
  // Equal scores are ordered by rater id, so which of two equal forms is
  // trimmed never depends on input order.
  std::sort(members.begin(), members.end(), [&](std::int32_t a, std::int32_t b) {
    const double sa = score[static_cast<std::size_t>(a)];
    const double sb = score[static_cast<std::size_t>(b)];
    return sa != sb ? sa < sb : rater[static_cast<std::size_t>(a)] < rater[static_cast<std::size_t>(b)];
  });
  for (std::size_t i = 0; i < k; ++i) {
    status[static_cast<std::size_t>(members[i])] = FormStatus::kTrimmedLow;
    status[static_cast<std::size_t>(members[n - 1 - i])] = FormStatus::kTrimmedHigh;
  }
  return static_cast<int>(2 * k);
}

// Weighted sums over the counted forms of one group (or of all groups: the
// consensus), per dimension and for the form scores.
struct Cell {
  std::array<double, kD> sum{};
  std::array<double, kD> dim_weight{};
  std::array<double, kD> dims{};  // means, where dim_weight > 0
  std::uint8_t mask = 0;
  double composite = 0;
  bool has = false;
  int counted = 0;
  double weight = 0;          // sum of w
  double weight_squared = 0;  // sum of w^2
  double score_sum = 0;       // sum of w * form score
  double score_squares = 0;   // sum of w * form score^2

  void Add(const double* form_dims, std::uint8_t form_mask, double score, double w) {
    for (std::size_t d = 0; d < kD; ++d) {
      if ((form_mask >> d) & 1) {
        sum[d] += w * form_dims[d];
        dim_weight[d] += w;
      }
    }
    ++counted;
    weight += w;
    weight_squared += w * w;
    score_sum += w * score;
    score_squares += w * score * score;
  }

  void Finish(const double* dimension_weights) {
    for (std::size_t d = 0; d < kD; ++d) {
      if (dim_weight[d] > 0) {
        dims[d] = sum[d] / dim_weight[d];
        mask |= static_cast<std::uint8_t>(1u << d);
      }
    }
    has = Composite(dims.data(), mask, dimension_weights, &composite);
  }

  // Kish's effective number of forms: what the weights leave of the count.
  double EffectiveForms() const { return weight_squared > 0 ? weight * weight / weight_squared : 0.0; }
};

// One subject under one view (raw or calibrated): its reporting groups and
// the consensus over all of them.
struct Cells {
  std::array<Cell, kG> group{};
  Cell consensus;
};

Cells Accumulate(const std::array<std::vector<std::int32_t>, kG>& members, const std::vector<double>& dims,
                 const std::vector<double>& score, const std::vector<double>* weight,
                 const std::vector<std::uint8_t>& dimension_mask, const std::vector<FormStatus>& status,
                 const double* dimension_weights) {
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
Combined Combine(const Cells& cells, const std::array<double, kG>& group_weight, const std::array<double, kG>& keep,
                 const double* dimension_weights) {
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
  if (a.calibrated_composite != b.calibrated_composite) {
    return a.calibrated_composite > b.calibrated_composite;
  }
  if (a.raw_composite != b.raw_composite) {
    return a.raw_composite > b.raw_composite;
  }
  return ia < ib;
}

TieBreak DecidingKey(const SubjectResult& a, const SubjectResult& b) {
  if (a.calibrated_composite != b.calibrated_composite) {
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

// One ScoreCampaign call. The phases run in order and share the interned
// arrays; subjects, raters and forms are numbered by id before any
// arithmetic, so every sum runs in an order the input cannot change.
class Scorer {
 public:
  explicit Scorer(const Campaign& campaign) : campaign_(campaign), config_(campaign.config) {}

  absl::StatusOr<CampaignResult> Run() {
    if (absl::Status status = ValidateConfig(config_); !status.ok()) {
      return status;
    }
    // Each step needs the one before: stop at the first invalid input.
    absl::Status status = ReadSubjects();
    if (status.ok()) {
      status = ReadForms();
    }
    if (status.ok()) {
      status = OrderForms();
    }
    if (status.ok()) {
      status = ReadLeads();
    }
    if (!status.ok()) {
      return status;
    }
    FindStraightLinersAndComponents();
    Calibrate();
    AggregateSubjects();
    PoolGroupViews();
    ApplyLeads();
    ProposeGrades();
    DescribeRaters();
    DescribeUnits();
    Summarize();
    return std::move(result_);
  }

 private:
  absl::Status ReadSubjects();
  absl::Status ReadForms();
  absl::Status OrderForms();
  absl::Status ReadLeads();
  void FindStraightLinersAndComponents();
  void Calibrate();
  void AggregateSubjects();
  void AggregateSubject(std::size_t s);
  void PoolGroupViews();
  double EstimateViewPrior();
  void ApplyLeads();
  void ProposeGrades();
  void DescribeRaters();
  void DescribeUnits();
  void Summarize();

  const double* DimensionWeights(std::size_t s) const { return dimension_weight_.data() + s * kD; }

  const Campaign& campaign_;
  const ScoringConfig& config_;

  // Subjects, by id.
  std::size_t subject_count_ = 0;
  std::vector<std::int32_t> subject_input_;  // sorted position -> input index
  absl::flat_hash_map<absl::string_view, std::int32_t> subject_index_;
  std::vector<std::size_t> criteria_at_;  // flat criteria of subject s: [at[s], at[s + 1])
  std::vector<std::uint8_t> criterion_dimension_;
  std::vector<double> criterion_weight_;
  std::vector<double> dimension_weight_;  // [s * kD + d]
  // Per (subject, criterion, grade) counts for the agreement index: integers,
  // so their sum does not depend on the order forms arrive in.
  std::vector<std::int32_t> grade_counts_;

  // Forms and raters.
  std::size_t form_count_ = 0;
  std::vector<FormFacts> facts_;  // input order, until OrderForms
  std::vector<absl::string_view> rater_names_;
  std::vector<std::int32_t> rater_by_name_;  // rank -> first-seen number
  std::size_t rater_count_ = 0;
  std::vector<std::size_t> subject_begin_;  // rows of subject s: [begin[s], begin[s + 1])
  FormTable forms_;
  std::vector<std::int32_t> rater_forms_;
  std::vector<std::uint8_t> straight_lining_;
  std::vector<std::int32_t> subject_component_;
  std::vector<std::int32_t> rater_component_;

  // Leads.
  std::vector<std::int32_t> lead_subject_;
  std::vector<std::int32_t> lead_order_;

  // Calibration.
  Fit fit_;
  std::vector<double> rater_severity_;
  double grand_mean_ = 0;

  // Aggregation, kept between the two passes over subjects.
  std::vector<Cells> cal_cells_;
  std::vector<std::array<double, kG>> group_weight_;
  std::array<std::vector<std::int32_t>, kG> members_;  // scratch

  CampaignResult result_;
};

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
      return Invalid(absl::StrCat(at, ".tier"), absl::StrCat("unknown post tier ", static_cast<int>(subject.tier),
                                                             "; must be one of PRINCIPAL, DEPUTY, FRONTLINE, STAFF"));
    }
    double dimension_weight_sum = 0;
    for (std::size_t d = 0; d < kD; ++d) {
      if (!IsWeight(subject.dimension_weights[d])) {
        return Invalid(absl::StrCat(at, ".dimension_weights[", d, "] (", DimensionName(static_cast<Dimension>(d)), ")"),
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
        return Invalid(absl::StrCat(at, ".criteria[", c, "].dimension"),
                       absl::StrCat("unknown dimension ", static_cast<int>(criterion.dimension),
                                    "; must be one of LOYALTY, STEADFASTNESS, RESPONSIBILITY, CAPABILITY, "
                                    "SELF_DISCIPLINE"));
      }
      if (!IsWeight(criterion.weight)) {
        return Invalid(absl::StrCat(at, ".criteria[", c, "].weight"), "must be a finite number in [0, 1e9]");
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
      criterion_dimension_[criteria_at_[s] + c] = static_cast<std::uint8_t>(subject.criteria[c].dimension);
      criterion_weight_[criteria_at_[s] + c] = subject.criteria[c].weight;
    }
    std::copy(subject.dimension_weights.begin(), subject.dimension_weights.end(), dimension_weight_.begin() + s * kD);
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
                     absl::StrCat("grade ", static_cast<int>(form.overall), " is out of range; ", kGradeChoices));
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
      auto [it, inserted] = rater_number.try_emplace(form.rater_id, static_cast<std::int32_t>(rater_names_.size()));
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
                     absl::StrCat(form.grades.size(), " grades for the ", criteria, " criteria of subject ",
                                  Quoted(form.subject_id)));
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
                         absl::StrCat("grade ", static_cast<int>(form.grades[c]), " is out of range; ",
                                      kGradeChoices));
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
    fact.scored = Composite(fact.dims.data(), fact.dimension_mask, DimensionWeights(s), &fact.score) ? 1 : 0;
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
      if (facts_[static_cast<std::size_t>(*it)].rater == facts_[static_cast<std::size_t>(*(it + 1))].rater) {
        const std::int32_t first = std::min(*it, *(it + 1));
        const std::int32_t second = std::max(*it, *(it + 1));
        const Form& form = campaign_.forms[static_cast<std::size_t>(second)];
        return Invalid(absl::StrCat("forms[", second, "]"),
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
    std::copy(fact.dims.begin(), fact.dims.end(), t.raw_dims.begin() + static_cast<std::ptrdiff_t>(row * kD));
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
      return Invalid(absl::StrCat(at, ".severity"), absl::StrCat("unknown severity ", static_cast<int>(lead.severity),
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
                     absl::StrCat("duplicate lead ", Quoted(leads[static_cast<std::size_t>(b)].id), " (also leads[",
                                  std::min(a, b), "])"));
    }
  }
  return absl::OkStatus();
}

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
    straight_lining_[r] =
        rater_forms_[r] >= config_.straight_line_min_forms && rater_grade[r] != 0 && rater_grade[r] != kMixed;
  }

  DisjointSets sets(subject_count_ + rater_count_);
  for (std::size_t row = 0; row < form_count_; ++row) {
    sets.Join(static_cast<std::size_t>(forms_.subject[row]), subject_count_ + static_cast<std::size_t>(forms_.rater[row]));
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
              DimensionWeights(static_cast<std::size_t>(forms_.subject[row])), &forms_.cal_score[row]);
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
  const Cells raw_cells = Accumulate(members_, forms_.raw_dims, forms_.raw_score, nullptr, forms_.dimension_mask,
                                     forms_.raw_status, dimension_weights);
  for (std::size_t g = 0; g < kG; ++g) {
    trimmed_cal[g] = Trim(members_[g], forms_.cal_score, forms_.rater, config_, forms_.cal_status);
  }
  cal_cells_[s] = Accumulate(members_, forms_.cal_dims, forms_.cal_score, config_.calibrate ? &forms_.weight : nullptr,
                             forms_.dimension_mask, forms_.cal_status, dimension_weights);
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
  return tau_squared > 0 ? std::min(noise / tau_squared, kNoDisagreementPrior) : kNoDisagreementPrior;
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
  const double prior = config_.group_view_prior_forms >= 0 ? config_.group_view_prior_forms : EstimateViewPrior();
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

void Scorer::ApplyLeads() {
  for (std::int32_t i : lead_order_) {
    const Lead& lead = campaign_.leads[static_cast<std::size_t>(i)];
    SubjectResult& out = result_.subjects[static_cast<std::size_t>(lead_subject_[static_cast<std::size_t>(i)])];
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
  summary.top_grade_quota =
      static_cast<int>(std::floor(config_.top_grade_quota * static_cast<double>(ranked.size()) + kFloorSlack));
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
      const SubjectResult& other = out.grade_reason == GradeReason::kQuotaDemoted ? result_.subjects[last_awarded]
                                                                                  : result_.subjects[first_demoted];
      out.quota_tie_break = DecidingKey(out, other);
    }
  }
}

void Scorer::DescribeRaters() {
  std::vector<double> rater_weight(rater_count_, 0.0);
  for (std::size_t row = 0; row < form_count_; ++row) {
    if (forms_.scored[row]) {
      rater_weight[static_cast<std::size_t>(forms_.rater[row])] += forms_.weight[row];
    }
  }
  result_.raters.resize(rater_count_);
  for (std::size_t r = 0; r < rater_count_; ++r) {
    RaterResult& rater = result_.raters[r];
    rater.rater_id = std::string(rater_names_[static_cast<std::size_t>(rater_by_name_[r])]);
    rater.forms = rater_forms_[r];
    rater.straight_lining = straight_lining_[r] != 0;
    rater.component = rater_component_[r];
    if (config_.calibrate) {
      rater.severity = rater_severity_[r];
      rater.shrinkage = rater_weight[r] / (rater_weight[r] + config_.severity_prior_forms + 1e-12);
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
    unit.good_mark_share = unit.marks > 0 ? static_cast<double>(good_marks[u]) / static_cast<double>(unit.marks) : 0.0;
    unit.good_overall_share = overall_graded[u] > 0
                                  ? static_cast<double>(overall_good[u]) / static_cast<double>(overall_graded[u])
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
  summary.straight_liners =
      static_cast<int>(std::count(straight_lining_.begin(), straight_lining_.end(), std::uint8_t{1}));
  summary.grand_mean = grand_mean_;
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

}  // namespace

absl::Status ValidateConfig(const ScoringConfig& config) {
  for (std::size_t i = 0; i < kGradeCount; ++i) {
    if (!(std::abs(config.grade_points[i]) <= kMaxPoints)) {
      return Invalid(absl::StrCat("config.grade_points[", i, "]"), "must be a finite number within +-1e6");
    }
    if (i > 0 && !(config.grade_points[i] <
                   config.grade_points[i - 1])) {
      return Invalid(absl::StrCat("config.grade_points[", i, "]"),
                     "must be below the points of the better grade (GOOD > FAIRLY_GOOD > AVERAGE > POOR)");
    }
  }
  double group_weight_sum = 0;
  for (std::size_t g = 0; g < kG; ++g) {
    const double w = config.group_weights[g];
    if (!IsWeight(w)) {
      return Invalid(absl::StrCat("config.group_weights[", g, "] (", RaterGroupName(static_cast<RaterGroup>(g)), ")"),
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
  if (!IsWeight(config.severity_prior_forms)) {
    return Invalid("config.severity_prior_forms", "must be a finite number in [0, 1e9]");
  }
  if (!(std::isfinite(config.interaction_prior_forms) && config.interaction_prior_forms <= kMaxWeight)) {
    return Invalid("config.interaction_prior_forms", "must be a finite number <= 1e9 (< 0 disables)");
  }
  if (!(std::isfinite(config.group_view_prior_forms) && config.group_view_prior_forms <= kMaxWeight)) {
    return Invalid("config.group_view_prior_forms", "must be a finite number <= 1e9 (< 0: estimated)");
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
      return Invalid(absl::StrCat("config.grade_thresholds[", i, "]"), "must be a finite number within +-1e6");
    }
    if (i > 0 && config.grade_thresholds[i] >
                     config.grade_thresholds[i - 1]) {
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
  if (!(config.lenient_unit_share >= 0 && config.lenient_unit_share <= 1)) {
    return Invalid("config.lenient_unit_share", "must be in [0, 1]");
  }
  return absl::OkStatus();
}

absl::StatusOr<CampaignResult> ScoreCampaign(const Campaign& campaign) { return Scorer(campaign).Run(); }

}  // namespace kaoping::scoring
