#include "services/appraisals/evaluations_client.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/common/client/downstream.h"
#include "services/common/status_macros.h"

namespace kaoping::appraisals {
namespace {

constexpr absl::string_view kService = "evaluations";

// Evaluations' answer as the caller of appraisals should see it: a thing
// evaluations does not know is NOT_FOUND naming the request's field.
absl::Status Mapped(absl::string_view field, absl::string_view name, const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return absl::NotFoundError(absl::StrCat(field, ": ", name, " not found (", kService, ": ",
                                            status.error_message(), ")"));
  }
  return FromDownstream(kService, status);
}

}  // namespace

std::string CampaignNameOf(absl::string_view subject_name) {
  return std::string(subject_name.substr(0, subject_name.find("/subjects/")));
}

std::string SummaryNameOf(absl::string_view subject_name) {
  return absl::StrReplaceAll(subject_name, {{"/subjects/", "/subjectSummaries/"}});
}

absl::StatusOr<SummaryTaken> EvaluationsClient::Summary(const Principal& caller,
                                                        absl::string_view field,
                                                        const std::string& subject_name) const {
  v1::GetSubjectSummaryRequest request;
  request.set_name(SummaryNameOf(subject_name));
  request.set_view(v1::FULL);
  SummaryTaken taken;
  const grpc::Status status = stub_->GetSubjectSummary(
      DownstreamContext(caller.bearer_token, deadline_).get(), request, &taken.summary);
  RETURN_IF_ERROR(Mapped(field, subject_name, status));
  if (taken.summary.subject() != subject_name) {
    return absl::UnavailableError(absl::StrCat(kService, " answered for another subject than ",
                                               subject_name, "; nothing was written"));
  }
  // The bytes as received: a parsed message serializes to the bytes it was
  // parsed from (unknown fields kept), and from here on the stored bytes
  // are what counts.
  taken.bytes = taken.summary.SerializeAsString();
  return taken;
}

absl::StatusOr<SubjectSnapshot> EvaluationsClient::Snapshot(const Principal& caller,
                                                            absl::string_view field,
                                                            const std::string& subject_name) const {
  SubjectSnapshot snapshot;
  v1::GetCampaignRequest campaign_request;
  campaign_request.set_name(CampaignNameOf(subject_name));
  RETURN_IF_ERROR(Mapped(field, subject_name,
                         stub_->GetCampaign(DownstreamContext(caller.bearer_token, deadline_).get(),
                                            campaign_request, &snapshot.campaign)));
  if (snapshot.campaign.state() != v1::Campaign::AGGREGATED) {
    return absl::FailedPreconditionError(
        absl::StrCat("campaign ", campaign_request.name(), " is ",
                     v1::Campaign::State_Name(snapshot.campaign.state()),
                     "; appraisals are created from the summaries of an AGGREGATED campaign"));
  }
  v1::GetSubjectRequest subject_request;
  subject_request.set_name(subject_name);
  RETURN_IF_ERROR(Mapped(field, subject_name,
                         stub_->GetSubject(DownstreamContext(caller.bearer_token, deadline_).get(),
                                           subject_request, &snapshot.subject)));
  ASSIGN_OR_RETURN(snapshot.summary, Summary(caller, field, subject_name));
  return snapshot;
}

}  // namespace kaoping::appraisals
