#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/config.h"
#include "services/common/events/stream_consumer.h"
#include "services/results/appraisal_application.h"
#include "services/results/lead_application.h"

namespace kaoping::results {

// The events results consumes, in the consumer group "results": appraisals'
// stream (AppraisalConcluded) and evaluations' (LeadVerified); other event
// types on those streams are acknowledged and left alone. A stream is
// consumed only when the service it names is configured (its address key):
// until then its events wait in Redis, and the group, created later from
// the stream's start, reads them all. Owned by the service as its last
// member, so that the consumers stop before what they use.
class EventConsumers {
 public:
  // None when redis_url is "none".
  static absl::StatusOr<std::unique_ptr<EventConsumers>> Start(const Config& config,
                                                               const Upstreams& upstreams,
                                                               AppraisalApplication& appraisals,
                                                               LeadApplication& leads);
  ~EventConsumers();

  // Failed applications of one event (a downstream outage, a cadre not yet
  // on the roster) before it goes to the dead-letter stream: with the
  // consumer's backoff capped at 5 s, about ten minutes. ApplyAppraisal
  // re-applies what was given up on.
  static constexpr int kMaxAttempts = 120;

 private:
  EventConsumers() = default;

  std::vector<std::unique_ptr<StreamConsumer>> consumers_;
};

}  // namespace kaoping::results
