// Suppression of every chart's data on a dashboard (SuppressDashboard):
// small rows and their complements, distributions as grids and lines,
// derived figures, the trend; a correctly suppressed answer keeps its figures.
#include "gateway/dashboard/dashboard_suppression.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace kaoping::gateway {
namespace {

v1::EvaluationFigures Figures(const std::string& scope, int forms, std::vector<int> grades) {
  v1::EvaluationFigures f;
  f.set_region(scope);
  f.set_form_count(forms);
  f.set_subject_count(forms / 10);
  f.set_participation_rate(0.9);
  int good = grades.empty() ? 0 : grades[0];
  int graded = 0;
  for (size_t i = 0; i < grades.size(); ++i) {
    v1::GradeCount* g = f.add_proposed_grades();
    g->set_grade(static_cast<v1::Grade>(i + 1));
    g->set_count(grades[i]);
    graded += grades[i];
  }
  for (v1::GradeCount& g : *f.mutable_proposed_grades()) {
    g.set_share(graded == 0 ? 0 : static_cast<double>(g.count()) / graded);
  }
  f.set_top_grade_share(graded == 0 ? 0 : static_cast<double>(good) / graded);
  v1::DimensionMean* mean = f.add_dimension_means();
  mean->set_dimension(v1::LOYALTY);
  mean->set_mean_calibrated_score(88);
  return f;
}

Dashboard CityOfThree(std::vector<int> forms) {
  Dashboard d;
  d.set_region("regions/510100");
  d.set_year(2026);
  int total = 0;
  for (size_t i = 0; i < forms.size(); ++i) {
    DashboardRow* row = d.add_children();
    row->set_scope(absl::StrCat("regions/5101", 14 + i));
    *row->mutable_evaluation() =
        Figures(row->scope(), forms[i], {forms[i] / 20, forms[i] / 20, forms[i] / 20, 0});
    row->mutable_usage()->set_region(row->scope());
    total += forms[i];
  }
  d.mutable_total()->set_scope("regions/510100");
  int g = 0;
  for (const auto& row : d.children()) {
    g += row.evaluation().proposed_grades(0).count();
  }
  *d.mutable_total()->mutable_evaluation() = Figures("regions/510100", total, {g, g, g, 0});
  d.mutable_total()->mutable_usage()->set_region("regions/510100");
  return d;
}

TEST(DashboardSuppression, ACorrectAnswerKeepsEveryFigure) {
  Dashboard d = CityOfThree({400, 300, 200});
  Dashboard before = d;
  SuppressDashboard(&d);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(d.children(i).evaluation().suppressed());
    EXPECT_EQ(d.children(i).evaluation().form_count(),
              before.children(i).evaluation().form_count());
    EXPECT_EQ(d.children(i).evaluation().proposed_grades(0).count(),
              before.children(i).evaluation().proposed_grades(0).count());
  }
  EXPECT_EQ(d.total().evaluation().form_count(), 900);
}

TEST(DashboardSuppression, ASmallRowIsHiddenWithTheSmallestOtherRow) {
  // 2 forms in one county: hidden; the city's total minus the others would
  // give it back, so the smallest other county is hidden too.
  Dashboard d = CityOfThree({400, 2, 200});
  SuppressDashboard(&d);
  EXPECT_TRUE(d.children(1).evaluation().suppressed());
  EXPECT_EQ(d.children(1).evaluation().form_count(), 0);
  EXPECT_TRUE(d.children(1).evaluation().dimension_means().empty());
  EXPECT_TRUE(d.children(2).evaluation().suppressed()) << "the complement";
  EXPECT_EQ(d.children(2).evaluation().proposed_grades_size(), 0);
  EXPECT_FALSE(d.children(0).evaluation().suppressed());
  EXPECT_EQ(d.total().evaluation().form_count(), 602);
}

TEST(DashboardSuppression, ARowTheServiceHidAloneGetsAComplement) {
  Dashboard d = CityOfThree({400, 300, 200});
  v1::EvaluationFigures* hidden = d.mutable_children(2)->mutable_evaluation();
  const std::string scope = hidden->region();
  hidden->Clear();
  hidden->set_region(scope);
  hidden->set_suppressed(true);  // 200 forms, but hidden alone: total − shown recovers it
  SuppressDashboard(&d);
  EXPECT_TRUE(d.children(1).evaluation().suppressed()) << "the smallest shown row";
  EXPECT_FALSE(d.children(0).evaluation().suppressed());
}

