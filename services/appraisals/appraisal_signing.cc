// Appraisals' two signatures (双签字) and the conclusion they allow.
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/appraisals/appraisal_access.h"
#include "services/appraisals/appraisals.h"
#include "services/appraisals/section_rules.h"
#include "services/appraisals/signature_checks.h"
#include "services/appraisals/signed_content.h"
#include "services/common/api/body_names.h"
#include "services/common/api/date.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/crypto.h"
#include "services/common/db/row_lock.h"
#include "services/common/privacy/event_privacy.h"
#include "services/common/privacy/unit_scope.h"
#include "services/common/status_macros.h"

namespace kaoping::appraisals {
namespace {

constexpr absl::string_view kPayloadSuffix = "/signingPayload";
constexpr absl::string_view kKeyPattern = "regions/{region}/signerKeys/{signer_key}";
// The longest signature of either algorithm: SM2's DER (r, s).
constexpr size_t kMaxSignatureBytes = 72;

constexpr v1::AppraisalSignature::Role kBothRoles[] = {
    v1::AppraisalSignature::PARTY_SECRETARY, v1::AppraisalSignature::DISCIPLINE_SECRETARY};

Role RoleOf(v1::AppraisalSignature::Role role) {
  return role == v1::AppraisalSignature::PARTY_SECRETARY ? Role::kPartySecretary
                                                         : Role::kDisciplineSecretary;
}

std::string RoleText(v1::AppraisalSignature::Role role) {
  return v1::AppraisalSignature::Role_Name(role);
}

// The check of the signature of `role`, if there is one.
const v1::SignatureCheck* CheckOf(const v1::VerifyAppraisalSignaturesResponse& checks,
                                  v1::AppraisalSignature::Role role) {
  for (const v1::SignatureCheck& check : checks.checks()) {
    if (check.signature().role() == role) {
      return &check;
    }
  }
  return nullptr;
}

// Both roles hold a valid signature, by two different persons.
bool BothSignedValidly(const v1::VerifyAppraisalSignaturesResponse& checks) {
  const v1::SignatureCheck* party = CheckOf(checks, v1::AppraisalSignature::PARTY_SECRETARY);
  const v1::SignatureCheck* discipline =
      CheckOf(checks, v1::AppraisalSignature::DISCIPLINE_SECRETARY);
  return party != nullptr && discipline != nullptr && party->valid() && discipline->valid() &&
         party->signature().signer() != discipline->signature().signer();
}

// The request's fields, before anything is read.
absl::Status ValidateSignRequest(const Principal& caller, const std::string& region_code,
                                 const v1::SignAppraisalRequest& request) {
  if (request.role() != v1::AppraisalSignature::PARTY_SECRETARY &&
      request.role() != v1::AppraisalSignature::DISCIPLINE_SECRETARY) {
    return absl::InvalidArgumentError("role: required, PARTY_SECRETARY or DISCIPLINE_SECRETARY");
  }
  if (!caller.HasRole(RoleOf(request.role()))) {
    return absl::PermissionDeniedError(absl::StrCat("role: signing as ", RoleText(request.role()),
                                                    " needs that role in your token"));
  }
  if (request.signer_key().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("signer_key: required, a name ", kKeyPattern));
  }
  RETURN_IF_ERROR(
      CheckBodyName("signer_key", request.signer_key(), kKeyPattern, {region_code, "", ""})
          .status());
  if (request.signature().empty()) {
    return absl::InvalidArgumentError("signature: required");
  }
  if (request.signature().size() > kMaxSignatureBytes) {
    return absl::InvalidArgumentError(absl::StrCat("signature: at most ", kMaxSignatureBytes,
                                                   " bytes, got ", request.signature().size()));
  }
  if (request.content_sha256().size() != 32) {
    return absl::InvalidArgumentError(
        "content_sha256: required, the 32 bytes SigningPayload.content_sha256 gave");
  }
  return absl::OkStatus();
}

// Locks the keys of the appraisal's signatures, in name order (no two
// concluders wait on each other): a key revoked while concluding either
// comes first (and blocks it) or after (and leaves the signatures valid).
absl::Status LockSignerKeys(db::Transaction& tx, const v1::Appraisal& record) {
  std::vector<std::string> names;
  for (const v1::AppraisalSignature& signature : record.signatures()) {
    names.push_back(signature.signer_key());
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    ASSIGN_OR_RETURN(RegionChild key, ParseRegionChild("signer_key", name, "signerKeys"));
    RETURN_IF_ERROR(db::LockKey(tx, "signer-key", key.region_code, key.id));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Appraisals::Emit(db::Transaction& tx, const Principal& caller,
                              const Working& appraisal,
                              const google::protobuf::Message& event) const {
  RETURN_IF_ERROR(privacy::CheckEventPayload(event));
  return deps_.outbox
      ->Enqueue(tx, appraisal.row.region_code, appraisal.row.record.name(), caller.subject, event)
      .status();
}

absl::StatusOr<v1::SigningPayload> Appraisals::GetSigningPayload(
    const Principal& caller, AuditScope&, const v1::GetSigningPayloadRequest& request) {
  if (!absl::EndsWith(request.name(), kPayloadSuffix)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "name: ", QuoteInput(request.name()),
        " is not a name of the form regions/{region}/appraisals/{appraisal}/signingPayload"));
  }
  const std::string appraisal_name(
      request.name().substr(0, request.name().size() - kPayloadSuffix.size()));
  const std::string no_etag;
  ASSIGN_OR_RETURN(
      Working appraisal,
      db::RunInTransaction(
          *deps_.db, db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<Working> {
            return Load(tx, caller, kPayloadReaders, {"name", appraisal_name, no_etag});
          }));
  v1::SigningPayload payload;
  payload.set_name(request.name());
  payload.set_content(appraisal.row.signed_content);
  payload.set_content_sha256(Sha256(appraisal.row.signed_content));
  payload.set_content_sha256_hex(HexEncode(payload.content_sha256()));
  payload.set_content_revision(appraisal.content.content_revision());
  const std::vector<std::string> missing = MissingSections(appraisal.content);
  payload.set_complete(missing.empty() && appraisal.row.record.state() == v1::Appraisal::DRAFT);
  for (const std::string& section : missing) {
    payload.add_missing_sections(section);
  }
  payload.set_etag(EtagOf(appraisal.row));
  return payload;
}

absl::StatusOr<std::vector<std::optional<v1::SignerKey>>> Appraisals::KeysOf(
    db::Transaction& tx, const Working& appraisal) const {
  std::vector<std::optional<v1::SignerKey>> keys;
  for (const v1::AppraisalSignature& signature : appraisal.row.record.signatures()) {
    absl::StatusOr<RegionChild> id =
        ParseRegionChild("signer_key", signature.signer_key(), "signerKeys");
    absl::StatusOr<SignerKeyStore::Stored> key =
        id.ok() && id->region_code == appraisal.row.region_code
            ? keys_.Get(tx, id->region_code, id->id)
            : absl::NotFoundError("another region's key");
    if (!key.ok() && key.status().code() != absl::StatusCode::kNotFound) {
      return key.status();
    }
    keys.push_back(key.ok() ? std::optional<v1::SignerKey>(key->key) : std::nullopt);
  }
  return keys;
}

absl::StatusOr<v1::VerifyAppraisalSignaturesResponse> Appraisals::CheckAll(
    db::Transaction& tx, const Working& appraisal) const {
  ASSIGN_OR_RETURN(std::vector<std::optional<v1::SignerKey>> keys, KeysOf(tx, appraisal));
  SignatureContext context;
  context.signed_content = appraisal.row.signed_content;
  context.content_revision = appraisal.content.content_revision();
  context.unit = appraisal.row.unit;
  absl::Status consistent = Open(appraisal.row).status();
  if (!consistent.ok()) {
    context.content_fault = std::string(consistent.message());
  }
  v1::VerifyAppraisalSignaturesResponse response;
  response.set_content_sha256(Sha256(appraisal.row.signed_content));
  for (int i = 0; i < appraisal.row.record.signatures_size(); ++i) {
    *response.add_checks() = CheckSignature(appraisal.row.record.signatures(i), keys[i], context);
  }
  response.set_complete(BothSignedValidly(response));
  return response;
}

absl::StatusOr<v1::VerifyAppraisalSignaturesResponse> Appraisals::VerifySignatures(
    const Principal& caller, AuditScope&, const v1::VerifyAppraisalSignaturesRequest& request) {
  const std::string no_etag;
  return db::RunInTransaction(
      *deps_.db, db::Access::kReadOnly,
      [&](db::Transaction& tx) -> absl::StatusOr<v1::VerifyAppraisalSignaturesResponse> {
        Reach reach = Reach::kNone;
        ASSIGN_OR_RETURN(StoredAppraisal row,
                         LoadRow(tx, caller, kReaders, {"name", request.name(), no_etag}, &reach));
        if (reach == Reach::kOwn && row.record.state() != v1::Appraisal::CONCLUDED) {
          return absl::PermissionDeniedError(
              absl::StrCat(request.name(),
                           " is not CONCLUDED yet; its cadre verifies its"
                           " signatures once it is"));
        }
        // A damaged store is reported per signature, not as a failed call.
        Working appraisal{std::move(row), v1::AppraisalContent()};
        absl::StatusOr<v1::AppraisalSignedContent> parsed =
            ParseSignedContent(appraisal.row.signed_content);
        appraisal.content.set_content_revision(parsed.ok() ? parsed->content_revision() : -1);
        return CheckAll(tx, appraisal);
      });
}

absl::StatusOr<v1::AppraisalSignature> Appraisals::AcceptSignature(
    db::Transaction& tx, const Principal& caller, const Working& appraisal,
    const v1::SignAppraisalRequest& request) const {
  ASSIGN_OR_RETURN(RegionChild id,
                   ParseRegionChild("signer_key", request.signer_key(), "signerKeys"));
  // Signing with a key and revoking it never overlap: its state at
  // signing time is the state it had when the signature was accepted.
  RETURN_IF_ERROR(db::LockKey(tx, "signer-key", id.region_code, id.id));
  absl::StatusOr<SignerKeyStore::Stored> stored = keys_.Get(tx, id.region_code, id.id);
  if (stored.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("signer_key: ", request.signer_key(), " not found"));
  }
  RETURN_IF_ERROR(stored.status());
  const v1::SignerKey& key = stored->key;
  if (key.person() != caller.subject) {
    return absl::PermissionDeniedError(
        absl::StrCat("signer_key: ", key.name(), " is not yours; sign with your own key"));
  }
  if (key.role() != request.role()) {
    return absl::InvalidArgumentError(absl::StrCat("signer_key: ", key.name(), " signs as ",
                                                   RoleText(key.role()), ", not as ",
                                                   RoleText(request.role())));
  }
  if (key.state() != v1::SignerKey::ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("signer_key: ", key.name(), " is REVOKED; sign with an ACTIVE key"));
  }
  if (!privacy::UnitScope::Of(key.unit()).Covers(appraisal.row.unit)) {
    return absl::PermissionDeniedError(absl::StrCat("signer_key: ", key.name(), " signs for ",
                                                    key.unit(), ", not for unit ",
                                                    appraisal.row.unit));
  }
  for (const v1::AppraisalSignature& other : appraisal.row.record.signatures()) {
    if (other.role() != request.role() && other.signer() == caller.subject) {
      return absl::FailedPreconditionError(absl::StrCat(
          appraisal.row.record.name(), " is already signed by ", caller.subject, " as ",
          RoleText(other.role()), "; the two signatures must be of two different persons"));
    }
  }
  absl::Status verified = VerifySignatureBytes(key.algorithm(), key.public_key(),
                                               appraisal.row.signed_content, request.signature());
  if (!verified.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("signature: ", verified.message()));
  }
  v1::AppraisalSignature signature;
  signature.set_role(request.role());
  signature.set_signer(caller.subject);
  signature.set_signer_display_name(key.display_name());
  signature.set_signer_key(key.name());
  signature.set_public_key(key.public_key());
  signature.set_algorithm(key.algorithm());
  signature.set_signature(request.signature());
  signature.set_content_sha256(Sha256(appraisal.row.signed_content));
  signature.set_content_revision(appraisal.content.content_revision());
  *signature.mutable_sign_time() = ToProtoTimestamp(deps_.clock->Now());
  return signature;
}

