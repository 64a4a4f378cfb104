#pragma once

#include "absl/status/status.h"
#include "kaoping/v1/evaluations.pb.h"
#include "kaoping/v1/events.pb.h"
#include "services/results/archive_writer.h"
#include "services/results/results_context.h"

namespace kaoping::results {

// Verified leads into archives (results.proto header): the LeadVerified
// consumer reads the lead (EvaluationService.GetLead, as SYSTEM
// `leads:read`); a CONFIRMED or PARTLY_CONFIRMED lead becomes a
// VERIFIED_LEAD entry at once, campaign or not, and a confirmed VETO item
// imposes its veto and proposes the policy's handling without waiting for
// an appraisal (the appraisal that carries the same lead later finds the
// veto imposed). Idempotent per lead; an UNFOUNDED lead writes nothing.
class LeadApplication {
 public:
  explicit LeadApplication(ResultsContext& context) : context_(context), writer_(context.deps) {}

  // INVALID_ARGUMENT for an event that can never apply (dead letter);
  // other errors are retried.
  absl::Status OnLeadVerified(const v1::Event& event);

  // The lead as an archive keeps it.
  static v1::VerifiedLead VerifiedLeadOf(const v1::Lead& lead);

 private:
  absl::Status ApplyIn(db::Transaction& tx, const std::string& region_code, const v1::Lead& lead,
                       const std::string& source_event) const;

  ResultsContext& context_;
  ArchiveWriter writer_;
};

}  // namespace kaoping::results