TEST(DashboardSuppression, AllRowsSmallHidesTheTotalToo) {
  Dashboard d = CityOfThree({2});
  SuppressDashboard(&d);
  EXPECT_TRUE(d.children(0).evaluation().suppressed());
  EXPECT_TRUE(d.total().evaluation().suppressed());
}

TEST(DashboardSuppression, SmallGradeCellsAreHiddenAcrossRowsAndColumns) {
  Dashboard d = CityOfThree({400, 300, 200});
  // One GOOD grade in the second county: hidden, with a complement in its
  // row and in its column.
  v1::EvaluationFigures* second = d.mutable_children(1)->mutable_evaluation();
  second->mutable_proposed_grades(0)->set_count(1);
  SuppressDashboard(&d);
  const v1::GradeCount& cell = d.children(1).evaluation().proposed_grades(0);
  EXPECT_TRUE(cell.suppressed());
  EXPECT_EQ(cell.count(), 0);
  EXPECT_EQ(cell.share(), 0);
  EXPECT_EQ(d.children(1).evaluation().top_grade_share(), 0) << "derived from the hidden GOOD";
  int hidden_in_row = 0;
  for (const auto& g : d.children(1).evaluation().proposed_grades()) {
    hidden_in_row += g.suppressed();
  }
  EXPECT_GE(hidden_in_row, 2);
  int hidden_in_column = 0;
  for (const auto& row : d.children()) {
    hidden_in_column += row.evaluation().proposed_grades(0).suppressed();
  }
  EXPECT_GE(hidden_in_column, 2);
}

TEST(DashboardSuppression, TrendYearsAreLinesOfTheirOwn) {
  Dashboard d = CityOfThree({400, 300, 200});
  TrendPoint* old_year = d.add_trend();
  old_year->set_year(2025);
  *old_year->mutable_evaluation() = Figures("regions/510100", 500, {1, 40, 30, 5});
  TrendPoint* small_year = d.add_trend();
  small_year->set_year(2024);
  *small_year->mutable_evaluation() = Figures("regions/510100", 2, {});
  TrendPoint* this_year = d.add_trend();
  this_year->set_year(2026);
  *this_year->mutable_evaluation() = d.total().evaluation();
  SuppressDashboard(&d);
  EXPECT_TRUE(d.trend(0).evaluation().proposed_grades(0).suppressed());
  EXPECT_EQ(d.trend(0).evaluation().top_grade_share(), 0);
  int hidden = 0;
  for (const auto& g : d.trend(0).evaluation().proposed_grades()) {
    hidden += g.suppressed();
  }
  EXPECT_GE(hidden, 2);
  EXPECT_TRUE(d.trend(1).evaluation().suppressed());
  EXPECT_EQ(d.trend(2).evaluation().SerializeAsString(), d.total().evaluation().SerializeAsString())
      << "the current year shows what the total shows";
}

TEST(DashboardSuppression, UsageRowsAndDistributionsToo) {
  Dashboard d = CityOfThree({400, 300, 200});
  int total = 0;
  for (int i = 0; i < 3; ++i) {
    v1::UsageFigures* u = d.mutable_children(i)->mutable_usage();
    u->set_concluded_appraisal_count(i == 0 ? 1 : 50);
    total += u->concluded_appraisal_count();
    v1::HandlingCount* h = u->add_handlings();
    h->set_kind(v1::ADMONISHMENT);
    h->set_state(v1::DECIDED);
    h->set_count(i == 2 ? 2 : 10);
  }
  d.mutable_total()->mutable_usage()->set_concluded_appraisal_count(total);
  v1::HandlingCount* h = d.mutable_total()->mutable_usage()->add_handlings();
  h->set_kind(v1::ADMONISHMENT);
  h->set_state(v1::DECIDED);
  h->set_count(12);
  SuppressDashboard(&d);
  EXPECT_TRUE(d.children(0).usage().suppressed()) << "one concluded appraisal";
  EXPECT_TRUE(d.children(1).usage().suppressed() || d.children(2).usage().suppressed());
  for (const auto& row : d.children()) {
    for (const auto& handling : row.usage().handlings()) {
      EXPECT_TRUE(handling.count() == 0 || handling.count() >= 3) << row.ShortDebugString();
    }
  }
}

TEST(DashboardSuppression, NeverBelowThree) {
  Dashboard d = CityOfThree({400, 2, 200});
  SuppressDashboard(&d, /*min_cell_size=*/1);
  EXPECT_TRUE(d.children(1).evaluation().suppressed());
}

}  // namespace
}  // namespace kaoping::gateway
