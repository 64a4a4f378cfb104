#include "gateway/dashboard/statistics_source.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "gateway/upstreams.h"
#include "kaoping/v1/evaluations.grpc.pb.h"
#include "kaoping/v1/results.grpc.pb.h"
#include "services/common/client/downstream.h"

namespace kaoping::gateway {
namespace {

// Calls started together and awaited together; the first failure is kept.
class CallGroup {
 public:
  explicit CallGroup(int calls) : counter_(calls) {}

  // The callback of one call of `service`.
  std::function<void(grpc::Status)> Done(std::string service) {
    return [this, service = std::move(service)](grpc::Status status) {
      if (!status.ok()) {
        absl::MutexLock lock(&mutex_);
        if (error_.ok()) {
          error_ = FromDownstream(service, status);
        }
      }
      counter_.DecrementCount();
    };
  }
  absl::Status Wait() {
    counter_.Wait();
    absl::MutexLock lock(&mutex_);
    return error_;
  }

 private:
  absl::BlockingCounter counter_;
  absl::Mutex mutex_;
  absl::Status error_ ABSL_GUARDED_BY(mutex_);
};

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

absl::Status NotDeployed(absl::string_view service) {
  return absl::UnavailableError(
      absl::StrCat(service,
                   " is not available: this deployment runs no upstream for it, and the dashboard "
                   "needs its statistics"));
}

// The county's units, one page after another (at most a few hundred).
absl::Status ListUnitNames(Upstream* results, const std::string& bearer_token,
                           const std::string& region_code, absl::Duration deadline,
                           std::map<std::string, std::string>* names) {
  auto stub = v1::ResultsService::NewStub(results->NextChannel());
  v1::ListUnitsRequest request;
  request.set_parent(absl::StrCat("regions/", region_code));
  request.set_page_size(1000);
  for (int page = 0; page < 20; ++page) {
    auto context = DownstreamContext(bearer_token, deadline);
    v1::ListUnitsResponse response;
    grpc::Status status = stub->ListUnits(context.get(), request, &response);
    if (!status.ok()) {
      return FromDownstream("results", status);
    }
    for (const v1::Unit& unit : response.units()) {
      (*names)[unit.name()] = unit.display_name();
    }
    if (response.next_page_token().empty()) {
      break;
    }
    request.set_page_token(response.next_page_token());
  }
  return absl::OkStatus();
}

}  // namespace

bool IsCounty(absl::string_view region_code) {
  return region_code.size() == 6 && !absl::EndsWith(region_code, "00");
}

absl::StatusOr<DashboardInputs> GrpcStatisticsSource::Fetch(const std::string& bearer_token,
                                                            const DashboardQuery& query) {
  if (evaluations_ == nullptr) {
    return NotDeployed("kaoping.v1.EvaluationService");
  }
  if (results_ == nullptr) {
    return NotDeployed("kaoping.v1.ResultsService");
  }
  auto evaluations = v1::EvaluationService::NewStub(evaluations_->NextChannel());
  auto results = v1::ResultsService::NewStub(results_->NextChannel());
  DashboardInputs inputs;
  inputs.years.resize(query.trend_years);
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<v1::GetEvaluationStatisticsRequest> evaluation_requests(query.trend_years);
  std::vector<v1::GetUsageStatisticsRequest> usage_requests(query.trend_years);
  CallGroup calls(2 * query.trend_years);
  for (int i = 0; i < query.trend_years; ++i) {
    YearStatistics& year = inputs.years[i];
    year.year = query.year - (query.trend_years - 1 - i);
    evaluation_requests[i].set_name(
        absl::StrCat("regions/", query.region_code, "/evaluationStatistics"));
    *evaluation_requests[i].mutable_start_date() = Day(year.year, 1, 1);
    *evaluation_requests[i].mutable_end_date() = Day(year.year, 12, 31);
    evaluation_requests[i].set_kind(query.kind);
    usage_requests[i].set_name(absl::StrCat("regions/", query.region_code, "/usageStatistics"));
    *usage_requests[i].mutable_start_date() = Day(year.year, 1, 1);
    *usage_requests[i].mutable_end_date() = Day(year.year, 12, 31);
    contexts.push_back(DownstreamContext(bearer_token, deadline_));
    evaluations->async()->GetEvaluationStatistics(contexts.back().get(), &evaluation_requests[i],
                                                  &year.evaluation, calls.Done("evaluations"));
    contexts.push_back(DownstreamContext(bearer_token, deadline_));
    results->async()->GetUsageStatistics(contexts.back().get(), &usage_requests[i], &year.usage,
                                         calls.Done("results"));
  }
  // Meanwhile, on this thread: a county's rows are its units, named from the roster.
  absl::Status units =
      IsCounty(query.region_code)
          ? ListUnitNames(results_, bearer_token, query.region_code, deadline_, &inputs.unit_names)
          : absl::OkStatus();
  absl::Status statistics = calls.Wait();
  if (!statistics.ok()) {
    return statistics;
  }
  if (!units.ok()) {
    return units;
  }
  return inputs;
}

}  // namespace kaoping::gateway
