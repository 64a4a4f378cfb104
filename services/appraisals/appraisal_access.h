#pragma once

#include <string>
#include <vector>

#include "kaoping/v1/appraisals.pb.h"
#include "services/appraisals/appraisal_policy.h"
#include "services/appraisals/store.h"
#include "services/common/auth/principal.h"
#include "services/common/privacy/field_access.h"

// What a reader sees of an appraisal (protos/README.md, "Who may read what"):
// the cadre reads their own draft's self-check and identifying fields only,
// never its grade; a List filter never reveals what its caller cannot read.
namespace kaoping::appraisals {

// What the cadre reads of their own appraisal before it is CONCLUDED.
const privacy::ReadableFields& CadreDraftFields();

// `appraisal` trimmed to what `reach` shows of it (nothing is cleared for
// kWhole, nor for the cadre once it is CONCLUDED).
void ShowAs(Reach reach, v1::Appraisal& appraisal);

// The List filters and the fields they filter on.
const std::vector<privacy::FilterBinding>& ListFilters();

// What the caller can read in every appraisal a List may return: the
// cadre's draft view when some of them may be their own DRAFT.
privacy::ReadableFields ListReadable(const Principal& caller, v1::Appraisal::State state);

// The rows of ListAppraisals the caller may see at all (kReaders).
ListAccess ListAccessOf(const Principal& caller);

// Roles of the caller an `awaiting_me` filter asks about (RoleName spelling).
std::vector<std::string> AwaitingRolesOf(const Principal& caller);

// What the BASIC view leaves out (appraisals.proto, Appraisal).
const std::vector<std::string>& OmittedInBasicView();

}  // namespace kaoping::appraisals
