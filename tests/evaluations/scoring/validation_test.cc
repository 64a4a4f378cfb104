// Invalid input is INVALID_ARGUMENT with a message naming the field.

#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/evaluations/scoring/engine.h"
#include "tests/evaluations/scoring/campaign_builder.h"

namespace kaoping::scoring {
namespace {

using ::kaoping::scoring::testing::MakeForm;
using ::kaoping::scoring::testing::MakeSubject;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Campaign Valid() {
  Campaign campaign;
  const Subject s1 = MakeSubject("s1", "u1");
  const Subject s2 = MakeSubject("s2", "u1");
  campaign.subjects = {s1, s2};
  campaign.forms = {MakeForm("r1", RaterGroup::kPeer, s1, Grade::kGood),
                    MakeForm("r2", RaterGroup::kPeer, s1, Grade::kAverage),
                    MakeForm("r1", RaterGroup::kPeer, s2, Grade::kFairlyGood)};
  campaign.leads = {{"L1", "s2", Severity::kDeduct, 2.0}};
  return campaign;
}

struct Case {
  std::string name;
  std::function<void(Campaign&)> break_it;
  std::string field;   // the message starts with this
  std::string detail;  // and contains this
};

class InvalidInput : public ::testing::TestWithParam<Case> {};

TEST(ValidInput, IsAccepted) { EXPECT_TRUE(ScoreCampaign(Valid()).ok()); }

TEST_P(InvalidInput, IsRejectedNamingTheField) {
  Campaign campaign = Valid();
  GetParam().break_it(campaign);
  const absl::StatusOr<CampaignResult> result = ScoreCampaign(campaign);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), StartsWith(GetParam().field));
  EXPECT_THAT(std::string(result.status().message()), HasSubstr(GetParam().detail));
}

