// Properties that hold for any valid campaign, checked on random ones:
// scores stay on the grade-point scale, nothing is NaN, the quota holds, the
// reported score follows the fitted quality, the input's order changes
// nothing (bit for bit), scoring twice gives the same.

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/evaluations/scoring/engine.h"
#include "services/evaluations/scoring/latent_scale.h"
#include "tests/evaluations/scoring/campaign_builder.h"

namespace kaoping::scoring {
namespace {

using ::kaoping::scoring::testing::ExpectAllFinite;

constexpr int kCampaigns = 150;

class RandomCampaigns {
 public:
  explicit RandomCampaigns(std::uint64_t seed) : rng_(seed) {}

  Campaign Next() {
    Campaign campaign;
    ScoringConfig& config = campaign.config;
    config.calibrate = Below(5) != 0;
    config.min_group_forms = 1 + Below(4);
    config.trim_min_forms = 2 + Below(10);
    config.trim_fraction = Below(3) * 0.1;
    config.severity_prior_forms = Below(5) * 1.5 - 1.5;  // -1.5: estimated
    config.group_effects = Below(3) == 0;
    config.rater_slope_prior_forms = Below(3) == 0 ? 2.0 : -1.0;
    config.trim_calibrated = Below(3) == 0;
    config.latent_scale = Below(4) != 0;
    config.quota_line_z = Below(3) * 1.0;
    config.interaction_prior_forms = Below(3) == 0 ? 4.0 : -1.0;
    config.group_view_prior_forms = Below(3) == 0 ? Below(20) : -1.0;
    config.huber_k = Below(3) == 0 ? 1.5 : 0.0;
    config.straight_line_min_forms = 1 + Below(4);
    config.top_grade_quota = Below(5) * 0.25;
    config.group_weights = {Weight(), Weight(), Weight(), Weight()};
    if (config.group_weights[0] + config.group_weights[1] + config.group_weights[2] +
            config.group_weights[3] ==
        0) {
      config.group_weights[1] = 1;
    }

    const int units = 1 + Below(4);
    const int subjects = Below(25);
    const int raters = 1 + Below(30);
    for (int s = 0; s < subjects; ++s) {
      Subject subject;
      subject.id = absl::StrCat("s", s);
      subject.unit_id = absl::StrCat("u", Below(units));
      subject.tier = static_cast<PostTier>(Below(4));
      const int criteria = 1 + Below(8);
      for (int c = 0; c < criteria; ++c) {
        subject.criteria.push_back(
            {absl::StrCat("c", c), static_cast<Dimension>(Below(kDimensionCount)), Weight()});
      }
      for (double& w : subject.dimension_weights) {
        w = Weight();
      }
      subject.dimension_weights[static_cast<std::size_t>(Below(kDimensionCount))] = 1;
      campaign.subjects.push_back(subject);
      std::vector<int> pool(static_cast<std::size_t>(raters));
      for (int r = 0; r < raters; ++r) {
        pool[static_cast<std::size_t>(r)] = r;
      }
      std::shuffle(pool.begin(), pool.end(), rng_);
      const int forms = Below(std::min(raters, 15) + 1);
      for (int k = 0; k < forms; ++k) {
        Form form;
        form.rater_id = absl::StrCat("r", pool[static_cast<std::size_t>(k)]);
        form.group = static_cast<RaterGroup>(Below(kRaterGroupCount));
        form.subject_id = subject.id;
        const bool straight = Below(5) == 0;
        const Grade fixed = static_cast<Grade>(1 + Below(4));
        for (int c = 0; c < criteria; ++c) {
          form.grades.push_back(straight         ? fixed
                                : Below(10) == 0 ? Grade::kUnspecified
                                                 : static_cast<Grade>(1 + Below(4)));
        }
        form.overall = static_cast<Grade>(Below(5));
        campaign.forms.push_back(std::move(form));
      }
    }
    if (subjects > 0) {
      const int leads = Below(6);
      for (int l = 0; l < leads; ++l) {
        campaign.leads.push_back({absl::StrCat("L", l), absl::StrCat("s", Below(subjects)),
                                  static_cast<Severity>(Below(3)), Below(4) * 2.5});
      }
    }
    return campaign;
  }

