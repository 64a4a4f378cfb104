#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kaoping/v1/appraisals.grpc.pb.h"
#include "kaoping/v1/evaluations.grpc.pb.h"
#include "services/common/server/service_runtime.h"

namespace kaoping::results {

// The configuration keys of the results service, beside the runtime's:
//   appraisals_address   where AppraisalService is (concluded appraisals)
//   evaluations_address  where EvaluationService is (verified leads)
//   event_consumer_name  this instance's name in the consumer groups
//                        (default: the host name); stable across restarts
//   event_claim_idle     events another instance received and left
//                        unacknowledged this long are taken over (30s)
const std::vector<std::string>& ResultsConfigKeys();

// The two reads results makes of other services, over their generated
// stubs (gMock stubs in tests). A call carries the token given (the
// caller's, forwarded, or the service's own), has a deadline, and a failure
// is mapped by FromDownstream: UNAVAILABLE when the service could not
// answer, its own answer otherwise. A service whose address is not
// configured is UNAVAILABLE too.
class Upstreams {
 public:
  Upstreams() = default;
  Upstreams(std::shared_ptr<v1::AppraisalService::StubInterface> appraisals,
            std::shared_ptr<v1::EvaluationService::StubInterface> evaluations)
      : appraisals_(std::move(appraisals)), evaluations_(std::move(evaluations)) {}

  // Stubs on channels to appraisals_address and evaluations_address (with
  // the TLS of the configuration); an unset address leaves its stub null.
  static absl::StatusOr<Upstreams> FromConfig(const ServiceRuntime& runtime);

  absl::StatusOr<v1::Appraisal> GetAppraisal(const std::string& name,
                                             absl::string_view bearer_token) const;
  absl::StatusOr<v1::Lead> GetLead(const std::string& name, absl::string_view bearer_token) const;

  bool has_appraisals() const { return appraisals_ != nullptr; }
  bool has_evaluations() const { return evaluations_ != nullptr; }

 private:
  std::shared_ptr<v1::AppraisalService::StubInterface> appraisals_;
  std::shared_ptr<v1::EvaluationService::StubInterface> evaluations_;
};

}  // namespace kaoping::results