absl::StatusOr<v1::Appraisal> Appraisals::Sign(const Principal& caller, AuditScope& audit,
                                               const v1::SignAppraisalRequest& request) {
  ASSIGN_OR_RETURN(RegionChild target, ParseRegionChild("name", request.name(), "appraisals"));
  RETURN_IF_ERROR(ValidateSignRequest(caller, target.region_code, request));
  // Only the role signed in counts: a party secretary of this unit who is
  // also a discipline secretary elsewhere signs here as the former only.
  const Rule& as_role = request.role() == v1::AppraisalSignature::PARTY_SECRETARY
                            ? kPartySecretaries
                            : kDisciplineSecretaries;
  return db::RunInTransaction(
      *deps_.db, db::Access::kReadWrite, [&](db::Transaction& tx) -> absl::StatusOr<v1::Appraisal> {
        ASSIGN_OR_RETURN(Working appraisal,
                         Load(tx, caller, as_role, {"name", request.name(), request.etag()}));
        if (appraisal.row.record.state() != v1::Appraisal::DRAFT) {
          return absl::FailedPreconditionError(
              absl::StrCat(request.name(), " is CONCLUDED; it takes no more signatures"));
        }
        const std::vector<std::string> missing = MissingSections(appraisal.content);
        if (!missing.empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat(request.name(), " is incomplete: ", absl::StrJoin(missing, ", "),
                           " missing; the signatures cover every section and the conclusion"));
        }
        if (request.content_sha256() != Sha256(appraisal.row.signed_content)) {
          return absl::AbortedError(absl::StrCat(
              "content_sha256: the content of ", request.name(),
              " changed since the payload was fetched (now revision ",
              appraisal.content.content_revision(), "); fetch the signing payload again"));
        }
        ASSIGN_OR_RETURN(v1::AppraisalSignature signature,
                         AcceptSignature(tx, caller, appraisal, request));
        const int64_t expected_revision = appraisal.row.revision;
        DiscardSignatures(appraisal.row.record, [&](const v1::AppraisalSignature& s) {
          return s.role() == request.role();
        });
        *appraisal.row.record.add_signatures() = signature;
        Touch(appraisal, deps_.clock->Now());
        RETURN_IF_ERROR(store_.Replace(tx, appraisal.row, expected_revision));
        ASSIGN_OR_RETURN(v1::VerifyAppraisalSignaturesResponse checks, CheckAll(tx, appraisal));
        v1::AppraisalSigned event;
        event.set_appraisal(appraisal.row.record.name());
        event.set_role(request.role());
        event.set_signer_key(signature.signer_key());
        event.set_content_revision(signature.content_revision());
        event.set_complete(checks.complete());
        RETURN_IF_ERROR(Emit(tx, caller, appraisal, event));
        RETURN_IF_ERROR(audit.Record(
            tx, absl::StrCat("role=", RoleText(request.role()), " key=", signature.signer_key(),
                             " content_revision=", signature.content_revision())));
        return Assemble(appraisal);
      });
}

