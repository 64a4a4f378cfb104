// Appraisals' signer keys: registration, reading and revocation of the
// public keys that sign appraisals (README.md, "Signer keys").
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/appraisals/appraisals.h"
#include "services/appraisals/section_rules.h"
#include "services/appraisals/signature_checks.h"
#include "services/appraisals/signing/public_key.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/crypto.h"
#include "services/common/db/row_lock.h"
#include "services/common/idempotency.h"
#include "services/common/privacy/unit_scope.h"
#include "services/common/status_macros.h"

namespace kaoping::appraisals {
namespace {

constexpr absl::string_view kCollection = "signerKeys";
constexpr size_t kMaxPersonChars = 128;
constexpr size_t kMaxDisplayNameChars = 100;
constexpr size_t kMaxRevokeReasonChars = 500;

// The key a create request describes, checked, in its stored form.
absl::StatusOr<v1::SignerKey> NewKey(const std::string& region_code, const v1::SignerKey& given) {
  RETURN_IF_ERROR(CheckText("signer_key.person", given.person(), true, kMaxPersonChars));
  RETURN_IF_ERROR(
      CheckText("signer_key.display_name", given.display_name(), true, kMaxDisplayNameChars));
  if (given.role() != v1::AppraisalSignature::PARTY_SECRETARY &&
      given.role() != v1::AppraisalSignature::DISCIPLINE_SECRETARY) {
    return absl::InvalidArgumentError(
        "signer_key.role: required, PARTY_SECRETARY or DISCIPLINE_SECRETARY");
  }
  RETURN_IF_ERROR(privacy::ValidateUnitGrant("signer_key.unit", given.unit(), region_code));
  absl::StatusOr<signing::Algorithm> algorithm = SigningAlgorithmOf(given.algorithm());
  if (!algorithm.ok()) {
    return absl::InvalidArgumentError(
        "signer_key.algorithm: required, ED25519 or SM2_SM3 (no default, so that a key is never"
        " read as the wrong kind)");
  }
  if (given.public_key().empty()) {
    return absl::InvalidArgumentError("signer_key.public_key: required");
  }
  absl::StatusOr<signing::PublicKey> parsed =
      signing::ParsePublicKey(given.public_key(), *algorithm);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("signer_key.public_key: ", parsed.status().message()));
  }
  v1::SignerKey key;
  key.set_person(given.person());
  key.set_display_name(given.display_name());
  key.set_role(given.role());
  key.set_unit(given.unit());
  key.set_algorithm(given.algorithm());
  key.set_public_key(parsed->raw());
  key.set_fingerprint(parsed->fingerprint());
  key.set_state(v1::SignerKey::ACTIVE);
  return key;
}

// "<create micros>/<id>/<person>": the keyset position of ListSignerKeys.
std::string ListKey(const v1::SignerKey& key) {
  return absl::StrCat(key.create_time().seconds() * 1000000 + key.create_time().nanos() / 1000, "/",
                      key.name().substr(key.name().rfind('/') + 1), "/", key.person());
}

absl::StatusOr<std::optional<SignerKeyQuery::After>> ParseListKey(const std::string& key) {
  if (key.empty()) {
    return std::optional<SignerKeyQuery::After>();
  }
  std::vector<std::string> parts = absl::StrSplit(key, absl::MaxSplits('/', 2));
  SignerKeyQuery::After after;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &after.create_micros)) {
    return absl::InvalidArgumentError("page_token: not a token of this list");
  }
  after.key_id = parts[1];
  after.person = parts[2];
  return std::optional<SignerKeyQuery::After>(std::move(after));
}

}  // namespace

absl::StatusOr<v1::SignerKey> Appraisals::CreateSignerKey(
    const Principal& caller, AuditScope& audit, const v1::CreateSignerKeyRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("parent", request.parent()));
  std::string key_id = request.signer_key_id();
  if (!key_id.empty()) {
    RETURN_IF_ERROR(ValidateResourceId("signer_key_id", key_id));
  }
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  ASSIGN_OR_RETURN(v1::SignerKey key, NewKey(region_code, request.signer_key()));
  if (key_id.empty()) {
    key_id = absl::StrCat("k-", key.fingerprint().substr(0, 16));
  }
  key.set_name(RegionChildName(region_code, kCollection, key_id));
  key.set_creator(caller.subject);
  *key.mutable_create_time() = ToProtoTimestamp(deps_.clock->Now());
  key.set_etag(ComputeEtag(key.name(), 1, key.create_time()));
  // A key is registered once in a region, whoever tries it twice.
  auto unregistered = [&](db::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<std::string> existing,
                     keys_.FindByFingerprint(tx, region_code, key.fingerprint()));
    if (existing.has_value()) {
      return absl::AlreadyExistsError(absl::StrCat("signer_key.public_key: the key ",
                                                   key.fingerprint(), " is already registered as ",
                                                   *existing));
    }
    return absl::OkStatus();
  };
  if (request.validate_only()) {
    RETURN_IF_ERROR(db::RunInTransaction(*deps_.db, db::Access::kReadOnly, unregistered));
    audit.NothingWritten();
    return key;
  }
  return IdempotentCreate(
      *deps_.db, *deps_.idempotency, audit, request, request.request_id(), NoSecrets(),
      [&](db::Transaction& tx) -> absl::StatusOr<v1::SignerKey> {
        RETURN_IF_ERROR(db::LockKey(tx, "signer-key-fingerprint", region_code, key.fingerprint()));
        RETURN_IF_ERROR(unregistered(tx));
        RETURN_IF_ERROR(keys_.Insert(tx, region_code, key_id, key));
        RETURN_IF_ERROR(audit.Record(
            tx, absl::StrCat("person=", key.person(),
                             " role=", v1::AppraisalSignature::Role_Name(key.role()),
                             " unit=", key.unit(), " fingerprint=", key.fingerprint())));
        return key;
      });
}

