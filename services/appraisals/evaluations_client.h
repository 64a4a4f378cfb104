#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kaoping/v1/evaluations.grpc.pb.h"
#include "services/common/auth/principal.h"

// What appraisals asks of evaluations, over gRPC with a deadline and the
// caller's own token (so that evaluations scopes and audits the read as the
// caller's). The stub is an interface: the process gives the real one on a
// channel from `evaluations_address`, unit tests the generated
// v1::MockEvaluationServiceStub.
namespace kaoping::appraisals {

// A subject's summary as evaluations returned it: the bytes are what the
// appraisal stores and signs (by SHA-256); `summary` is their parse.
struct SummaryTaken {
  std::string bytes;
  v1::SubjectSummary summary;
};

// What an appraisal is created from.
struct SubjectSnapshot {
  v1::Campaign campaign;
  v1::Subject subject;
  SummaryTaken summary;
};

class EvaluationsClient {
 public:
  EvaluationsClient(std::shared_ptr<v1::EvaluationService::StubInterface> stub,
                    absl::Duration deadline)
      : stub_(std::move(stub)), deadline_(deadline) {}

  // The campaign, the subject (`subject_name`, a name of the form
  // regions/{r}/campaigns/{c}/subjects/{s}, already checked) and its
  // summary. Errors name `field`: NOT_FOUND when evaluations does not know
  // the subject or campaign, FAILED_PRECONDITION unless the campaign is
  // AGGREGATED, UNAVAILABLE when evaluations cannot answer in time.
  absl::StatusOr<SubjectSnapshot> Snapshot(const Principal& caller, absl::string_view field,
                                           const std::string& subject_name) const;

  // The subject's current summary.
  absl::StatusOr<SummaryTaken> Summary(const Principal& caller, absl::string_view field,
                                       const std::string& subject_name) const;

 private:
  std::shared_ptr<v1::EvaluationService::StubInterface> stub_;
  absl::Duration deadline_;
};

// regions/{r}/campaigns/{c}/subjectSummaries/{s} of a subject name.
std::string SummaryNameOf(absl::string_view subject_name);
// regions/{r}/campaigns/{c} of a subject name.
std::string CampaignNameOf(absl::string_view subject_name);

}  // namespace kaoping::appraisals
