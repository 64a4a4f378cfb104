#pragma once

// The scoring engine's vocabulary: what a campaign hands in (subjects, forms,
// verified leads, configuration) and what comes back (scores that explain
// themselves). Plain structs with no gRPC, protobuf or storage in them: the
// evaluations service maps its protos onto these and back. Every number of
// the model lives in ScoringConfig; the defaults are DESIGN.md §7.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kaoping::scoring {

// 好 / 较好 / 一般 / 较差. kUnspecified is the proto's zero value: in
// Form::grades it means "criterion skipped"; in a result, "no grade proposed".
enum class Grade : std::uint8_t {
  kUnspecified = 0,
  kGood = 1,
  kFairlyGood = 2,
  kAverage = 3,
  kPoor = 4,
};
inline constexpr int kGradeCount = 4;  // graded values, kGood..kPoor

// In the order groups are merged (see ScoringConfig::min_group_forms).
enum class RaterGroup : std::uint8_t {
  kSuperior = 0,
  kPeer = 1,
  kSubordinate = 2,
  kPublic = 3,  // the public and service recipients
};
inline constexpr int kRaterGroupCount = 4;

// 政治忠诚 / 政治定力 / 政治担当 / 政治能力 / 政治自律.
enum class Dimension : std::uint8_t {
  kLoyalty = 0,
  kSteadfastness = 1,
  kResponsibility = 2,
  kCapability = 3,
  kSelfDiscipline = 4,
};
inline constexpr int kDimensionCount = 5;

// A verified lead's weight: NOTE is recorded only, DEDUCT subtracts points,
// VETO (一票否决) overrides every score.
enum class Severity : std::uint8_t {
  kNote = 0,
  kDeduct = 1,
  kVeto = 2,
};

// 一把手 / 副职 / 基层一线 / 一般干部. Informational here: the tier's profile
// already arrives resolved as Subject::dimension_weights.
enum class PostTier : std::uint8_t {
  kPrincipal = 0,
  kDeputy = 1,
  kFrontline = 2,
  kStaff = 3,
};

// Upper-case identifiers as in DESIGN.md's glossary ("GOOD", "PEER", ...),
// "UNKNOWN(<n>)" for a value outside the enum.
std::string GradeName(Grade grade);
std::string RaterGroupName(RaterGroup group);
std::string DimensionName(Dimension dimension);
std::string SeverityName(Severity severity);
std::string PostTierName(PostTier tier);

// ---------------------------------------------------------------- input ----

// A positive criterion (正面评价标准) of the subject's resolved catalog.
struct Criterion {
  std::string id;
  Dimension dimension = Dimension::kLoyalty;
  double weight = 1.0;  // relative weight inside its dimension; >= 0
};

// A cadre assessed in the campaign.
struct Subject {
  std::string id;
  std::string unit_id;
  PostTier tier = PostTier::kStaff;
  // The positive criteria in the order a form's grades follow.
  std::vector<Criterion> criteria;
  // The tier profile: relative weight of each dimension, indexed by Dimension.
  std::array<double, kDimensionCount> dimension_weights = {1, 1, 1, 1, 1};
};

// One rater's evaluation form (正反向测评表) about one subject. Ticked
// negative items are not here: they become leads, and only verified leads
// reach the engine.
struct Form {
  std::string rater_id;
  RaterGroup group = RaterGroup::kPeer;
  std::string subject_id;
  // One entry per Subject::criteria, same order; kUnspecified = skipped.
  std::vector<Grade> grades;
  Grade overall = Grade::kUnspecified;  // may be skipped
};

// A verified (核实) lead. Unverified leads must not be passed in.
struct Lead {
  std::string id;
  std::string subject_id;
  Severity severity = Severity::kNote;
  double deduction_points = 0;  // counted for kDeduct only; >= 0
};

struct ScoringConfig {
  // Points of GOOD, FAIRLY_GOOD, AVERAGE, POOR (index = Grade - 1); strictly
  // decreasing.
  std::array<double, kGradeCount> grade_points = {100, 80, 60, 40};
  // SUPERIOR, PEER, SUBORDINATE, PUBLIC; >= 0, renormalized over the groups
  // present for a subject.
  std::array<double, kRaterGroupCount> group_weights = {0.3, 0.3, 0.2, 0.2};

