#include "services/results/results_service.h"

#include "kaoping/v1/results.grpc.pb.h"
#include "services/common/status_macros.h"
#include "services/results/results_names.h"
#include "services/results/results_policy.h"

namespace kaoping::results {

Results::Results(std::unique_ptr<ResultsContext> context)
    : ResultsContextHolder(std::move(context)),
      Roster(*context_holder),
      RosterImport(*context_holder),
      Archives(*context_holder),
      ArchiveCorrections(*context_holder),
      AppraisalApplication(*context_holder),
      LeadApplication(*context_holder),
      Eligibilities(*context_holder),
      Policies(*context_holder),
      Vetoes(*context_holder),
      Decisions(*context_holder),
      Handlings(*context_holder),
      UsageStatistics(*context_holder) {}

Results::~Results() { consumers_.reset(); }

absl::Status Results::StartConsumers(const Config& config) {
  ASSIGN_OR_RETURN(consumers_,
                   EventConsumers::Start(config, context_holder->upstreams, *this, *this));
  return absl::OkStatus();
}

const RpcTable<Results>& ResultsRpcs() {
  using R = Results;
  constexpr CallKind kRead = CallKind::kRead;
  constexpr CallKind kAudited = CallKind::kAuditedRead;
  constexpr CallKind kWrite = CallKind::kWrite;
  static const auto* table = new RpcTable<R>(
      v1::ResultsService::service_full_name(),
      {
          // roster
          Rpc<R>(&Roster::GetUnit, kRead, Named("name", &v1::GetUnitRequest::name, kUnitPattern),
                 kRosterReaders),
          Rpc<R>(&Roster::ListUnits, kRead,
                 Named("parent", &v1::ListUnitsRequest::parent, kRegionPattern), kRosterReaders),
          Rpc<R>(&Roster::UpdateUnit, kWrite,
                 Named(
                     "unit.name",
                     [](const v1::UpdateUnitRequest& r) -> const std::string& {
                       return r.unit().name();
                     },
                     kUnitPattern),
                 kCountyAdmins),
          Rpc<R>(&Roster::GetCadre, kRead, Named("name", &v1::GetCadreRequest::name, kCadrePattern),
                 kCadreReaders),
          Rpc<R>(&Roster::ListCadres, kRead,
                 Named("parent", &v1::ListCadresRequest::parent, kRegionPattern), kRosterReaders),
          Rpc<R>(&Roster::BatchGetCadres, kRead,
                 Named("parent", &v1::BatchGetCadresRequest::parent, kRegionPattern),
                 kRosterReaders),
          Rpc<R>(&Roster::UpdateCadre, kWrite,
                 Named(
                     "cadre.name",
                     [](const v1::UpdateCadreRequest& r) -> const std::string& {
                       return r.cadre().name();
                     },
                     kCadrePattern),
                 kCountyAdmins),
          Rpc<R>(&RosterImport::ImportRoster, kWrite,
                 Named("region", &v1::ImportRosterRequest::region, kRegionPattern),
                 kRosterImporters),
          // archives
          Rpc<R>(&Archives::GetArchive, kAudited,
                 Named("name", &v1::GetArchiveRequest::name, kArchivePattern), kArchiveReaders),
          Rpc<R>(&Archives::ListArchiveEntries, kAudited,
                 Named("parent", &v1::ListArchiveEntriesRequest::parent, kArchivePattern),
                 kArchiveReaders),
          Rpc<R>(&Archives::GetArchiveEntry, kAudited,
                 Named("name", &v1::GetArchiveEntryRequest::name, kEntryPattern), kArchiveReaders),
          Rpc<R>(&Archives::ExportArchive, kAudited,
                 Named("name", &v1::ExportArchiveRequest::name, kArchivePattern),
                 kArchiveExporters),
          Rpc<R>(&ArchiveCorrections::CreateArchiveEntry, kWrite,
                 Named("parent", &v1::CreateArchiveEntryRequest::parent, kArchivePattern),
                 kCountyAdmins),
          Rpc<R>(&AppraisalApplication::ApplyAppraisal, kWrite,
                 Named("region", &v1::ApplyAppraisalRequest::region, kRegionPattern),
                 kAppraisalAppliers),
          // eligibility and policy
          Rpc<R>(&Eligibilities::GetEligibility, kRead,
                 Named("name", &v1::GetEligibilityRequest::name, kEligibilityPattern),
                 kEligibilityReaders),
          Rpc<R>(&Eligibilities::BatchGetEligibility, kRead,
                 Named("parent", &v1::BatchGetEligibilityRequest::parent, kRegionPattern),
                 kBatchEligibilityReaders),
          Rpc<R>(&Policies::GetPolicy, kRead,
                 Named("name", &v1::GetPolicyRequest::name, kPolicyPattern), kPolicyReaders),
          Rpc<R>(&Policies::UpdatePolicy, kWrite,
                 Named(
                     "policy.name",
                     [](const v1::UpdatePolicyRequest& r)
                         -> const std::string& { return r.policy().name(); },
                     kPolicyPattern),
                 kCountyAdmins),
          // vetoes
          Rpc<R>(&Vetoes::ListVetoes, kRead,
                 Named("parent", &v1::ListVetoesRequest::parent, kRegionPattern), kVetoReaders),
          Rpc<R>(&Vetoes::GetVeto, kRead, Named("name", &v1::GetVetoRequest::name, kVetoPattern),
                 kVetoReaders),
          // decisions
          Rpc<R>(&Decisions::CreateDecision, kWrite,
                 Named("parent", &v1::CreateDecisionRequest::parent, kRegionPattern),
                 kCountyAdmins),
          Rpc<R>(&Decisions::GetDecision, kRead,
                 Named("name", &v1::GetDecisionRequest::name, kDecisionPattern), kDecisionReaders),
          Rpc<R>(&Decisions::ListDecisions, kRead,
                 Named("parent", &v1::ListDecisionsRequest::parent, kRegionPattern),
                 kDecisionReaders),
          // handlings
          Rpc<R>(&Handlings::CreateHandling, kWrite,
                 Named("parent", &v1::CreateHandlingRequest::parent, kRegionPattern),
                 kCountyAdmins),
          Rpc<R>(&Handlings::GetHandling, kRead,
                 Named("name", &v1::GetHandlingRequest::name, kHandlingPattern), kHandlingReaders),
          Rpc<R>(&Handlings::ListHandlings, kRead,
                 Named("parent", &v1::ListHandlingsRequest::parent, kRegionPattern),
                 kHandlingReaders),
          Rpc<R>(&Handlings::DecideHandling, kWrite,
                 Named("name", &v1::DecideHandlingRequest::name, kHandlingPattern), kCountyAdmins),
          Rpc<R>(&Handlings::CarryOutHandling, kWrite,
                 Named("name", &v1::CarryOutHandlingRequest::name, kHandlingPattern),
                 kCountyAdmins),
          Rpc<R>(&Handlings::DismissHandling, kWrite,
                 Named("name", &v1::DismissHandlingRequest::name, kHandlingPattern), kCountyAdmins),
          // dashboards
          Rpc<R>(&UsageStatistics::GetUsageStatistics, kRead,
                 Named("name", &v1::GetUsageStatisticsRequest::name, kStatisticsPattern),
                 kStatisticsReaders),
      });
  return *table;
}

absl::StatusOr<std::vector<OwnedService>> ResultsServicesWith(ServiceRuntime& runtime,
                                                              Upstreams upstreams,
                                                              Results** domain) {
  auto context = std::make_unique<ResultsContext>();
  context->deps = runtime.deps();
  context->upstreams = std::move(upstreams);
  auto results = std::make_shared<Results>(std::move(context));
  RETURN_IF_ERROR(results->StartConsumers(runtime.config()));
  if (domain != nullptr) {
    *domain = results.get();
  }
  std::vector<OwnedService> services;
  ASSIGN_OR_RETURN(OwnedService service, Serve(runtime, ResultsRpcs(), std::move(results)));
  services.push_back(std::move(service));
  return services;
}

absl::StatusOr<std::vector<OwnedService>> ResultsServices(ServiceRuntime& runtime) {
  ASSIGN_OR_RETURN(Upstreams upstreams, Upstreams::FromConfig(runtime));
  return ResultsServicesWith(runtime, std::move(upstreams));
}

}  // namespace kaoping::results
