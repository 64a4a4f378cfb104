#include "services/results/upstreams.h"

#include "services/common/client/downstream.h"
#include "services/common/status_macros.h"

namespace kaoping::results {
namespace {

absl::Status NotConfigured(absl::string_view service) {
  return absl::UnavailableError(
      absl::StrCat(service, " is not configured (`", service, "_address`); nothing was written"));
}

}  // namespace

const std::vector<std::string>& ResultsConfigKeys() {
  static const auto* keys = new std::vector<std::string>{
      "appraisals_address", "evaluations_address", "event_consumer_name", "event_claim_idle",
      "event_discover_interval"};
  return *keys;
}

absl::StatusOr<Upstreams> Upstreams::FromConfig(const ServiceRuntime& runtime) {
  Upstreams upstreams;
  if (const std::string address = runtime.config().Get("appraisals_address", "");
      !address.empty()) {
    ASSIGN_OR_RETURN(auto channel, runtime.ChannelTo(address));
    upstreams.appraisals_ = v1::AppraisalService::NewStub(channel);
  }
  if (const std::string address = runtime.config().Get("evaluations_address", "");
      !address.empty()) {
    ASSIGN_OR_RETURN(auto channel, runtime.ChannelTo(address));
    upstreams.evaluations_ = v1::EvaluationService::NewStub(channel);
  }
  return upstreams;
}

absl::StatusOr<v1::Appraisal> Upstreams::GetAppraisal(const std::string& name,
                                                      absl::string_view bearer_token) const {
  if (appraisals_ == nullptr) {
    return NotConfigured("appraisals");
  }
  v1::GetAppraisalRequest request;
  request.set_name(name);
  v1::Appraisal appraisal;
  auto context = DownstreamContext(bearer_token);
  RETURN_IF_ERROR(
      FromDownstream("appraisals", appraisals_->GetAppraisal(context.get(), request, &appraisal)));
  return appraisal;
}

absl::StatusOr<v1::Lead> Upstreams::GetLead(const std::string& name,
                                            absl::string_view bearer_token) const {
  if (evaluations_ == nullptr) {
    return NotConfigured("evaluations");
  }
  v1::GetLeadRequest request;
  request.set_name(name);
  v1::Lead lead;
  auto context = DownstreamContext(bearer_token);
  RETURN_IF_ERROR(
      FromDownstream("evaluations", evaluations_->GetLead(context.get(), request, &lead)));
  return lead;
}

}  // namespace kaoping::results
