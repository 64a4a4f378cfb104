#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kaoping/v1/evaluations.pb.h"
#include "kaoping/v1/results.pb.h"

namespace kaoping::gateway {

class Upstream;

// What a dashboard shows: a region, a year, a kind of campaign, and how
// many years of trend end with that year.
struct DashboardQuery {
  std::string region_code;  // six digits: a county, a city or a province
  int year = 0;
  v1::CampaignKind kind = v1::CAMPAIGN_KIND_UNSPECIFIED;
  int trend_years = 5;
};

// Both statistics of the region for one calendar year.
struct YearStatistics {
  int year = 0;
  v1::EvaluationStatistics evaluation;
  v1::UsageStatistics usage;
};

// What a dashboard is computed from.
struct DashboardInputs {
  // Oldest year first; the last is the query's year.
  std::vector<YearStatistics> years;
  // Unit names of a county's roster, by unit resource name.
  std::map<std::string, std::string> unit_names;
};

// Where the statistics come from: the services' statistics RPCs, called
// with the dashboard's caller's token (the services scope and suppress as
// for any caller).
class StatisticsSource {
 public:
  virtual ~StatisticsSource() = default;
  virtual absl::StatusOr<DashboardInputs> Fetch(const std::string& bearer_token,
                                                const DashboardQuery& query) = 0;
};

// Over gRPC: GetEvaluationStatistics (evaluations) and GetUsageStatistics
// (results) for every year of the trend, and the county's units
// (ListUnits, results) for the names of its rows, all at once, each with
// `deadline`. A service not deployed or unreachable is UNAVAILABLE naming it;
// its refusals (NOT_FOUND, PERMISSION_DENIED, …) pass through.
class GrpcStatisticsSource final : public StatisticsSource {
 public:
  // Either upstream may be null (not deployed).
  GrpcStatisticsSource(Upstream* evaluations, Upstream* results, absl::Duration deadline)
      : evaluations_(evaluations), results_(results), deadline_(deadline) {}

  absl::StatusOr<DashboardInputs> Fetch(const std::string& bearer_token,
                                        const DashboardQuery& query) override;

 private:
  Upstream* evaluations_;
  Upstream* results_;
  absl::Duration deadline_;
};

// A county code (not a city's nor a province's: its last two digits are not 00).
bool IsCounty(absl::string_view region_code);

}  // namespace kaoping::gateway