  // A group with at least trim_min_forms forms drops floor(trim_fraction * n)
  // forms from each end.
  int trim_min_forms = 10;
  double trim_fraction = 0.10;
  // A group with fewer forms is merged into its neighbour and never shown
  // alone. The merged group keeps the weight of the group it joins: the small
  // group's own weight is shared by all groups, as an absent group's is, so
  // that no group's weight silently doubles.
  int min_group_forms = 3;
  // Trim the calibrated figures as the raw ones (false: the calibrated
  // figures use every form; the fit's weights, not trimming, decide what
  // counts how much; README.md shows what trimming them would cost).
  bool trim_calibrated = false;

  // Calibration, on the latent scale of latent_scale.h (each dimension's
  // mean as the logit of its place in the grade range, in "latent points":
  // one latent point is one grade point at the middle of the range, the ends
  // stretched). Off: calibrated figures equal the raw ones.
  bool calibrate = true;
  // False: calibrate on grade points instead of the latent scale, reported
  // figures clamped to the grade range (for comparison; README.md's
  // ablation shows what the latent scale gains).
  bool latent_scale = true;
  // Shrinkage of rater severity toward zero, in pseudo-forms: a rater with n
  // forms keeps n / (n + severity_prior_forms) of the severity the data shows.
  // Negative: estimated from the campaign (empirical Bayes: the spread of a
  // rater's forms around their own mean over the spread of the raters' real
  // severities; CampaignSummary::severity_prior reports the value used).
  double severity_prior_forms = -1.0;
  // A level per rater group (campaign-wide, unshrunk) in the fit, so that a
  // rater's severity is shrunk toward their group's level rather than toward
  // the campaign's. False (the default): one level for all groups; in the
  // simulator the group levels cost ranking precision (README.md).
  bool group_effects = false;
  // Per-rater slope (discrimination): a rater who squeezes every mark toward
  // the middle (central tendency) or toward the top has a slope below 1, and
  // their marks are stretched back and weighted by slope^2. Shrunk toward 1
  // with this many pseudo-forms; negative: no slopes (every slope 1).
  double rater_slope_prior_forms = -1.0;
  // In the fit, a rater group's departure from the other groups on one
  // subject (e.g. subordinates flattering their own leader) is absorbed by its
  // own term, shrunk with this many pseudo-forms, so that it is not mistaken
  // for the raters' severity. Negative: no such term (the default: in the
  // simulator it took from rater severity more than it gave; README.md).
  double interaction_prior_forms = -1.0;
  // Each group's calibrated view of a subject is pulled toward the subject's
  // consensus (all groups' calibrated forms) with this many pseudo-forms before
  // the group weights apply: a group of 3 forms borrows more than one of 30.
  // Negative: estimated from the campaign (empirical Bayes: how much groups
  // really disagree about the same subject, beyond what their noise explains).
  double group_view_prior_forms = -1.0;
  // Forms whose residual exceeds huber_k residual standard deviations are
  // down-weighted (Huber). 0 disables robust weighting (the default: in the
  // simulator it changed nothing).
  double huber_k = 0.0;
  int robust_rounds = 2;
  // Straight-lining: a rater with at least straight_line_min_forms forms whose
  // every mark is identical. Their forms get straight_liner_weight.
  int straight_line_min_forms = 3;
  double straight_liner_weight = 0.1;
  // Solver limits (conjugate gradient on the normal equations).
  int max_iterations = 500;
  double tolerance = 1e-6;  // in latent points, on the largest parameter change

  // Proposed grade from the final score: GOOD at or above the first value,
  // FAIRLY_GOOD at or above the second, AVERAGE at or above the third, else
  // POOR. Defaults are the midpoints between grade points.
  std::array<double, 3> grade_thresholds = {90, 70, 50};
  // At most floor(top_grade_quota * scored subjects) GOOD grades, by rank.
  double top_grade_quota = 0.30;
  // The proposed grade of a subject with a verified VETO lead.
  Grade veto_grade = Grade::kPoor;

  // Two subjects on either side of the top-grade quota line are flagged as
  // uncertain when their final scores differ by less than quota_line_z
  // standard errors of the difference (each subject's fitted_quality_se
  // taken to the reported scale at its place).
  double quota_line_z = 1.0;

  // A unit is flagged when at least this share of the marks its subjects
  // received are GOOD (好人思想 made visible).
  double lenient_unit_share = 0.90;
};

struct Campaign {
  std::vector<Subject> subjects;
  std::vector<Form> forms;
  std::vector<Lead> leads;
  ScoringConfig config;
};

// --------------------------------------------------------------- output ----

