#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kaoping/v1/common.pb.h"

// The signed content of an appraisal (protos/README.md, "Signatures"): the
// line "kaoping.v1.AppraisalSignedContent\n" and the binary encoding of the
// frozen AppraisalSignedContent. Produced once per content revision and
// stored; signatures are made and checked over the stored bytes, and the
// readable content (AppraisalContent) is parsed back from them, so what a
// reader sees is what the signers signed.
namespace kaoping::appraisals {

inline constexpr absl::string_view kSignedContentLine = "kaoping.v1.AppraisalSignedContent\n";

// The bytes for `content` (its summary is not read: the snapshot's bytes
// stand for it through their SHA-256 and the figures copied from it).
std::string EncodeSignedContent(const v1::AppraisalContent& content,
                                absl::string_view summary_snapshot);

// The frozen message inside stored bytes: DATA_LOSS when they are not signed
// content (a damaged or tampered store).
absl::StatusOr<v1::AppraisalSignedContent> ParseSignedContent(absl::string_view signed_content);

// The readable content: the signed content's fields and the summary parsed
// from the snapshot (DATA_LOSS when either does not parse, or the snapshot
// is not the one the signed content names).
absl::StatusOr<v1::AppraisalContent> ContentFromStored(absl::string_view signed_content,
                                                       absl::string_view summary_snapshot);

// Sections still empty, in the order of the form: "self_check",
// "party_opinion", "integrity_appraisal", "conclusion".
std::vector<std::string> MissingSections(const v1::AppraisalContent& content);

}  // namespace kaoping::appraisals
