#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"

// Every resource name inside a request body is checked by this one helper
// before anything is looked up: it must have the expected form, lie in the
// region of the request's path, and — where it must — under the path's
// campaign or cadre. A name from elsewhere is INVALID_ARGUMENT naming the
// field, so that a body can neither reach across regions nor learn
// whether a foreign resource exists.
namespace kaoping {

// What a request's path fixes: always its region; the campaign (id) when
// the path lies inside one (forms, invitations, subjects, interviews); the
// cadre (id) when names in the body must be of one cadre (a lead's
// subject, a decision's archive entry).
struct PathScope {
  std::string region_code;
  std::string campaign;
  std::string cadre;
};

// The variables of a name matched against its pattern, e.g. for
// "regions/{region}/campaigns/{campaign}/subjects/{subject}":
// {region: "510114", campaign: "2026-annual", subject: "c-17"}.
using NameParts = absl::flat_hash_map<std::string, std::string>;

// `name` (found at `field`) must match `pattern` (segments are literals or
// {variables}; {region} a GB/T 2260 code, every other variable a resource
// id of lowercase letters, digits and '-'), have the scope's region, and
// the scope's campaign and cadre where the pattern has those variables and
// the scope sets them. Messages say which, e.g. "form.subject:
// regions/510115/campaigns/a/subjects/s is not in region 510114".
absl::StatusOr<NameParts> CheckBodyName(absl::string_view field, absl::string_view name,
                                        absl::string_view pattern, const PathScope& scope);

// As CheckBodyName, but an empty name (an optional field left unset) is fine.
absl::Status CheckOptionalBodyName(absl::string_view field, absl::string_view name,
                                   absl::string_view pattern, const PathScope& scope);

// Every name of a repeated field, naming the bad one as field[i].
absl::Status CheckBodyNames(absl::string_view field,
                            const google::protobuf::RepeatedPtrField<std::string>& names,
                            absl::string_view pattern, const PathScope& scope);

}  // namespace kaoping
