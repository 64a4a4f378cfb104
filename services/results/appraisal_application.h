#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "kaoping/v1/events.pb.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/results/archive_writer.h"
#include "services/results/results_context.h"

namespace kaoping::results {

// Concluded appraisals into archives (results.proto header): the
// AppraisalConcluded event and ApplyAppraisal read the appraisal from
// AppraisalService (the event with the service's own token, the RPC with
// the caller's), check its bytes and signatures (signature_check.h), and
// write in one transaction the APPRAISAL entry, a veto for each verified
// VETO lead it carries (or find it imposed by the same lead), and the
// handlings the policy proposes. Idempotent per appraisal: applying it
// again writes nothing and answers what was written (already_applied).
class AppraisalApplication {
 public:
  explicit AppraisalApplication(ResultsContext& context)
      : context_(context), writer_(context.deps) {}

  absl::StatusOr<v1::ApplyAppraisalResponse> ApplyAppraisal(
      const Principal& caller, AuditScope& audit, const v1::ApplyAppraisalRequest& request);

  // The AppraisalConcluded consumer. INVALID_ARGUMENT for an event that can
  // never apply (it goes to the dead-letter stream); other errors are
  // retried (appraisals down, the cadre not yet on the roster).
  absl::Status OnAppraisalConcluded(const v1::Event& event);

 private:
  // What a concluded appraisal leads to, written now or found written.
  absl::StatusOr<v1::ApplyAppraisalResponse> ApplyIn(db::Transaction& tx,
                                                     const std::string& region_code,
                                                     const v1::Appraisal& appraisal,
                                                     const std::string& source_event,
                                                     const std::string& actor) const;
  // The answer for an appraisal applied before: nothing new.
  absl::StatusOr<std::optional<v1::ApplyAppraisalResponse>> Previous(
      db::Transaction& tx, const std::string& region_code, const std::string& appraisal_id,
      const std::string& content_sha256) const;
  // The APPRAISAL entry an appraisal freezes.
  static v1::ArchiveEntry EntryOf(const v1::Appraisal& appraisal, const std::string& source_event);

  ResultsContext& context_;
  ArchiveWriter writer_;
};

}  // namespace kaoping::results
