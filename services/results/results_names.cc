#include "services/results/results_names.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"
#include "services/common/status_macros.h"

namespace kaoping::results {
namespace {

// The region a name claims, so that a name parsed without a scope is
// checked against itself (form only).
PathScope ScopeOrOwn(const PathScope& scope, absl::string_view name) {
  if (!scope.region_code.empty()) {
    return scope;
  }
  PathScope own;
  if (name.size() > 14 && name.substr(0, 8) == "regions/") {
    own.region_code = std::string(name.substr(8, 6));
  }
  return own;
}

absl::StatusOr<NameParts> Parts(absl::string_view field, absl::string_view name,
                                absl::string_view pattern, const PathScope& scope) {
  return CheckBodyName(field, name, pattern, ScopeOrOwn(scope, name));
}

}  // namespace

std::string UnitName(absl::string_view region_code, absl::string_view unit_id) {
  return absl::StrCat("regions/", region_code, "/units/", unit_id);
}
std::string CadreName(absl::string_view region_code, absl::string_view cadre_id) {
  return absl::StrCat("regions/", region_code, "/cadres/", cadre_id);
}
std::string ArchiveName(absl::string_view region_code, absl::string_view cadre_id) {
  return absl::StrCat(CadreName(region_code, cadre_id), "/archive");
}
std::string EntryName(absl::string_view region_code, absl::string_view cadre_id, int64_t seq) {
  return absl::StrCat(ArchiveName(region_code, cadre_id), "/entries/", seq);
}
std::string EligibilityName(absl::string_view region_code, absl::string_view cadre_id) {
  return absl::StrCat(CadreName(region_code, cadre_id), "/eligibility");
}
std::string PolicyName(absl::string_view region_code) {
  return absl::StrCat("regions/", region_code, "/policy");
}
std::string VetoName(absl::string_view region_code, absl::string_view veto_id) {
  return absl::StrCat("regions/", region_code, "/vetoes/", veto_id);
}
std::string DecisionName(absl::string_view region_code, absl::string_view decision_id) {
  return absl::StrCat("regions/", region_code, "/decisions/", decision_id);
}
std::string HandlingName(absl::string_view region_code, absl::string_view handling_id) {
  return absl::StrCat("regions/", region_code, "/handlings/", handling_id);
}

absl::StatusOr<UnitKey> ParseUnitName(absl::string_view field, absl::string_view name,
                                      const PathScope& scope) {
  ASSIGN_OR_RETURN(NameParts parts, Parts(field, name, kUnitPattern, scope));
  return UnitKey{parts["region"], parts["unit"]};
}

absl::StatusOr<CadreKey> ParseCadreName(absl::string_view field, absl::string_view name,
                                        const PathScope& scope) {
  ASSIGN_OR_RETURN(NameParts parts, Parts(field, name, kCadrePattern, scope));
  return CadreKey{parts["region"], parts["cadre"]};
}

absl::StatusOr<CadreKey> ParseCadreOf(absl::string_view field, absl::string_view name,
                                      absl::string_view pattern) {
  ASSIGN_OR_RETURN(NameParts parts, Parts(field, name, pattern, {}));
  return CadreKey{parts["region"], parts["cadre"]};
}

absl::StatusOr<EntryKey> ParseEntryName(absl::string_view field, absl::string_view name,
                                        const PathScope& scope) {
  ASSIGN_OR_RETURN(NameParts parts, Parts(field, name, kEntryPattern, scope));
  EntryKey key{parts["region"], parts["cadre"], 0};
  if (!absl::SimpleAtoi(parts["entry"], &key.seq) || key.seq <= 0) {
    return absl::NotFoundError(absl::StrCat(field, ": ", name, " not found"));
  }
  return key;
}

absl::StatusOr<ChildKey> ParseChildName(absl::string_view field, absl::string_view name,
                                        absl::string_view pattern, const PathScope& scope) {
  ASSIGN_OR_RETURN(NameParts parts, Parts(field, name, pattern, scope));
  const absl::string_view variable = pattern.substr(pattern.rfind('{') + 1);
  return ChildKey{parts["region"], parts[std::string(variable.substr(0, variable.size() - 1))]};
}

absl::string_view LastSegment(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return slash == absl::string_view::npos ? name : name.substr(slash + 1);
}

std::string NewId(absl::string_view prefix) {
  return absl::StrCat(prefix, HexEncode(RandomBytes(8)));
}

std::string DerivedId(absl::string_view prefix, absl::string_view seed) {
  return absl::StrCat(prefix, Sha256Hex(seed).substr(0, 16));
}

}  // namespace kaoping::results
