#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/server/rpc_table.h"
#include "services/common/server/service_runtime.h"
#include "services/results/appraisal_application.h"
#include "services/results/archive_corrections.h"
#include "services/results/archives.h"
#include "services/results/decisions.h"
#include "services/results/eligibility.h"
#include "services/results/event_consumers.h"
#include "services/results/handlings.h"
#include "services/results/lead_application.h"
#include "services/results/policies.h"
#include "services/results/roster.h"
#include "services/results/roster_import.h"
#include "services/results/usage_statistics.h"
#include "services/results/vetoes.h"

namespace kaoping::results {

// Holds the shared context, so that it is built before and destroyed after
// every part of Results (base classes are built in order).
struct ResultsContextHolder {
  explicit ResultsContextHolder(std::unique_ptr<ResultsContext> context)
      : context_holder(std::move(context)) {}
  std::unique_ptr<ResultsContext> context_holder;
};

// The results service's domain: one class per concern, each serving its
// RPCs, over one shared context; and the event consumers, owned last so
// that they stop first.
class Results : private ResultsContextHolder,
                public Roster,
                public RosterImport,
                public Archives,
                public ArchiveCorrections,
                public AppraisalApplication,
                public LeadApplication,
                public Eligibilities,
                public Policies,
                public Vetoes,
                public Decisions,
                public Handlings,
                public UsageStatistics {
 public:
  explicit Results(std::unique_ptr<ResultsContext> context);
  ~Results();

  // Starts consuming events as the configuration says (event_consumers.h).
  absl::Status StartConsumers(const Config& config);

  ResultsContext& context() { return *context_holder; }

 private:
  std::unique_ptr<EventConsumers> consumers_;
};

// The RPCs of kaoping.v1.ResultsService: one row each (the domain method,
// call kind, resource, rule of results_policy.h).
const RpcTable<Results>& ResultsRpcs();

// ResultsService on the runtime, reading other services through
// `upstreams`, consuming events per the configuration. `domain`, when
// given, is set to the domain object (tests; it lives as long as the
// returned service).
absl::StatusOr<std::vector<OwnedService>> ResultsServicesWith(ServiceRuntime& runtime,
                                                              Upstreams upstreams,
                                                              Results** domain = nullptr);

// What the results process serves: upstreams from appraisals_address and
// evaluations_address (main, benchmarks).
absl::StatusOr<std::vector<OwnedService>> ResultsServices(ServiceRuntime& runtime);

}  // namespace kaoping::results
