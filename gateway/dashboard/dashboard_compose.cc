#include "gateway/dashboard/dashboard_compose.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace kaoping::gateway {
namespace {

std::string ScopeOf(const v1::EvaluationFigures& figures) {
  return figures.has_unit() ? figures.unit() : figures.region();
}
std::string ScopeOf(const v1::UsageFigures& figures) {
  return figures.has_unit() ? figures.unit() : figures.region();
}

// Children of the evaluation and usage statistics joined by scope, in the
// evaluation statistics' order, then the usage-only ones.
void AddChildren(const YearStatistics& year, const DashboardInputs& inputs, Dashboard* dashboard) {
  std::map<std::string, int> index;
  auto row_for = [&](const std::string& scope, bool unit) -> DashboardRow* {
    auto [it, inserted] = index.try_emplace(scope, dashboard->children_size());
    if (!inserted) {
      return dashboard->mutable_children(it->second);
    }
    DashboardRow* row = dashboard->add_children();
    row->set_scope(scope);
    row->set_drillable(!unit);
    if (auto name = inputs.unit_names.find(scope); unit && name != inputs.unit_names.end()) {
      row->set_display_name(name->second);
    }
    return row;
  };
  for (const v1::EvaluationFigures& child : year.evaluation.children()) {
    *row_for(ScopeOf(child), child.has_unit())->mutable_evaluation() = child;
  }
  for (const v1::UsageFigures& child : year.usage.children()) {
    *row_for(ScopeOf(child), child.has_unit())->mutable_usage() = child;
  }
}

}  // namespace

Dashboard ComposeDashboard(const DashboardQuery& query, const DashboardInputs& inputs,
                           absl::Time now) {
  Dashboard dashboard;
  dashboard.set_region(absl::StrCat("regions/", query.region_code));
  dashboard.set_year(query.year);
  dashboard.set_kind(query.kind);
  *dashboard.mutable_compute_time() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(now));
  for (const YearStatistics& year : inputs.years) {
    TrendPoint* point = dashboard.add_trend();
    point->set_year(year.year);
    *point->mutable_evaluation() = year.evaluation.total();
    *point->mutable_usage() = year.usage.total();
  }
  if (inputs.years.empty()) {
    return dashboard;
  }
  const YearStatistics& current = inputs.years.back();
  DashboardRow* total = dashboard.mutable_total();
  total->set_scope(dashboard.region());
  *total->mutable_evaluation() = current.evaluation.total();
  *total->mutable_usage() = current.usage.total();
  AddChildren(current, inputs, &dashboard);
  return dashboard;
}

}  // namespace kaoping::gateway
