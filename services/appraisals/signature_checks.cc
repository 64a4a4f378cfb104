#include "services/appraisals/signature_checks.h"

#include "absl/strings/str_cat.h"
#include "services/appraisals/signing/signature.h"
#include "services/common/crypto.h"
#include "services/common/privacy/unit_scope.h"

namespace kaoping::appraisals {
namespace {

int64_t Micros(const google::protobuf::Timestamp& time) {
  return time.seconds() * 1000000 + time.nanos() / 1000;
}

// Why the signature is not valid, or "" when it is.
std::string Fault(const v1::AppraisalSignature& signature, const std::optional<v1::SignerKey>& key,
                  const SignatureContext& context) {
  if (!key.has_value()) {
    return absl::StrCat("key ", signature.signer_key(), " is not registered");
  }
  if (key->public_key() != signature.public_key() || key->algorithm() != signature.algorithm()) {
    return absl::StrCat("the signature's public key is not the one registered as ",
                        signature.signer_key());
  }
  if (key->person() != signature.signer() || key->role() != signature.role()) {
    return absl::StrCat("key ", signature.signer_key(), " is ", key->person(), "'s for ",
                        v1::AppraisalSignature::Role_Name(key->role()), ", not ",
                        signature.signer(), "'s for ",
                        v1::AppraisalSignature::Role_Name(signature.role()));
  }
  // Strictly before: a signature is accepted only under the key's lock while it
  // is ACTIVE, so one stamped with the revocation's own instant came first.
  if (key->has_revoke_time() && Micros(key->revoke_time()) < Micros(signature.sign_time())) {
    return "key revoked before signing";
  }
  if (!privacy::UnitScope::Of(key->unit()).Covers(context.unit)) {
    return absl::StrCat("key does not cover unit ", context.unit);
  }
  if (signature.content_revision() != context.content_revision) {
    return absl::StrCat("content changed since signing (revision ", signature.content_revision(),
                        " → ", context.content_revision, ")");
  }
  if (signature.content_sha256() != Sha256(context.signed_content)) {
    return "the stored content is not what was signed (its SHA-256 differs)";
  }
  if (!VerifySignatureBytes(signature.algorithm(), signature.public_key(), context.signed_content,
                            signature.signature())
           .ok()) {
    return "signature does not verify";
  }
  return context.content_fault;
}

}  // namespace

absl::StatusOr<signing::Algorithm> SigningAlgorithmOf(v1::SignatureAlgorithm::Algorithm algorithm) {
  switch (algorithm) {
    case v1::SignatureAlgorithm::ED25519:
      return signing::Algorithm::kEd25519;
    case v1::SignatureAlgorithm::SM2_SM3:
      return signing::Algorithm::kSm2;
    default:
      return absl::InvalidArgumentError("names no signature algorithm");
  }
}

absl::Status VerifySignatureBytes(v1::SignatureAlgorithm::Algorithm algorithm,
                                  absl::string_view public_key, absl::string_view content,
                                  absl::string_view signature) {
  absl::StatusOr<signing::Algorithm> kind = SigningAlgorithmOf(algorithm);
  if (!kind.ok()) {
    return kind.status();
  }
  absl::StatusOr<signing::PublicKey> key = signing::ParsePublicKey(public_key, *kind);
  if (!key.ok()) {
    return key.status();
  }
  return signing::Verify(*key, content, signature);
}

v1::SignatureCheck CheckSignature(const v1::AppraisalSignature& signature,
                                  const std::optional<v1::SignerKey>& key,
                                  const SignatureContext& context) {
  v1::SignatureCheck check;
  *check.mutable_signature() = signature;
  const std::string fault = Fault(signature, key, context);
  check.set_valid(fault.empty());
  check.set_reason(fault);
  check.set_key_active(key.has_value() && key->state() == v1::SignerKey::ACTIVE);
  return check;
}

}  // namespace kaoping::appraisals
