#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/common/auth/principal.h"

// What a region grant lets a caller read (protos/README.md, "City and
// province grants"). A token's `regions` claim holds code prefixes: a
// county's own code (510114) is an own grant of that county; a city's
// (5101) or province's (51) prefix is an own grant of the city or province
// itself and an enclosing grant of every county below it. An enclosing
// grant reads aggregates and what is public within the organization
// departments, never an individual record.
namespace kaoping::privacy {

enum class RegionGrant {
  kNone,       // outside the caller's regions
  kOwn,        // the caller holds exactly this region's prefix
  kEnclosing,  // the caller holds a prefix of an enclosing city or province
};

RegionGrant GrantFor(const Principal& principal, absl::string_view region_code);

// What is read, from what an enclosing grant may see to what it may not.
enum class RecordKind {
  kStatistics,        // evaluation and usage statistics (suppressed aggregates)
  kPublishedCatalog,  // published and retired indicator sets, resolved catalogs
  kRoster,            // units and cadres
  kPolicy,            // the use-of-results policy
  kPublicNotice,      // PUBLISHED public notices (考察预告): public to everyone
  // Everything about a person: forms, interviews, document reviews, leads,
  // campaigns and their subjects, summaries, appraisals, archives and their
  // entries, eligibility, vetoes, decisions, handlings, audit records.
  // (Indicator-set drafts are not about a person: IndicatorService lets a
  // city's admin administer its counties' catalogs.)
  kIndividualRecord,
};

// Whether a grant may read a kind of record.
bool MayRead(RegionGrant grant, RecordKind kind);

// NOT_FOUND ("{what} not found", the answer for anything outside one's
// regions) unless the principal's grant on the region may read `kind`.
absl::Status RequireReadable(const Principal& principal, absl::string_view region_code,
                             RecordKind kind, absl::string_view what);

}  // namespace kaoping::privacy
