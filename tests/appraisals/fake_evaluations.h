#pragma once

#include <map>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
// The generated mock header has no include guard: include it here only.
#include "kaoping/v1/evaluations_mock.grpc.pb.h"

// Evaluations as appraisals sees it, for tests: campaigns, subjects and
// summaries held in memory and served through the generated
// v1::MockEvaluationServiceStub (Install), which the service under test
// calls as it would the real stub. It records what each call carried (the
// token forwarded, whether a deadline was set) and can be taken down.
namespace kaoping::appraisals::testing {

class FakeEvaluations {
 public:
  // What a call to the fake carried.
  struct Seen {
    std::string method;
    std::string name;
    std::string authorization;  // the "authorization" metadata, "" when none
    bool has_deadline = false;
  };

  // A campaign (AGGREGATED unless said otherwise).
  void AddCampaign(const std::string& name, v1::Campaign::State state = v1::Campaign::AGGREGATED);
  // A subject of its campaign in `unit`, about `cadre`, with a summary at
  // revision 1 proposing `proposed` (vetoed when `vetoed`: a VETO lead).
  void AddSubject(const std::string& subject, const std::string& cadre, const std::string& unit,
                  v1::Grade proposed = v1::FAIRLY_GOOD, bool vetoed = false);
  // The subject's summary changes (a lead verified, a re-aggregation):
  // its revision goes up by one, with the proposal and veto given.
  void ChangeSummary(const std::string& subject, v1::Grade proposed, bool vetoed = false);
  v1::SubjectSummary Summary(const std::string& subject) const;
  // While down every call answers UNAVAILABLE.
  void SetDown(bool down);

  std::vector<Seen> calls() const;

  // Serves the mock's GetCampaign, GetSubject and GetSubjectSummary from here.
  void Install(v1::MockEvaluationServiceStub& mock);

 private:
  grpc::Status GetCampaign(grpc::ClientContext* context, const v1::GetCampaignRequest& request,
                           v1::Campaign* response);
  grpc::Status GetSubject(grpc::ClientContext* context, const v1::GetSubjectRequest& request,
                          v1::Subject* response);
  grpc::Status GetSubjectSummary(grpc::ClientContext* context,
                                 const v1::GetSubjectSummaryRequest& request,
                                 v1::SubjectSummary* response);
  // Records the call; UNAVAILABLE while down.
  grpc::Status Note(absl::string_view method, const std::string& name, grpc::ClientContext* context)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  mutable absl::Mutex mutex_;
  bool down_ ABSL_GUARDED_BY(mutex_) = false;
  std::map<std::string, v1::Campaign> campaigns_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, v1::Subject> subjects_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, v1::SubjectSummary> summaries_ ABSL_GUARDED_BY(mutex_);  // by subject
  std::vector<Seen> calls_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace kaoping::appraisals::testing
