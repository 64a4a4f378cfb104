#include "services/results/signature_check.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "kaoping/v1/common.pb.h"
#include "services/appraisals/signing/digests.h"
#include "services/appraisals/signing/public_key.h"
#include "services/appraisals/signing/signature.h"
#include "services/common/status_macros.h"

namespace kaoping::results {
namespace {

absl::Status Broken(const v1::Appraisal& appraisal, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat(appraisal.name(), " cannot be archived: ", what));
}

absl::StatusOr<signing::Algorithm> AlgorithmOf(v1::SignatureAlgorithm::Algorithm algorithm) {
  switch (algorithm) {
    case v1::SignatureAlgorithm::ED25519:
      return signing::Algorithm::kEd25519;
    case v1::SignatureAlgorithm::SM2_SM3:
      return signing::Algorithm::kSm2;
    default:
      return absl::InvalidArgumentError("unknown algorithm");
  }
}

absl::Status CheckSignature(const v1::Appraisal& appraisal, const v1::AppraisalSignature& sig) {
  const std::string role = v1::AppraisalSignature::Role_Name(sig.role());
  if (sig.content_sha256() != appraisal.content_sha256()) {
    return Broken(appraisal, absl::StrCat("the ", role, " signature is over other content"));
  }
  absl::StatusOr<signing::Algorithm> algorithm = AlgorithmOf(sig.algorithm());
  absl::StatusOr<signing::PublicKey> key =
      algorithm.ok() ? signing::ParsePublicKey(sig.public_key(), *algorithm)
                     : absl::StatusOr<signing::PublicKey>(algorithm.status());
  if (!key.ok()) {
    return Broken(appraisal,
                  absl::StrCat("the ", role, " signature's key: ", key.status().message()));
  }
  if (absl::Status st = signing::Verify(*key, appraisal.signed_content(), sig.signature());
      !st.ok()) {
    return Broken(appraisal,
                  absl::StrCat("the ", role, " signature does not verify: ", st.message()));
  }
  return absl::OkStatus();
}

absl::Status CheckSignedContent(const v1::Appraisal& appraisal) {
  const std::string& bytes = appraisal.signed_content();
  if (signing::Sha256(bytes) != appraisal.content_sha256()) {
    return Broken(appraisal, "content_sha256 is not the SHA-256 of signed_content");
  }
  v1::AppraisalSignedContent signed_content;
  if (!absl::StartsWith(bytes, kSignedContentLine) ||
      !signed_content.ParseFromString(bytes.substr(sizeof(kSignedContentLine) - 1))) {
    return Broken(appraisal, "signed_content is not an AppraisalSignedContent");
  }
  if (signed_content.appraisal() != appraisal.name() ||
      signed_content.cadre() != appraisal.content().cadre()) {
    return Broken(appraisal, "signed_content names another appraisal or cadre");
  }
  if (signed_content.summary_sha256() != signing::Sha256(appraisal.summary_snapshot())) {
    return Broken(appraisal, "summary_sha256 is not the SHA-256 of summary_snapshot");
  }
  if (signed_content.grade() != appraisal.content().grade()) {
    return Broken(appraisal, "the signed grade is not the concluded one");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckConcludedAppraisal(const v1::Appraisal& appraisal) {
  if (appraisal.state() != v1::Appraisal::CONCLUDED) {
    return absl::FailedPreconditionError(absl::StrCat(appraisal.name(), " is ",
                                                      v1::Appraisal::State_Name(appraisal.state()),
                                                      "; only a CONCLUDED appraisal is archived"));
  }
  RETURN_IF_ERROR(CheckSignedContent(appraisal));
  std::optional<int> party, discipline;
  for (int i = 0; i < appraisal.signatures_size(); ++i) {
    const auto role = appraisal.signatures(i).role();
    auto& slot = role == v1::AppraisalSignature::PARTY_SECRETARY        ? party
                 : role == v1::AppraisalSignature::DISCIPLINE_SECRETARY ? discipline
                                                                        : party;
    if (role == v1::AppraisalSignature::ROLE_UNSPECIFIED || slot.has_value()) {
      return Broken(appraisal, "signatures must be one per role");
    }
    slot = i;
  }
  if (!party.has_value() || !discipline.has_value()) {
    return Broken(appraisal, "both signatures (party and discipline secretary) are required");
  }
  RETURN_IF_ERROR(CheckSignature(appraisal, appraisal.signatures(*party)));
  return CheckSignature(appraisal, appraisal.signatures(*discipline));
}

}  // namespace kaoping::results
