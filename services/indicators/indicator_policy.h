#pragma once

#include "absl/strings/string_view.h"
#include "kaoping/v1/indicators.pb.h"
#include "services/common/auth/policy.h"
#include "services/common/auth/principal.h"

// Who may call the indicators service (README.md, "Who may do what"): the
// rules its RPC table names, and the predicates for what depends on a set's
// state. Machine clients (SYSTEM) read with the scope `catalog:read` and
// never write.
namespace kaoping::indicators {

inline constexpr absl::string_view kCatalogReadScope = "catalog:read";

// Create, Update, Delete, Publish, Retire: a REGION_ADMIN whose regions
// cover the set's (a city admin covers its counties).
inline constexpr Rule kEditors{.roles = {Role::kRegionAdmin}};

// Get, List: anyone of the region, and of the regions inside it (a county
// reads what its city and province published); drafts only per
// CanSeeDrafts, NOT_FOUND to everyone else. A read refused to a role is
// NOT_FOUND, as every read of a record one may not see.
inline constexpr Rule kReaders{.roles = kEveryPersonRole,
                               .system_scope = kCatalogReadScope,
                               .region = RegionRelation::kCoversOrWithin,
                               .refuse_as_not_found = true};

// ResolveCatalog: anyone whose regions cover the region asked about.
inline constexpr Rule kResolvers{
    .roles = kEveryPersonRole, .system_scope = kCatalogReadScope, .refuse_as_not_found = true};

// GetDefaultCatalog: anyone authenticated.
inline constexpr Rule kAnyone{.roles = kEveryPersonRole,
                              .system_scope = kCatalogReadScope,
                              .region = RegionRelation::kNone,
                              .refuse_as_not_found = true};

// Drafts exist only for their editors and the region's auditors.
inline constexpr Rule kDraftReaders{.roles = {Role::kRegionAdmin, Role::kAuditor}};

inline bool CanSeeDrafts(const Principal& principal, absl::string_view region_code) {
  return Allows(kDraftReaders, principal, region_code);
}

// A set of the region in that state may be shown to the principal.
inline bool CanRead(const Principal& principal, absl::string_view region_code,
                    v1::IndicatorSet::State state) {
  return state == v1::IndicatorSet::DRAFT ? CanSeeDrafts(principal, region_code)
                                          : Allows(kReaders, principal, region_code);
}

}  // namespace kaoping::indicators
