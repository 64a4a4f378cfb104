#include "services/results/usage_statistics.h"

#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/api/resource_pattern.h"
#include "services/common/crypto.h"
#include "services/common/region.h"
#include "services/common/status_macros.h"
#include "services/results/field_checks.h"
#include "services/results/results_names.h"
#include "services/results/usage_figures.h"

namespace kaoping::results {
namespace {

// The longest period one call counts over.
constexpr int kMaxDays = 366 * 10;

struct Period {
  absl::CivilDay start;
  absl::CivilDay end;
};

absl::StatusOr<Period> PeriodOf(const v1::GetUsageStatisticsRequest& request,
                                absl::CivilDay today) {
  Period period{absl::CivilDay(today.year(), 1, 1), absl::CivilDay(today.year(), 12, 31)};
  if (IsDateSet(request.start_date())) {
    ASSIGN_OR_RETURN(period.start, DateToCivilDay("start_date", request.start_date()));
  }
  if (IsDateSet(request.end_date())) {
    ASSIGN_OR_RETURN(period.end, DateToCivilDay("end_date", request.end_date()));
  }
  if (period.end < period.start) {
    return Invalid("end_date", absl::StrCat(FormatDay(period.end), " is before start_date ",
                                            FormatDay(period.start)));
  }
  if (period.end - period.start > kMaxDays) {
    return Invalid("end_date", "the period may span at most ten years");
  }
  return period;
}

// How the children of a region are grouped: a county by unit, a city by
// county, a province by city.
UsageScope ChildScope(const std::string& prefix) {
  return prefix.size() == 6   ? UsageScope::kUnit
         : prefix.size() == 4 ? UsageScope::kRegion
                              : UsageScope::kCity;
}

UsageChild ChildOf(const std::string& region_code, UsageScope scope, const std::string& key,
                   UsageCounts counts) {
  switch (scope) {
    case UsageScope::kUnit:
      return {UnitName(region_code, key), true, std::move(counts)};
    case UsageScope::kCity:
      return {RegionName(absl::StrCat(key, "00")), false, std::move(counts)};
    default:
      return {RegionName(key), false, std::move(counts)};
  }
}

}  // namespace

absl::StatusOr<v1::UsageStatistics> UsageStatistics::GetUsageStatistics(
    const Principal&, AuditScope&, const v1::GetUsageStatisticsRequest& request) {
  ASSIGN_OR_RETURN(const PatternMatch match,
                   MatchResourcePattern("name", request.name(), kStatisticsPattern));
  const absl::CivilDay today = Today(*context_.deps.clock);
  ASSIGN_OR_RETURN(const Period period, PeriodOf(request, today));
  const std::string prefix = RegionPrefix(match.region_code);
  const UsageQuery query{prefix, period.start, period.end, today};
  const UsageScope child_scope = ChildScope(prefix);
  v1::UsageStatistics out;
  RETURN_IF_ERROR(db::RunInTransaction(
      *context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(auto totals, store_.Count(tx, UsageScope::kTotal, query));
        ASSIGN_OR_RETURN(auto groups, store_.Count(tx, child_scope, query));
        ASSIGN_OR_RETURN(const std::string marks, store_.EventMarks(tx, prefix));
        std::vector<std::string> keys;
        for (const auto& [key, counts] : groups) {
          keys.push_back(key);
        }
        std::sort(keys.begin(), keys.end());
        std::vector<UsageChild> children;
        for (const std::string& key : keys) {
          children.push_back(ChildOf(match.region_code, child_scope, key, groups[key]));
        }
        PublishedUsage published =
            PublishUsage(RegionName(match.region_code), totals[""], children);
        *out.mutable_total() = std::move(published.total);
        for (v1::UsageFigures& child : published.children) {
          *out.add_children() = std::move(child);
        }
        out.set_data_version(Sha256Hex(absl::StrCat(marks, "|", FormatDay(today))).substr(0, 16));
        return absl::OkStatus();
      }));
  out.set_name(request.name());
  *out.mutable_start_date() = CivilDayToDate(period.start);
  *out.mutable_end_date() = CivilDayToDate(period.end);
  *out.mutable_compute_time() = ToProtoTimestamp(context_.deps.clock->Now());
  return out;
}

}  // namespace kaoping::results
