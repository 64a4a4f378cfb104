#pragma once

// Small helpers to write scoring campaigns in tests by hand, a walker that
// checks every number in a result is finite, and scoring a campaign that
// must be valid.

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/evaluations/scoring/engine.h"
#include "services/evaluations/scoring/model.h"

namespace kaoping::scoring::testing {

// A subject with `criteria` criteria spread round-robin over the dimensions,
// all weight 1, and equal dimension weights.
inline Subject MakeSubject(const std::string& id, const std::string& unit, int criteria = 5) {
  Subject subject;
  subject.id = id;
  subject.unit_id = unit;
  for (int c = 0; c < criteria; ++c) {
    subject.criteria.push_back(
        Criterion{absl::StrCat("c", c + 1), static_cast<Dimension>(c % kDimensionCount), 1.0});
  }
  return subject;
}

// A form whose every criterion gets `grade`.
inline Form MakeForm(const std::string& rater, RaterGroup group, const Subject& subject,
                     Grade grade) {
  Form form;
  form.rater_id = rater;
  form.group = group;
  form.subject_id = subject.id;
  form.grades.assign(subject.criteria.size(), grade);
  form.overall = grade;
  return form;
}

inline Form MakeForm(const std::string& rater, RaterGroup group, const Subject& subject,
                     std::vector<Grade> grades) {
  Form form;
  form.rater_id = rater;
  form.group = group;
  form.subject_id = subject.id;
  form.grades = std::move(grades);
  form.overall = Grade::kUnspecified;
  return form;
}

inline const SubjectResult* Find(const CampaignResult& result, const std::string& id) {
  for (const SubjectResult& subject : result.subjects) {
    if (subject.subject_id == id) {
      return &subject;
    }
  }
  return nullptr;
}

inline const GroupOutcome* FindGroup(const SubjectResult& subject, RaterGroup group) {
  for (const GroupOutcome& outcome : subject.groups) {
    if (outcome.group == group) {
      return &outcome;
    }
  }
  return nullptr;
}

// Fails the test for any NaN or infinity anywhere in the result.
inline void ExpectAllFinite(const CampaignResult& result) {
  auto check = [](double value, const std::string& where) {
    EXPECT_TRUE(std::isfinite(value)) << where << " = " << value;
  };
  const CampaignSummary& s = result.summary;
  check(s.good_mark_share, "summary.good_mark_share");
  check(s.grand_mean, "summary.grand_mean");
  check(s.residual_sd, "summary.residual_sd");
  check(s.severity_prior, "summary.severity_prior");
  check(s.group_view_prior, "summary.group_view_prior");
  check(s.group_view_sd, "summary.group_view_sd");
  for (double effect : s.group_effects) {
    check(effect, "summary.group_effects");
  }
  for (const SubjectResult& subject : result.subjects) {
    const std::string at = "subject " + subject.subject_id + " ";
    check(subject.raw_composite, at + "raw_composite");
    check(subject.calibrated_composite, at + "calibrated_composite");
    check(subject.consensus, at + "consensus");
    check(subject.fitted_quality, at + "fitted_quality");
    check(subject.fitted_quality_se, at + "fitted_quality_se");
    check(subject.deductions, at + "deductions");
    check(subject.final_score, at + "final_score");
    if (subject.agreement.has_value()) {
      check(*subject.agreement, at + "agreement");
    }
    for (const DimensionOutcome& dim : subject.dimensions) {
      check(dim.weight, at + "dimension.weight");
      check(dim.raw, at + "dimension.raw");
      check(dim.calibrated, at + "dimension.calibrated");
    }
    for (const GroupOutcome& group : subject.groups) {
      check(group.weight, at + "group.weight");
      check(group.raw, at + "group.raw");
      check(group.calibrated, at + "group.calibrated");
      check(group.view, at + "group.view");
      check(group.pooled, at + "group.pooled");
    }
    for (const FormOutcome& form : subject.forms) {
      check(form.raw_score, at + "form.raw_score");
      check(form.adjustment, at + "form.adjustment");
      check(form.calibrated_score, at + "form.calibrated_score");
      check(form.weight, at + "form.weight");
    }
    for (const LeadOutcome& lead : subject.leads) {
      check(lead.points, at + "lead.points");
    }
  }
  for (const RaterResult& rater : result.raters) {
    check(rater.severity, "rater " + rater.rater_id + " severity");
    check(rater.shrinkage, "rater " + rater.rater_id + " shrinkage");
    check(rater.slope, "rater " + rater.rater_id + " slope");
  }
  for (const UnitResult& unit : result.units) {
    check(unit.good_mark_share, "unit good_mark_share");
    check(unit.good_overall_share, "unit good_overall_share");
    check(unit.raw_mean, "unit raw_mean");
    check(unit.calibrated_mean, "unit calibrated_mean");
  }
}

// Scores a campaign that must be valid: fails the test otherwise (and for
// any figure that is not finite) and returns an empty result.
inline CampaignResult Score(const Campaign& campaign) {
  absl::StatusOr<CampaignResult> result = ScoreCampaign(campaign);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) {
    return {};
  }
  ExpectAllFinite(*result);
  return *std::move(result);
}

}  // namespace kaoping::scoring::testing
