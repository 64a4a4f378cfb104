#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/empty.pb.h"
#include "kaoping/v1/appraisals.pb.h"
#include "services/appraisals/appraisal_policy.h"
#include "services/appraisals/appraisal_record.h"
#include "services/appraisals/evaluations_client.h"
#include "services/appraisals/signer_key_store.h"
#include "services/appraisals/store.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/common/service_deps.h"

namespace kaoping::appraisals {

// The appraisals service's rules, one method per RPC, no gRPC in here. The
// runtime has already authenticated the caller, read the resource and
// applied the RPC's rule (appraisal_policy.h); a method validates
// (INVALID_ARGUMENT naming the field), decides what the stored appraisal
// lets the caller do (ReachOf: a secretary's units, the cadre's own; NOT_FOUND
// otherwise), asks evaluations what it needs before any transaction, then
// reads or changes the store in one transaction with its audit entry,
// idempotency record and events.
//
// Method bodies live by topic: appraisal_create.cc (create, refresh),
// appraisal_read.cc (get, list, delete), appraisal_sections.cc (the four
// sections), appraisal_signing.cc (payload, sign, verify, conclude),
// signer_keys.cc (the key registry).
class Appraisals {
 public:
  Appraisals(ServiceDeps deps, std::shared_ptr<const EvaluationsClient> evaluations)
      : deps_(std::move(deps)), evaluations_(std::move(evaluations)) {}

  // Idempotent on request_id (a replay returns the first appraisal, looked
  // up before evaluations is asked, so a retry succeeds while it is down).
  absl::StatusOr<v1::Appraisal> Create(const Principal& caller, AuditScope& audit,
                                       const v1::CreateAppraisalRequest& request);
  absl::StatusOr<v1::Appraisal> Get(const Principal& caller, AuditScope& audit,
                                    const v1::GetAppraisalRequest& request);
  absl::StatusOr<v1::ListAppraisalsResponse> List(const Principal& caller, AuditScope& audit,
                                                  const v1::ListAppraisalsRequest& request);
  absl::Status Delete(const Principal& caller, AuditScope& audit,
                      const v1::DeleteAppraisalRequest& request);
  absl::StatusOr<v1::Appraisal> RefreshSummary(const Principal& caller, AuditScope& audit,
                                               const v1::RefreshAppraisalSummaryRequest& request);
  absl::StatusOr<v1::Appraisal> WriteSelfCheck(const Principal& caller, AuditScope& audit,
                                               const v1::WriteSelfCheckRequest& request);
  absl::StatusOr<v1::Appraisal> WritePartyOpinion(const Principal& caller, AuditScope& audit,
                                                  const v1::WritePartyOpinionRequest& request);
  absl::StatusOr<v1::Appraisal> WriteIntegrityAppraisal(
      const Principal& caller, AuditScope& audit,
      const v1::WriteIntegrityAppraisalRequest& request);
  absl::StatusOr<v1::Appraisal> WriteConclusion(const Principal& caller, AuditScope& audit,
                                                const v1::WriteConclusionRequest& request);
  absl::StatusOr<v1::SigningPayload> GetSigningPayload(const Principal& caller, AuditScope& audit,
                                                       const v1::GetSigningPayloadRequest& request);
  absl::StatusOr<v1::Appraisal> Sign(const Principal& caller, AuditScope& audit,
                                     const v1::SignAppraisalRequest& request);
  absl::StatusOr<v1::VerifyAppraisalSignaturesResponse> VerifySignatures(
      const Principal& caller, AuditScope& audit,
      const v1::VerifyAppraisalSignaturesRequest& request);
  absl::StatusOr<v1::Appraisal> Conclude(const Principal& caller, AuditScope& audit,
                                         const v1::ConcludeAppraisalRequest& request);