enum class FormStatus : std::uint8_t {
  kCounted = 0,
  kTrimmedLow = 1,   // among the lowest floor(trim_fraction * n) of its group
  kTrimmedHigh = 2,  // among the highest
  kNoMarks = 3,      // every criterion skipped: counts nowhere
};

// How one form entered its subject's score.
struct FormOutcome {
  std::int32_t rater = 0;                    // index into CampaignResult::raters
  RaterGroup group = RaterGroup::kPeer;      // as submitted
  RaterGroup scored_in = RaterGroup::kPeer;  // after merging small groups
  FormStatus raw_status = FormStatus::kCounted;
  // kCounted unless the form has no marks, or ScoringConfig::trim_calibrated
  // trimmed it.
  FormStatus calibrated_status = FormStatus::kCounted;
  Grade overall = Grade::kUnspecified;
  double raw_score = 0;  // criterion- and dimension-weighted mean of its marks
  // What calibration removed, in latent points: the form's latent score
  // minus its calibrated one (the rater's severity, group level if any, and
  // the campaign-wide constant that keeps the mean; with rater slopes, the
  // stretch too). 0 without calibration.
  double adjustment = 0;
  // Reported on grade points (latent_scale.h).
  double calibrated_score = 0;
  // In the calibrated figures: straight-lining x robust x slope^2.
  double weight = 1;
  friend bool operator==(const FormOutcome&, const FormOutcome&) = default;
};

// A rater group as scored for one subject (after merging).
struct GroupOutcome {
  RaterGroup group = RaterGroup::kPeer;
  std::vector<RaterGroup> merged;  // small groups folded into this one
  int forms = 0;                   // forms with marks, merged ones included
  int trimmed_raw = 0;
  int trimmed_calibrated = 0;  // 0 unless ScoringConfig::trim_calibrated
  // Share of the subject's score after renormalization: the weight of the
  // group itself (merged groups bring none of their own).
  double weight = 0;
  double raw = 0;
  double calibrated = 0;  // reported on grade points, as view
  // The group's calibrated view after pooling: consensus + (1 - pooled) *
  // (calibrated - consensus) on the latent scale. The group weights apply to
  // this.
  double view = 0;
  double pooled = 0;  // share pulled toward the subject's consensus, 0..1
  friend bool operator==(const GroupOutcome&, const GroupOutcome&) = default;
};

struct DimensionOutcome {
  Dimension dimension = Dimension::kLoyalty;
  double weight = 0;  // share of the composite after renormalization
  int marks = 0;
  double raw = 0;
  double calibrated = 0;  // reported on grade points
  friend bool operator==(const DimensionOutcome&, const DimensionOutcome&) = default;
};

struct LeadOutcome {
  std::string lead_id;
  Severity severity = Severity::kNote;
  double points = 0;  // deducted (kDeduct only)
  friend bool operator==(const LeadOutcome&, const LeadOutcome&) = default;
};

enum class GradeReason : std::uint8_t {
  kNoScore = 0,       // no form with marks from a group with weight
  kThreshold = 1,     // thresholds on the final score, within the quota
  kQuotaDemoted = 2,  // GOOD by threshold, beyond the top-grade quota
  kVeto = 3,          // a verified VETO lead
};

// Which key separated two subjects with the same final score.
enum class TieBreak : std::uint8_t {
  kNone = 0,
  kCalibrated = 1,  // higher calibrated composite (fitted quality) first
  kRaw = 2,         // then higher raw composite
  kSubjectId = 3,   // then smaller subject id
};