INSTANTIATE_TEST_SUITE_P(
    Fields, InvalidInput,
    ::testing::Values(
        Case{"UnknownRaterGroup",
             [](Campaign& c) { c.forms[1].group = static_cast<RaterGroup>(7); },
             "forms[1].group: ", "unknown rater group 7"},
        Case{"GradeOutOfRange", [](Campaign& c) { c.forms[2].grades[3] = static_cast<Grade>(9); },
             "forms[2].grades[3]: ", "grade 9 is out of range"},
        Case{"OverallOutOfRange", [](Campaign& c) { c.forms[0].overall = static_cast<Grade>(5); },
             "forms[0].overall: ", "out of range"},
        Case{"TooFewGrades", [](Campaign& c) { c.forms[1].grades.pop_back(); },
             "forms[1].grades: ", "4 grades for the 5 criteria of subject \"s1\""},
        Case{"SubjectAbsent", [](Campaign& c) { c.forms[2].subject_id = "nobody"; },
             "forms[2].subject_id: ", "no subject \"nobody\""},
        Case{"DuplicateForm", [](Campaign& c) { c.forms.push_back(c.forms[0]); },
             "forms[3]: ", "duplicate form by rater \"r1\" on subject \"s1\" (also forms[0])"},
        Case{"EmptyRater", [](Campaign& c) { c.forms[0].rater_id.clear(); },
             "forms[0].rater_id: ", "must not be empty"},
        Case{"NegativeCriterionWeight", [](Campaign& c) { c.subjects[1].criteria[2].weight = -1; },
             "subjects[1].criteria[2].weight: ", "in [0, 1e9]"},
        Case{"NaNCriterionWeight", [](Campaign& c) { c.subjects[0].criteria[0].weight = kNaN; },
             "subjects[0].criteria[0].weight: ", "finite"},
        Case{"InfiniteDimensionWeight",
             [](Campaign& c) {
               c.subjects[0].dimension_weights[4] = std::numeric_limits<double>::infinity();
             },
             "subjects[0].dimension_weights[4] (SELF_DISCIPLINE): ", "finite"},
        Case{"AllDimensionWeightsZero",
             [](Campaign& c) {
               c.subjects[1].dimension_weights = {0, 0, 0, 0, 0};
             },
             "subjects[1].dimension_weights: ", "must not all be 0"},
        Case{"UnknownDimension",
             [](Campaign& c) { c.subjects[0].criteria[1].dimension = static_cast<Dimension>(5); },
             "subjects[0].criteria[1].dimension: ", "unknown dimension 5"},
        Case{"UnknownTier", [](Campaign& c) { c.subjects[0].tier = static_cast<PostTier>(4); },
             "subjects[0].tier: ", "unknown post tier"},
        Case{"DuplicateSubject", [](Campaign& c) { c.subjects.push_back(c.subjects[0]); },
             "subjects[2].id: ", "duplicate subject \"s1\" (also subjects[0])"},
        Case{"EmptySubjectId", [](Campaign& c) { c.subjects[1].id.clear(); },
             "subjects[1].id: ", "must not be empty"},
        Case{"LeadSubjectAbsent", [](Campaign& c) { c.leads[0].subject_id = "s9"; },
             "leads[0].subject_id: ", "no subject \"s9\""},
        Case{"LeadSeverity", [](Campaign& c) { c.leads[0].severity = static_cast<Severity>(3); },
             "leads[0].severity: ", "unknown severity 3"},
        Case{"LeadNegativePoints", [](Campaign& c) { c.leads[0].deduction_points = -2; },
             "leads[0].deduction_points: ", "in [0, 1e6]"},
        Case{"LeadNaNPoints", [](Campaign& c) { c.leads[0].deduction_points = kNaN; },
             "leads[0].deduction_points: ", "finite"},
        Case{"DuplicateLead", [](Campaign& c) { c.leads.push_back(c.leads[0]); },
             "leads[1].id: ", "duplicate lead \"L1\""},
        Case{"NegativeGroupWeight", [](Campaign& c) { c.config.group_weights[2] = -0.2; },
             "config.group_weights[2] (SUBORDINATE): ", "in [0, 1e9]"},
        Case{"NaNGroupWeight", [](Campaign& c) { c.config.group_weights[0] = kNaN; },
             "config.group_weights[0] (SUPERIOR): ", "finite"},
        Case{"ZeroGroupWeights",
             [](Campaign& c) {
               c.config.group_weights = {0, 0, 0, 0};
             },
             "config.group_weights: ", "must not all be 0"},
        Case{"GradePointsNotDecreasing",
             [](Campaign& c) {
               c.config.grade_points = {100, 80, 80, 40};
             },
             "config.grade_points[2]: ", "below the points of the better grade"},
        Case{"ThresholdsOutOfOrder",
             [](Campaign& c) {
               c.config.grade_thresholds = {70, 90, 50};
             },
             "config.grade_thresholds[1]: ", "must not exceed"},
        Case{"QuotaAboveOne", [](Campaign& c) { c.config.top_grade_quota = 1.5; },
             "config.top_grade_quota: ", "[0, 1]"},
        Case{"TrimHalf", [](Campaign& c) { c.config.trim_fraction = 0.5; },
             "config.trim_fraction: ", "[0, 0.5)"},
        Case{"NaNSeverityPrior", [](Campaign& c) { c.config.severity_prior_forms = kNaN; },
             "config.severity_prior_forms: ", "finite"},
        Case{"HugeSeverityPrior", [](Campaign& c) { c.config.severity_prior_forms = 1e10; },
             "config.severity_prior_forms: ", "<= 1e9 (< 0: estimated)"},
        Case{"InfiniteSlopePrior",
             [](Campaign& c) {
               c.config.rater_slope_prior_forms = std::numeric_limits<double>::infinity();
             },
             "config.rater_slope_prior_forms: ", "finite"},
        Case{"NegativeQuotaLineZ", [](Campaign& c) { c.config.quota_line_z = -1; },
             "config.quota_line_z: ", "[0, 100]"},
        Case{"NaNQuotaLineZ", [](Campaign& c) { c.config.quota_line_z = kNaN; },
             "config.quota_line_z: ", "[0, 100]"},
        Case{"ZeroStraightLinerWeight", [](Campaign& c) { c.config.straight_liner_weight = 0; },
             "config.straight_liner_weight: ", "(0, 1]"},
        Case{"VetoGradeUnspecified", [](Campaign& c) { c.config.veto_grade = Grade::kUnspecified; },
             "config.veto_grade: ", "must be one of"},
        Case{"ZeroMinimumGroup", [](Campaign& c) { c.config.min_group_forms = 0; },
             "config.min_group_forms: ", ">= 1"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(InvalidInput, TheFirstBadFormInInputOrderIsReported) {
  Campaign campaign = Valid();
  campaign.forms[2].grades[0] = static_cast<Grade>(6);
  campaign.forms[1].grades[4] = static_cast<Grade>(7);
  const absl::StatusOr<CampaignResult> result = ScoreCampaign(campaign);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), StartsWith("forms[1].grades[4]: "));
}

}  // namespace
}  // namespace kaoping::scoring
