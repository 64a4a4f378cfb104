#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kaoping/v1/appraisals.pb.h"
#include "services/appraisals/appraisal_policy.h"
#include "services/appraisals/store.h"

// An appraisal between its stored row and the API message: what is derived
// from the stored bytes (content, content SHA-256, missing sections), what
// is kept beside them for queries (grade, awaiting roles), and how a change
// of content produces the next signed content.
namespace kaoping::appraisals {

// A stored appraisal with its readable content parsed from the stored bytes.
struct Working {
  StoredAppraisal row;
  v1::AppraisalContent content;
};

// Parses the content (DATA_LOSS when the stored bytes do not parse).
absl::StatusOr<Working> Open(StoredAppraisal row);

// The whole resource: record, content, stored bytes, SHA-256, missing
// sections, etag.
v1::Appraisal Assemble(const Working& appraisal);

// What decides who may act on it.
AppraisalFacts FactsOf(const StoredAppraisal& row);

// The stored row of a new appraisal at content revision 1.
StoredAppraisal NewRow(const std::string& region_code, const std::string& appraisal_id,
                       v1::Appraisal record, v1::AppraisalContent content,
                       std::string summary_snapshot);

// A change of content: the next content revision, its signed content
// produced and stored, the query columns kept in step. Signatures are the
// caller's business (they no longer cover the new bytes).
void ChangeContent(Working& appraisal, v1::AppraisalContent content);

// Any change: the next revision (so the etag changes), update time, columns.
void Touch(Working& appraisal, absl::Time now);

// Moves the signatures `which` selects to discarded_signatures, keeping the
// last 20 there (older ones stay in the audit log, whose entry of each
// discard names them).
void DiscardSignatures(v1::Appraisal& record,
                       const std::function<bool(const v1::AppraisalSignature&)>& which);

// The etag of a stored revision.
std::string EtagOf(const StoredAppraisal& row);

}  // namespace kaoping::appraisals
