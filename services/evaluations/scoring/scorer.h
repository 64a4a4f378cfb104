#pragma once

// The internals of ScoreCampaign (engine.h), shared by the files that hold its
// phases: scorer_input.cc (reading and validating the input),
// scorer_calibrate.cc (straight-liners, components, the fit, calibrated
// marks), scorer_aggregate.cc (merging, trimming, each subject's figures),
// scorer_pool.cc (pooling of group views, fitted quality and its standard
// error), scorer_grades.cc (leads, grades, the quota line, raters, units,
// summary) and engine.cc (the phases in order). Not part of the library's
// API.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/evaluations/scoring/calibration.h"
#include "services/evaluations/scoring/latent_scale.h"
#include "services/evaluations/scoring/model.h"

namespace kaoping::scoring::internal {

constexpr std::size_t kG = kRaterGroupCount;
constexpr std::size_t kD = kDimensionCount;
// Absorbs the representation error of products such as 0.1 * 30 before floor.
constexpr double kFloorSlack = 1e-9;

// Composite of per-dimension values over the dimensions present; false when
// no present dimension has weight.
inline bool Composite(const double* dims, std::uint8_t mask, const double* dimension_weights,
                      double* out) {
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
  std::vector<std::uint8_t> scored_in;  // reporting group after merging
  // Calibrated marks on the latent scale (latent_scale.h); raw ones without
  // calibration.
  std::vector<double> cal_dims;
  std::vector<double> cal_score;
  std::vector<double> adjustment;  // latent score - calibrated score
  std::vector<double> weight;
  std::vector<FormStatus> raw_status;
  std::vector<FormStatus> cal_status;
};

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
  double EffectiveForms() const {
    return weight_squared > 0 ? weight * weight / weight_squared : 0.0;
  }
};

// One subject under one view (raw or calibrated): its reporting groups and
// the consensus over all of them.
struct Cells {
  std::array<Cell, kG> group{};
  Cell consensus;
};

// A subject's groups combined: each group's view (its means, pulled toward
// the consensus by 1 - keep[g]) and, with the group weights, the dimension
// scores and the composite.
struct Combined {
  std::array<std::array<double, kD>, kG> view{};  // per group, per dimension
  std::array<double, kG> view_composite{};
  std::array<double, kD> dims{};
  std::array<bool, kD> dim_present{};
  double composite = 0;
  bool scored = false;
};

// keep = 1 leaves a group's means exactly as they are (the raw figures).
Combined Combine(const Cells& cells, const std::array<double, kG>& group_weight,
                 const std::array<double, kG>& keep, const double* dimension_weights);

// One ScoreCampaign call. The phases run in order and share the interned
// arrays; subjects, raters and forms are numbered by id before any
// arithmetic, so every sum runs in an order the input cannot change.
class Scorer {
 public:
  explicit Scorer(const Campaign& campaign)
      : campaign_(campaign), config_(campaign.config), scale_(campaign.config) {}

  // The phases in order (engine.cc).
  absl::StatusOr<CampaignResult> Run();

 private:
  // What merging decided for one subject's groups.
  struct Merged {
    std::array<std::size_t, kG> target{0, 1, 2, 3};  // reporting group of each group
    std::array<int, kG> count{};                     // forms with marks, as submitted
    std::array<int, kG> trimmed_raw{};
    std::array<int, kG> trimmed_calibrated{};
    std::array<double, kG> raw{};  // each reporting group's raw composite
  };

  // scorer_input.cc
  absl::Status ReadSubjects();
  absl::Status ReadForms();
  absl::Status OrderForms();
  absl::Status ReadLeads();
  // scorer_calibrate.cc
  void FindStraightLiners();
  void FindComponents();
  Observations BuildObservations(std::vector<double>& latent_dims, std::vector<std::size_t>& row_of,
                                 std::vector<std::int32_t>& fit_rater) const;
  void Calibrate();
  // scorer_aggregate.cc: the first pass over subjects, one phase per call.
  void AggregateSubjects();
  void AggregateSubject(std::size_t s);
  void DescribeSubject(std::size_t s, SubjectResult& out) const;
  Merged MergeSmallGroups(std::size_t s);
  void RawFigures(std::size_t s, Merged& merged, SubjectResult& out);
  void CalibratedCells(std::size_t s, Merged& merged);
  void ReportGroups(std::size_t s, const Merged& merged, SubjectResult& out) const;
  void ReportForms(std::size_t s, SubjectResult& out) const;
  std::optional<double> Agreement(std::size_t s, int forms_with_marks) const;
  // scorer_pool.cc: the second pass, once the whole campaign is aggregated.
  void PoolGroupViews();
  double EstimateViewPrior();
  double LevelShift(const std::vector<Combined>& combined) const;
  void ReportCalibrated(std::size_t s, const Combined& cal, const std::array<double, kG>& keep,
                        double level);
  double StandardError(std::size_t s, const std::array<double, kG>& keep, double sd) const;
  double WithinSubjectSpread() const;
  // scorer_grades.cc
  void ApplyLeads();
  void ProposeGrades();
  void FlagQuotaLine(const std::vector<std::size_t>& ranked);
  void DescribeRaters();
  void DescribeUnits();
  void Summarize();

  const double* DimensionWeights(std::size_t s) const { return dimension_weight_.data() + s * kD; }
  // A calibrated figure as reported: from the latent scale to grade points
  // (without calibration the figures are raw points already).
  double Reported(double calibrated) const {
    return config_.calibrate ? scale_.ToPoints(calibrated) : calibrated;
  }

  const Campaign& campaign_;
  const ScoringConfig& config_;
  LatentScale scale_;

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
  std::vector<double> rater_slope_;
  std::vector<double> rater_precision_;  // forms + prior behind the severity

  // Aggregation, kept between the two passes over subjects.
  std::vector<Cells> cal_cells_;
  std::vector<std::array<double, kG>> group_weight_;
  std::array<std::vector<std::int32_t>, kG> members_;  // scratch

  CampaignResult result_;
};

}  // namespace kaoping::scoring::internal
