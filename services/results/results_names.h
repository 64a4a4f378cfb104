#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/api/body_names.h"

// The resource names of the results service, built and taken apart in one
// place. Parsing checks the form (INVALID_ARGUMENT naming the field) and,
// with a PathScope, that a name inside a body lies in the path's region and
// cadre (services/common/api/body_names.h).
namespace kaoping::results {

// The scope of names inside a body: in `region_code`, and (InArchive) of
// one cadre's archive. Spelled out so that every member is initialized.
inline PathScope InRegion(std::string region_code) {
  PathScope scope;
  scope.region_code = std::move(region_code);
  return scope;
}
inline PathScope InArchive(std::string region_code, std::string cadre_id) {
  PathScope scope = InRegion(std::move(region_code));
  scope.cadre = std::move(cadre_id);
  return scope;
}

inline constexpr absl::string_view kUnitPattern = "regions/{region}/units/{unit}";
inline constexpr absl::string_view kCadrePattern = "regions/{region}/cadres/{cadre}";
inline constexpr absl::string_view kArchivePattern = "regions/{region}/cadres/{cadre}/archive";
inline constexpr absl::string_view kEntryPattern =
    "regions/{region}/cadres/{cadre}/archive/entries/{entry}";
inline constexpr absl::string_view kEligibilityPattern =
    "regions/{region}/cadres/{cadre}/eligibility";
inline constexpr absl::string_view kPolicyPattern = "regions/{region}/policy";
inline constexpr absl::string_view kVetoPattern = "regions/{region}/vetoes/{veto}";
inline constexpr absl::string_view kDecisionPattern = "regions/{region}/decisions/{decision}";
inline constexpr absl::string_view kHandlingPattern = "regions/{region}/handlings/{handling}";
inline constexpr absl::string_view kStatisticsPattern = "regions/{region}/usageStatistics";
inline constexpr absl::string_view kRegionPattern = "regions/{region}";
inline constexpr absl::string_view kAppraisalPattern = "regions/{region}/appraisals/{appraisal}";
inline constexpr absl::string_view kLeadPattern = "regions/{region}/leads/{lead}";

// A resource directly under a region or under a cadre, taken apart.
struct UnitKey {
  std::string region_code;
  std::string unit_id;
};
struct CadreKey {
  std::string region_code;
  std::string cadre_id;
};
struct EntryKey {
  std::string region_code;
  std::string cadre_id;
  int64_t seq = 0;
};

std::string UnitName(absl::string_view region_code, absl::string_view unit_id);
std::string CadreName(absl::string_view region_code, absl::string_view cadre_id);
std::string ArchiveName(absl::string_view region_code, absl::string_view cadre_id);
std::string EntryName(absl::string_view region_code, absl::string_view cadre_id, int64_t seq);
std::string EligibilityName(absl::string_view region_code, absl::string_view cadre_id);
std::string PolicyName(absl::string_view region_code);
std::string VetoName(absl::string_view region_code, absl::string_view veto_id);
std::string DecisionName(absl::string_view region_code, absl::string_view decision_id);
std::string HandlingName(absl::string_view region_code, absl::string_view handling_id);

// Names of the forms above; `scope` (optional) pins region and cadre.
absl::StatusOr<UnitKey> ParseUnitName(absl::string_view field, absl::string_view name,
                                      const PathScope& scope = {});
absl::StatusOr<CadreKey> ParseCadreName(absl::string_view field, absl::string_view name,
                                        const PathScope& scope = {});
// Of a cadre's archive, eligibility or the cadre itself: the cadre.
absl::StatusOr<CadreKey> ParseCadreOf(absl::string_view field, absl::string_view name,
                                      absl::string_view pattern);
// An entry id is the entry's sequence number in its archive; an id that is
// not one names no entry (NOT_FOUND, as an unknown one).
absl::StatusOr<EntryKey> ParseEntryName(absl::string_view field, absl::string_view name,
                                        const PathScope& scope = {});
// The last segment of a name of `pattern` (a veto, decision, handling,
// appraisal or lead id), with its region.
struct ChildKey {
  std::string region_code;
  std::string id;
};
absl::StatusOr<ChildKey> ParseChildName(absl::string_view field, absl::string_view name,
                                        absl::string_view pattern, const PathScope& scope = {});

// The last segment of a name (the id of what it names).
absl::string_view LastSegment(absl::string_view name);

// A server-assigned id: the prefix and 16 random hex digits.
std::string NewId(absl::string_view prefix);
// An id derived from `seed` (the same seed, the same id): how an automatic
// proposal finds that it was already made.
std::string DerivedId(absl::string_view prefix, absl::string_view seed);

}  // namespace kaoping::results