absl::Status Appraisals::ConcludableNow(db::Transaction& tx, const Working& appraisal) const {
  const std::string& name = appraisal.row.record.name();
  if (appraisal.row.record.state() != v1::Appraisal::DRAFT) {
    return absl::FailedPreconditionError(absl::StrCat(name, " is already CONCLUDED"));
  }
  const std::vector<std::string> missing = MissingSections(appraisal.content);
  if (!missing.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, " is incomplete: ", absl::StrJoin(missing, ", "), " missing"));
  }
  absl::Status fits = CheckConclusion(appraisal.content.summary(), appraisal.content.grade(),
                                      appraisal.content.grade_reason());
  if (!fits.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("the conclusion no longer fits the summary (",
                                                      fits.message(),
                                                      "): write the conclusion again"));
  }
  ASSIGN_OR_RETURN(v1::VerifyAppraisalSignaturesResponse checks, CheckAll(tx, appraisal));
  for (v1::AppraisalSignature::Role role : kBothRoles) {
    const v1::SignatureCheck* check = CheckOf(checks, role);
    if (check == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("signature of ", RoleText(role), " missing"));
    }
    if (!check->valid()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "signature of ", RoleText(role), " is not valid: ", check->reason(), "; sign again"));
    }
    if (!check->key_active()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "signature of ", RoleText(role), " was made with ", check->signature().signer_key(),
          ", REVOKED since; sign again with an ACTIVE key"));
    }
  }
  if (!checks.complete()) {
    return absl::FailedPreconditionError(
        "both signatures are by one person; the two must be of two different persons");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Appraisal> Appraisals::Conclude(const Principal& caller, AuditScope& audit,
                                                   const v1::ConcludeAppraisalRequest& request) {
  const Ref ref{"name", request.name(), request.etag()};
  ASSIGN_OR_RETURN(Working checked,
                   db::RunInTransaction(*deps_.db, db::Access::kReadOnly,
                                        [&](db::Transaction& tx) -> absl::StatusOr<Working> {
                                          ASSIGN_OR_RETURN(Working appraisal,
                                                           Load(tx, caller, kTeam, ref));
                                          RETURN_IF_ERROR(ConcludableNow(tx, appraisal));
                                          return appraisal;
                                        }));
  // Asked outside any transaction: evaluations may take its deadline.
  ASSIGN_OR_RETURN(SummaryTaken current,
                   evaluations_->Summary(caller, "name", checked.row.record.subject()));
  const int64_t snapshot_revision = checked.content.summary().revision();
  if (current.summary.revision() != snapshot_revision) {
    return absl::FailedPreconditionError(absl::StrCat("summary revision ", snapshot_revision,
                                                      " is stale (now ", current.summary.revision(),
                                                      "): :refreshSummary, then sign again"));
  }
  return db::RunInTransaction(
      *deps_.db, db::Access::kReadWrite, [&](db::Transaction& tx) -> absl::StatusOr<v1::Appraisal> {
        ASSIGN_OR_RETURN(Working appraisal, Load(tx, caller, kTeam, ref));
        if (appraisal.row.revision != checked.row.revision) {
          return absl::AbortedError(absl::StrCat(
              request.name(), " changed while evaluations was asked; read it again and retry"));
        }
        RETURN_IF_ERROR(LockSignerKeys(tx, appraisal.row.record));
        RETURN_IF_ERROR(ConcludableNow(tx, appraisal));
        const int64_t expected_revision = appraisal.row.revision;
        const absl::Time now = deps_.clock->Now();
        v1::Appraisal& record = appraisal.row.record;
        record.set_state(v1::Appraisal::CONCLUDED);
        *record.mutable_conclude_time() = ToProtoTimestamp(now);
        record.set_concluder(caller.subject);
        Touch(appraisal, now);
        RETURN_IF_ERROR(store_.Replace(tx, appraisal.row, expected_revision));
        v1::AppraisalConcluded event;
        event.set_appraisal(record.name());
        event.set_subject(appraisal.content.subject());
        event.set_campaign(appraisal.content.campaign());
        event.set_cadre(appraisal.content.cadre());
        event.set_unit(appraisal.content.unit());
        *event.mutable_conclude_date() = CivilDayToDate(Today(*deps_.clock));
        event.set_content_sha256(Sha256(appraisal.row.signed_content));
        RETURN_IF_ERROR(Emit(tx, caller, appraisal, event));
        RETURN_IF_ERROR(audit.Record(
            tx, absl::StrCat("grade=", v1::Grade_Name(appraisal.content.grade()),
                             " content_revision=", appraisal.content.content_revision())));
        return Assemble(appraisal);
      });
}

}  // namespace kaoping::appraisals