  // Signer keys. Create is idempotent on request_id (a public key is no secret).
  absl::StatusOr<v1::SignerKey> CreateSignerKey(const Principal& caller, AuditScope& audit,
                                                const v1::CreateSignerKeyRequest& request);
  absl::StatusOr<v1::SignerKey> GetSignerKey(const Principal& caller, AuditScope& audit,
                                             const v1::GetSignerKeyRequest& request);
  absl::StatusOr<v1::ListSignerKeysResponse> ListSignerKeys(
      const Principal& caller, AuditScope& audit, const v1::ListSignerKeysRequest& request);
  absl::StatusOr<v1::SignerKey> RevokeSignerKey(const Principal& caller, AuditScope& audit,
                                                const v1::RevokeSignerKeyRequest& request);

 private:
  // An appraisal named in a request, with the fields errors should name.
  struct Ref {
    absl::string_view name_field;
    const std::string& name;
    const std::string& etag;  // "" when the request carries none
  };

  // Loads an appraisal the caller reaches through `rule` (NOT_FOUND, as if
  // absent, when it does not); checks the etag if given. Its content is
  // not parsed (VerifySignatures reports a damaged one instead of failing).
  absl::StatusOr<StoredAppraisal> LoadRow(db::Transaction& tx, const Principal& caller,
                                          const Rule& rule, const Ref& ref,
                                          Reach* reach = nullptr) const;
  // Loads an appraisal the caller reaches through `rule` (NOT_FOUND, as if
  // absent, when it does not), with its content; checks the etag if given.
  absl::StatusOr<Working> Load(db::Transaction& tx, const Principal& caller, const Rule& rule,
                               const Ref& ref, Reach* reach = nullptr) const;

  // A section write: loads the DRAFT appraisal, lets `change` edit its
  // content (returning the audit detail), moves existing signatures to
  // discarded_signatures when `discard_signatures` allows it
  // (FAILED_PRECONDITION otherwise), stores the next content revision and
  // records the audit entry; returns what the caller may read of it.
  using ContentChange =
      std::function<absl::StatusOr<std::string>(db::Transaction&, Working&, v1::AppraisalContent&)>;
  absl::StatusOr<v1::Appraisal> ChangeDraft(const Principal& caller, AuditScope& audit,
                                            const Rule& rule, const Ref& ref,
                                            bool discard_signatures, const ContentChange& change);
  // The common part of a section write: the stored appraisal's new content
  // in the caller's transaction (signatures discarded as allowed).
  absl::Status StoreChange(db::Transaction& tx, Working& appraisal, bool discard_signatures,
                           v1::AppraisalContent content) const;

  // Who wrote a section, now: the caller, with a name where one is known
  // (the cadre's from the appraisal, a secretary's from their ACTIVE key).
  absl::StatusOr<v1::SectionRecord> RecordOf(db::Transaction& tx, const Principal& caller,
                                             const Working& appraisal, Role role,
                                             bool transcribed) const;
  // The registered key each signature names, as the registry has it now.
  absl::StatusOr<std::vector<std::optional<v1::SignerKey>>> KeysOf(db::Transaction& tx,
                                                                   const Working& appraisal) const;
  // Every current signature checked against the stored content.
  absl::StatusOr<v1::VerifyAppraisalSignaturesResponse> CheckAll(db::Transaction& tx,
                                                                 const Working& appraisal) const;
  // OK when the appraisal may be concluded (all but the summary's currency),
  // FAILED_PRECONDITION naming what is missing otherwise.
  absl::Status ConcludableNow(db::Transaction& tx, const Working& appraisal) const;
  // A signature the request carries, checked against the key and the
  // stored content; INVALID_ARGUMENT / PERMISSION_DENIED / FAILED_PRECONDITION.
  absl::StatusOr<v1::AppraisalSignature> AcceptSignature(
      db::Transaction& tx, const Principal& caller, const Working& appraisal,
      const v1::SignAppraisalRequest& request) const;
  // Enqueues an event (checked thin first) in the write's transaction.
  absl::Status Emit(db::Transaction& tx, const Principal& caller, const Working& appraisal,
                    const google::protobuf::Message& event) const;

  ServiceDeps deps_;
  std::shared_ptr<const EvaluationsClient> evaluations_;
  AppraisalStore store_;
  SignerKeyStore keys_;
};

}  // namespace kaoping::appraisals
