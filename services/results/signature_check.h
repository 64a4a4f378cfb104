#pragma once

#include "absl/status/status.h"
#include "kaoping/v1/appraisals.pb.h"

// Before a concluded appraisal is archived, results checks what it is about
// to freeze, from the bytes alone (protos/README.md, "Signatures"): the
// stored signed content is what its SHA-256 says, it names this appraisal
// and cadre, its summary_sha256 is that of the stored summary snapshot, and
// both signatures — one by the party secretary, one by the discipline
// secretary — verify over the stored bytes with the public keys they carry.
// An archive entry therefore exists only for an appraisal whose signatures
// verified when it was recorded, and can be verified again offline.
namespace kaoping::results {

// The first line of the signed bytes (AppraisalSignedContent).
inline constexpr char kSignedContentLine[] = "kaoping.v1.AppraisalSignedContent\n";

// FAILED_PRECONDITION naming what does not hold.
absl::Status CheckConcludedAppraisal(const v1::Appraisal& appraisal);

}  // namespace kaoping::results
