#include "services/results/eligibility.h"

#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/common/api/resource_name.h"
#include "services/common/status_macros.h"
#include "services/results/eligibility_rule.h"
#include "services/results/field_checks.h"
#include "services/results/results_names.h"
#include "services/results/results_policy.h"

namespace kaoping::results {
namespace {

absl::StatusOr<absl::CivilDay> AsOf(const google::type::Date& date, const Clock& clock) {
  if (!IsDateSet(date)) {
    return Today(clock);
  }
  return DateToCivilDay("as_of", date);
}

}  // namespace

absl::StatusOr<v1::Eligibility> Eligibilities::GetEligibility(
    const Principal& caller, AuditScope&, const v1::GetEligibilityRequest& request) {
  ASSIGN_OR_RETURN(const CadreKey cadre, ParseCadreOf("name", request.name(), kEligibilityPattern));
  if (!CadreMayRead(kEligibilityReaders, caller, CadreName(cadre.region_code, cadre.cadre_id))) {
    return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  }
  ASSIGN_OR_RETURN(const absl::CivilDay as_of, AsOf(request.as_of(), *context_.deps.clock));
  ASSIGN_OR_RETURN(const EligibilityView::Snapshot snapshot,
                   context_.view.Read(*context_.deps.db, cadre.region_code, {cadre.cadre_id}));
  if (snapshot.cadres[0] == nullptr) {
    return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  }
  return Evaluate(*snapshot.cadres[0], *snapshot.policy, as_of, Today(*context_.deps.clock));
}

absl::StatusOr<v1::BatchGetEligibilityResponse> Eligibilities::BatchGetEligibility(
    const Principal&, AuditScope&, const v1::BatchGetEligibilityRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("parent", request.parent()));
  if (request.cadres().empty()) {
    return Invalid("cadres", "at least one cadre");
  }
  RETURN_IF_ERROR(CheckCount("cadres", request.cadres_size(), kMaxBatch));
  std::vector<std::string> ids;
  ids.reserve(request.cadres_size());
  for (int i = 0; i < request.cadres_size(); ++i) {
    ASSIGN_OR_RETURN(const CadreKey key, ParseCadreName(absl::StrCat("cadres[", i, "]"),
                                                        request.cadres(i), InRegion(region_code)));
    ids.push_back(key.cadre_id);
  }
  ASSIGN_OR_RETURN(const absl::CivilDay as_of, AsOf(request.as_of(), *context_.deps.clock));
  ASSIGN_OR_RETURN(const EligibilityView::Snapshot snapshot,
                   context_.view.Read(*context_.deps.db, region_code, ids));
  const absl::CivilDay today = Today(*context_.deps.clock);
  v1::BatchGetEligibilityResponse response;
  for (int i = 0; i < request.cadres_size(); ++i) {
    v1::EligibilityResult* result = response.add_results();
    result->set_cadre(request.cadres(i));
    if (snapshot.cadres[i] == nullptr) {
      result->mutable_error()->set_code(static_cast<int>(absl::StatusCode::kNotFound));
      result->mutable_error()->set_message(
          absl::StrCat("cadres[", i, "]: ", request.cadres(i), " not found"));
      continue;
    }
    *result->mutable_eligibility() = Evaluate(*snapshot.cadres[i], *snapshot.policy, as_of, today);
  }
  return response;
}

}  // namespace kaoping::results
