#include "services/evaluations/scoring/engine.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/evaluations/scoring/model.h"
#include "services/evaluations/scoring/scorer.h"

namespace kaoping::scoring {
namespace internal {

// The phases in order, each on what the ones before it filled in.
absl::StatusOr<CampaignResult> Scorer::Run() {
  if (absl::Status status = ValidateConfig(config_); !status.ok()) {
    return status;
  }
  // Each step needs the one before: stop at the first invalid input.
  absl::Status status = ReadSubjects();
  if (status.ok()) {
    status = ReadForms();
  }
  if (status.ok()) {
    status = OrderForms();
  }
  if (status.ok()) {
    status = ReadLeads();
  }
  if (!status.ok()) {
    return status;
  }
  FindStraightLiners();
  FindComponents();
  Calibrate();
  AggregateSubjects();
  PoolGroupViews();
  ApplyLeads();
  ProposeGrades();
  DescribeRaters();
  DescribeUnits();
  Summarize();
  return std::move(result_);
}

}  // namespace internal

absl::StatusOr<CampaignResult> ScoreCampaign(const Campaign& campaign) {
  return internal::Scorer(campaign).Run();
}

}  // namespace kaoping::scoring