absl::StatusOr<v1::SignerKey> Appraisals::GetSignerKey(const Principal&, AuditScope&,
                                                       const v1::GetSignerKeyRequest& request) {
  ASSIGN_OR_RETURN(RegionChild id, ParseRegionChild("name", request.name(), kCollection));
  ASSIGN_OR_RETURN(SignerKeyStore::Stored stored,
                   db::RunInTransaction(*deps_.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
                     return keys_.Get(tx, id.region_code, id.id);
                   }));
  return stored.key;
}

absl::StatusOr<v1::ListSignerKeysResponse> Appraisals::ListSignerKeys(
    const Principal&, AuditScope&, const v1::ListSignerKeysRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("parent", request.parent()));
  if (!v1::AppraisalSignature::Role_IsValid(request.role())) {
    return absl::InvalidArgumentError(
        "role: unknown role; PARTY_SECRETARY or DISCIPLINE_SECRETARY");
  }
  if (!v1::SignerKey::State_IsValid(request.state())) {
    return absl::InvalidArgumentError("state: unknown state; ACTIVE or REVOKED");
  }
  RETURN_IF_ERROR(CheckText("person", request.person(), false, kMaxPersonChars));
  SignerKeyQuery query;
  query.person = request.person();
  if (request.role() != v1::AppraisalSignature::ROLE_UNSPECIFIED) {
    query.role = v1::AppraisalSignature::Role_Name(request.role());
  }
  if (request.state() != v1::SignerKey::STATE_UNSPECIFIED) {
    query.state = v1::SignerKey::State_Name(request.state());
  }
  const std::string fingerprint =
      absl::StrCat(request.parent(), "|", request.person(), "|", query.role, "|", query.state);
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  ASSIGN_OR_RETURN(query.after, ParseListKey(page.after_key));
  query.limit = page.limit + 1;
  ASSIGN_OR_RETURN(std::vector<v1::SignerKey> keys,
                   db::RunInTransaction(*deps_.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
                     return keys_.List(tx, region_code, query);
                   }));
  Page<v1::SignerKey> cut = CutPage(std::move(keys), page, fingerprint, ListKey);
  v1::ListSignerKeysResponse response;
  response.set_next_page_token(cut.next_page_token);
  for (v1::SignerKey& key : cut.items) {
    *response.add_signer_keys() = std::move(key);
  }
  return response;
}

absl::StatusOr<v1::SignerKey> Appraisals::RevokeSignerKey(
    const Principal&, AuditScope& audit, const v1::RevokeSignerKeyRequest& request) {
  ASSIGN_OR_RETURN(RegionChild id, ParseRegionChild("name", request.name(), kCollection));
  RETURN_IF_ERROR(CheckText("reason", request.reason(), true, kMaxRevokeReasonChars));
  return db::RunInTransaction(
      *deps_.db, db::Access::kReadWrite, [&](db::Transaction& tx) -> absl::StatusOr<v1::SignerKey> {
        RETURN_IF_ERROR(db::LockKey(tx, "signer-key", id.region_code, id.id));
        ASSIGN_OR_RETURN(SignerKeyStore::Stored stored, keys_.Get(tx, id.region_code, id.id));
        RETURN_IF_ERROR(CheckEtag("etag", request.etag(), stored.key.etag(), request.name()));
        if (stored.key.state() == v1::SignerKey::REVOKED) {
          return absl::FailedPreconditionError(absl::StrCat(request.name(), " is already REVOKED"));
        }
        v1::SignerKey& key = stored.key;
        key.set_state(v1::SignerKey::REVOKED);
        *key.mutable_revoke_time() = ToProtoTimestamp(deps_.clock->Now());
        key.set_revoke_reason(request.reason());
        ++stored.revision;
        key.set_etag(ComputeEtag(key.name(), stored.revision, key.create_time()));
        RETURN_IF_ERROR(keys_.Replace(tx, id.region_code, id.id, stored));
        RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("reason=", request.reason())));
        return key;
      });
}

}  // namespace kaoping::appraisals
