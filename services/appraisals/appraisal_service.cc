#include "services/appraisals/appraisal_service.h"

#include "kaoping/v1/appraisals.grpc.pb.h"
#include "services/appraisals/appraisal_policy.h"
#include "services/common/client/downstream.h"
#include "services/common/status_macros.h"

namespace kaoping::appraisals {

const RpcTable<Appraisals>& AppraisalRpcs() {
  using A = Appraisals;
  constexpr absl::string_view kRegion = "regions/{region}";
  constexpr absl::string_view kAppraisal = "regions/{region}/appraisals/{appraisal}";
  constexpr absl::string_view kPayload = "regions/{region}/appraisals/{appraisal}/signingPayload";
  constexpr absl::string_view kKey = "regions/{region}/signerKeys/{signer_key}";
  static const auto* table = new RpcTable<A>(
      v1::AppraisalService::service_full_name(),
      {
          Rpc(&A::Create, CallKind::kWrite,
              Created("parent", &v1::CreateAppraisalRequest::parent, kRegion, "appraisals",
                      &v1::CreateAppraisalRequest::appraisal_id),
              kCreators),
          Rpc(&A::Get, CallKind::kAuditedRead,
              Named("name", &v1::GetAppraisalRequest::name, kAppraisal), kReaders),
          Rpc(&A::List, CallKind::kAuditedRead,
              Named("parent", &v1::ListAppraisalsRequest::parent, kRegion), kReaders),
          Rpc(&A::Delete, CallKind::kWrite,
              Named("name", &v1::DeleteAppraisalRequest::name, kAppraisal), kCreators),
          Rpc(&A::RefreshSummary, CallKind::kWrite,
              Named("name", &v1::RefreshAppraisalSummaryRequest::name, kAppraisal), kTeam),
          Rpc(&A::WriteSelfCheck, CallKind::kWrite,
              Named("name", &v1::WriteSelfCheckRequest::name, kAppraisal), kSelfCheckWriters),
          Rpc(&A::WritePartyOpinion, CallKind::kWrite,
              Named("name", &v1::WritePartyOpinionRequest::name, kAppraisal), kPartySecretaries),
          Rpc(&A::WriteIntegrityAppraisal, CallKind::kWrite,
              Named("name", &v1::WriteIntegrityAppraisalRequest::name, kAppraisal),
              kDisciplineSecretaries),
          Rpc(&A::WriteConclusion, CallKind::kWrite,
              Named("name", &v1::WriteConclusionRequest::name, kAppraisal), kTeam),
          Rpc(&A::GetSigningPayload, CallKind::kAuditedRead,
              Named("name", &v1::GetSigningPayloadRequest::name, kPayload), kPayloadReaders),
          Rpc(&A::Sign, CallKind::kWrite,
              Named("name", &v1::SignAppraisalRequest::name, kAppraisal), kSigners),
          Rpc(&A::VerifySignatures, CallKind::kAuditedRead,
              Named("name", &v1::VerifyAppraisalSignaturesRequest::name, kAppraisal), kReaders),
          Rpc(&A::Conclude, CallKind::kWrite,
              Named("name", &v1::ConcludeAppraisalRequest::name, kAppraisal), kTeam),
          Rpc(&A::CreateSignerKey, CallKind::kWrite,
              Created("parent", &v1::CreateSignerKeyRequest::parent, kRegion, "signerKeys",
                      &v1::CreateSignerKeyRequest::signer_key_id),
              kKeyAdmins),
          Rpc(&A::GetSignerKey, CallKind::kRead,
              Named("name", &v1::GetSignerKeyRequest::name, kKey), kKeyReaders),
          Rpc(&A::ListSignerKeys, CallKind::kRead,
              Named("parent", &v1::ListSignerKeysRequest::parent, kRegion), kKeyReaders),
          Rpc(&A::RevokeSignerKey, CallKind::kWrite,
              Named("name", &v1::RevokeSignerKeyRequest::name, kKey), kKeyAdmins),
      });
  return *table;
}

const std::vector<std::string>& AppraisalConfigKeys() {
  static const auto* keys =
      new std::vector<std::string>{"evaluations_address", "evaluations_deadline"};
  return *keys;
}

absl::StatusOr<OwnedService> AppraisalService(
    ServiceRuntime& runtime, ServiceDeps deps,
    std::shared_ptr<v1::EvaluationService::StubInterface> evaluations) {
  ASSIGN_OR_RETURN(const absl::Duration deadline,
                   runtime.config().GetDuration("evaluations_deadline", kDownstreamTimeout));
  if (deadline <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("evaluations_deadline: must be longer than 0s");
  }
  auto client = std::make_shared<const EvaluationsClient>(std::move(evaluations), deadline);
  return Serve(runtime, AppraisalRpcs(), std::make_shared<Appraisals>(std::move(deps), client));
}

absl::StatusOr<std::vector<OwnedService>> AppraisalServices(ServiceRuntime& runtime) {
  ASSIGN_OR_RETURN(const std::string address, runtime.config().Require("evaluations_address"));
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, runtime.ChannelTo(address));
  std::vector<OwnedService> services;
  ASSIGN_OR_RETURN(OwnedService appraisals,
                   AppraisalService(runtime, runtime.deps(),
                                    v1::EvaluationService::NewStub(std::move(channel))));
  services.push_back(std::move(appraisals));
  return services;
}

}  // namespace kaoping::appraisals