struct SubjectResult {
  std::string subject_id;
  std::string unit_id;
  int forms_submitted = 0;
  int forms_with_marks = 0;
  bool scored = false;
  // Fewer than min_group_forms forms in all: the figures are for the
  // assessment team only, never for a dashboard (small-cell suppression).
  bool suppressed = false;
  double raw_composite = 0;
  // The fitted quality reported on grade points (latent_scale.h): strictly
  // increasing in it, so the order and every difference among the best
  // cadres survive, inside the grade range.
  double calibrated_composite = 0;
  // What the ranking is taken from: the fitted model's estimate of the
  // subject under the group and dimension weights, on the latent scale (in
  // latent points: open-ended, a top cadre rated by strict raters reads far
  // above 100). Without calibration, the raw composite (points).
  double fitted_quality = 0;
  // Its standard error, same units: form noise (the fit's residual spread
  // through each form's share of the composite) and the uncertainty of the
  // raters' severities; within 10% below the exact posterior figure on
  // simulated counties (README.md). 0 for an unscored subject.
  double fitted_quality_se = 0;
  // Weighted mean of all counted calibrated forms, whatever their group
  // (reported on grade points).
  double consensus = 0;
  double deductions = 0;   // sum of verified DEDUCT leads
  double final_score = 0;  // max(0, calibrated_composite - deductions)
  bool vetoed = false;
  // r_wg(J) over the criteria (James, Demaree & Wolf 1984): 1 = full
  // consensus, 0 = no more agreement than random marks. Absent below 2 forms.
  std::optional<double> agreement;
  int uniform_forms = 0;  // forms whose marks are all identical
  int rank = 0;           // 1 = best, among scored subjects; 0 if unscored
  Grade threshold_grade = Grade::kUnspecified;
  Grade proposed_grade = Grade::kUnspecified;
  GradeReason grade_reason = GradeReason::kNoScore;
  // Set on subjects whose final score equals that of the subject on the other
  // side of the quota boundary: the key that decided between them.
  TieBreak quota_tie_break = TieBreak::kNone;
  // The top-grade quota binds and this subject sits on one side of its line
  // while a subject on the other side is within error of it: their fitted
  // qualities after deductions differ by less than quota_line_z standard
  // errors of the difference. The data do not order them; a person should.
  bool quota_line_uncertain = false;
  int component = 0;  // connected component of the rater-subject graph
  std::array<DimensionOutcome, kDimensionCount> dimensions{};
  std::vector<GroupOutcome> groups;  // reported groups, in RaterGroup order
  std::vector<FormOutcome> forms;    // by rater id
  std::vector<LeadOutcome> leads;    // by lead id
  friend bool operator==(const SubjectResult&, const SubjectResult&) = default;
};

struct RaterResult {
  std::string rater_id;
  int forms = 0;  // with marks
  // Estimated leniency in latent points (positive = lenient), already shrunk.
  double severity = 0;
  // Discrimination: 1 = follows quality like the average rater; below 1
  // squeezes marks together (central tendency). 1 without rater slopes.
  double slope = 1;
  double shrinkage = 0;  // share of the unshrunk estimate kept: n / (n + prior)
  bool straight_lining = false;
  int component = 0;
  friend bool operator==(const RaterResult&, const RaterResult&) = default;
};

struct UnitResult {
  std::string unit_id;
  int subjects = 0;
  int forms = 0;
  std::int64_t marks = 0;
  double good_mark_share = 0;     // of the marks its subjects received
  double good_overall_share = 0;  // of the overall grades given (skipped excluded)
  double raw_mean = 0;            // mean raw composite of its scored subjects
  double calibrated_mean = 0;
  int proposed_good = 0;
  bool lenient = false;  // good_mark_share >= lenient_unit_share
  friend bool operator==(const UnitResult&, const UnitResult&) = default;
};

struct CampaignSummary {
  int subjects = 0;
  int scored_subjects = 0;
  int forms = 0;
  std::int64_t marks = 0;
  int raters = 0;
  int straight_liners = 0;
  int components = 0;          // of the rater-subject graph
  double good_mark_share = 0;  // over the whole campaign
  double grand_mean = 0;       // mean raw form score, points
  // The calibration fit, on the latent scale (latent_scale.h; near the
  // middle of the range one latent point is one grade point): the severity
  // prior used (pseudo-forms) and the residual spread.
  double severity_prior = 0;
  double residual_sd = 0;
  // Latent points removed per group; 0 unless ScoringConfig::group_effects.
  std::array<double, kRaterGroupCount> group_effects{};
  // Pooling of group views: the prior used (pseudo-forms; capped at 1e6 when
  // groups agree within noise) and the estimated spread of real group
  // disagreement (latent points).
  double group_view_prior = 0;
  double group_view_sd = 0;
  int solver_iterations = 0;
  bool converged = true;
  int top_grade_quota = 0;  // the most GOOD grades allowed
  int top_grade_awarded = 0;
  int quota_demoted = 0;
  int quota_line_uncertain = 0;  // subjects flagged
  int vetoed = 0;
  friend bool operator==(const CampaignSummary&, const CampaignSummary&) = default;
};

struct CampaignResult {
  CampaignSummary summary;
  std::vector<SubjectResult> subjects;  // by subject id
  std::vector<RaterResult> raters;      // by rater id
  std::vector<UnitResult> units;        // by unit id
  friend bool operator==(const CampaignResult&, const CampaignResult&) = default;
};

}  // namespace kaoping::scoring