  Campaign Shuffled(Campaign campaign) {
    std::shuffle(campaign.subjects.begin(), campaign.subjects.end(), rng_);
    std::shuffle(campaign.forms.begin(), campaign.forms.end(), rng_);
    std::shuffle(campaign.leads.begin(), campaign.leads.end(), rng_);
    return campaign;
  }

 private:
  int Below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  double Weight() {
    return Below(4) == 0 ? 0.0 : std::uniform_real_distribution<double>(0.1, 3.0)(rng_);
  }

  std::mt19937_64 rng_;
};

void ExpectOnScale(double value, double low, double high, const std::string& what) {
  EXPECT_GE(value, low - 1e-9) << what;
  EXPECT_LE(value, high + 1e-9) << what;
}

TEST(Properties, ScoresStayOnTheScaleAndNothingIsNaN) {
  RandomCampaigns random(1);
  for (int i = 0; i < kCampaigns; ++i) {
    const Campaign campaign = random.Next();
    SCOPED_TRACE(absl::StrCat("campaign ", i));
    const absl::StatusOr<CampaignResult> result = ScoreCampaign(campaign);
    ASSERT_TRUE(result.ok()) << result.status();
    ExpectAllFinite(*result);
    int good = 0;
    for (const SubjectResult& subject : result->subjects) {
      good += subject.proposed_grade == Grade::kGood ? 1 : 0;
      if (!subject.scored) {
        continue;
      }
      ExpectOnScale(subject.raw_composite, 40, 100, "raw");
      ExpectOnScale(subject.calibrated_composite, 40, 100, "calibrated");
      ExpectOnScale(subject.consensus, 40, 100, "consensus");
      ExpectOnScale(subject.final_score, 0, 100, "final");
      if (subject.agreement.has_value()) {
        ExpectOnScale(*subject.agreement, 0, 1, "agreement");
      }
      double group_weights = 0;
      for (const GroupOutcome& group : subject.groups) {
        group_weights += group.weight;
        ExpectOnScale(group.pooled, 0, 1, "pooled");
        ExpectOnScale(group.view, 40, 100, "view");
      }
      EXPECT_NEAR(group_weights, 1.0, 1e-9);
      double dimension_weights = 0;
      for (const DimensionOutcome& dim : subject.dimensions) {
        dimension_weights += dim.weight;
        if (dim.weight > 0) {
          ExpectOnScale(dim.raw, 40, 100, "dimension raw");
          ExpectOnScale(dim.calibrated, 40, 100, "dimension calibrated");
        }
      }
      EXPECT_NEAR(dimension_weights, 1.0, 1e-9);
      for (const FormOutcome& form : subject.forms) {
        if (form.raw_status != FormStatus::kNoMarks) {
          ExpectOnScale(form.raw_score, 40, 100, "form raw");
          ExpectOnScale(form.calibrated_score, 40, 100, "form calibrated");
        }
      }
    }
    EXPECT_LE(good, result->summary.top_grade_quota);
    EXPECT_EQ(good, result->summary.top_grade_awarded);
  }
}

TEST(Properties, TheFittedQualityOrdersTheReportedScoreAndFlagsNeedABindingQuota) {
  RandomCampaigns random(3);
  for (int i = 0; i < kCampaigns; ++i) {
    const Campaign campaign = random.Next();
    SCOPED_TRACE(absl::StrCat("campaign ", i));
    const absl::StatusOr<CampaignResult> result = ScoreCampaign(campaign);
    ASSERT_TRUE(result.ok()) << result.status();
    LatentScale scale(campaign.config);
    scale.SetFormSpread(result->summary.residual_sd);
    double calibrated_sum = 0;
    double raw_sum = 0;
    for (const SubjectResult& subject : result->subjects) {
      EXPECT_GE(subject.fitted_quality_se, 0.0);
      if (subject.quota_line_uncertain) {
        EXPECT_GT(result->summary.quota_demoted, 0);
        EXPECT_TRUE(subject.proposed_grade == Grade::kGood ||
                    subject.grade_reason == GradeReason::kQuotaDemoted);
      }
      if (subject.scored && campaign.config.calibrate) {
        EXPECT_DOUBLE_EQ(subject.calibrated_composite, scale.ToPoints(subject.fitted_quality));
        calibrated_sum += subject.calibrated_composite;
        raw_sum += subject.raw_composite;
      }
    }
    // Calibration keeps the campaign's mean composite in grade points.
    EXPECT_NEAR(calibrated_sum, raw_sum, 1e-6 * (1 + raw_sum));
    for (std::size_t a = 0; a < result->subjects.size(); ++a) {
      for (std::size_t b = 0; b < result->subjects.size(); ++b) {
        const SubjectResult& x = result->subjects[a];
        const SubjectResult& y = result->subjects[b];
        if (x.scored && y.scored && x.fitted_quality > y.fitted_quality) {
          EXPECT_GE(x.calibrated_composite, y.calibrated_composite);
        }
      }
    }
  }
}

TEST(Properties, InputOrderChangesNothingBitForBit) {
  RandomCampaigns random(2);
  for (int i = 0; i < kCampaigns; ++i) {
    const Campaign campaign = random.Next();
    SCOPED_TRACE(absl::StrCat("campaign ", i));
    const absl::StatusOr<CampaignResult> first = ScoreCampaign(campaign);
    ASSERT_TRUE(first.ok()) << first.status();
    for (int shuffle = 0; shuffle < 2; ++shuffle) {
      const absl::StatusOr<CampaignResult> again = ScoreCampaign(random.Shuffled(campaign));
      ASSERT_TRUE(again.ok()) << again.status();
      EXPECT_TRUE(*first == *again);
    }
  }
}

TEST(Properties, ScoringTwiceGivesTheSameResult) {
  RandomCampaigns random(3);
  for (int i = 0; i < kCampaigns / 3; ++i) {
    const Campaign campaign = random.Next();
    const absl::StatusOr<CampaignResult> first = ScoreCampaign(campaign);
    const absl::StatusOr<CampaignResult> second = ScoreCampaign(campaign);
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_TRUE(*first == *second) << "campaign " << i;
  }
}

// Raising every mark of a form that already counted can only raise its
// subject's raw score (no trimming: a raised form may be trimmed instead).
TEST(Properties, RaisingACountedFormNeverLowersItsSubjectsRawScore) {
  RandomCampaigns random(4);
  int checked = 0;
  for (int i = 0; i < kCampaigns; ++i) {
    Campaign campaign = random.Next();
    campaign.config.calibrate = false;
    campaign.config.trim_fraction = 0;
    if (campaign.forms.empty()) {
      continue;
    }
    const absl::StatusOr<CampaignResult> before = ScoreCampaign(campaign);
    ASSERT_TRUE(before.ok());
    Form& form = campaign.forms.front();
    const SubjectResult* old_subject = testing::Find(*before, form.subject_id);
    bool counted = false;
    for (const FormOutcome& outcome : old_subject->forms) {
      counted = counted || (before->raters[static_cast<std::size_t>(outcome.rater)].rater_id ==
                                form.rater_id &&
                            outcome.raw_status == FormStatus::kCounted);
    }
    if (!counted) {
      continue;
    }
    for (Grade& grade : form.grades) {
      grade = Grade::kGood;
    }
    const absl::StatusOr<CampaignResult> after = ScoreCampaign(campaign);
    ASSERT_TRUE(after.ok());
    EXPECT_GE(testing::Find(*after, form.subject_id)->raw_composite,
              old_subject->raw_composite - 1e-9)
        << "campaign " << i;
    ++checked;
  }
  EXPECT_GT(checked, kCampaigns / 4);
}

}  // namespace
}  // namespace kaoping::scoring
