#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/common/auth/principal.h"

// Authorization (DESIGN.md §5) as data: each RPC of a service names a Rule
// in its table (services/common/server/rpc_table.h); the runtime checks it
// before the domain method runs. Rules that depend on stored state (drafts
// only for admins and auditors, a subject's unit) are named predicates the
// domain calls, built from the same Rule and Allows().
namespace kaoping {

// How a caller must stand to the region of the resource a call is about.
enum class RegionRelation {
  // The call is about no region (the shipped default catalog).
  kNone,
  // Only a grant of exactly this region (its own code in `regions`): records
  // about a person, which city and province grants never read
  // (privacy::RecordKind::kIndividualRecord, protos/README.md).
  kOwn,
  // One of the caller's prefixes covers the region: its own region, or a
  // city or province above it.
  kCovers,
  // Also a caller inside the region: a county principal reading what its
  // city published.
  kCoversOrWithin,
};

// Every role but SYSTEM.
inline constexpr RoleSet kEveryPersonRole = {
    Role::kRegionAdmin, Role::kAssessmentTeam, Role::kPartySecretary, Role::kDisciplineSecretary,
    Role::kRater,       Role::kCadre,          Role::kAuditor};

// Who may make a call.
struct Rule {
  // Roles admitted. SYSTEM principals (machine clients) are admitted by
  // their scope alone, whatever other roles their token names.
  RoleSet roles;
  // The scope that admits a SYSTEM principal; empty: none does.
  absl::string_view system_scope;
  RegionRelation region = RegionRelation::kCovers;
  // Of `roles`, those admitted only for the units their `unit` claim covers
  // (privacy::UnitScope: an empty claim covers no unit, "*" every unit).
  RoleSet own_unit_roles;
  // A refusal inside the region is NOT_FOUND rather than PERMISSION_DENIED:
  // for reads, where a role may not learn that a record exists
  // (protos/README.md, "Who may read what"); PERMISSION_DENIED is for a
  // role that may see a resource but not change it.
  bool refuse_as_not_found = false;
  // Further scopes that admit a SYSTEM principal as system_scope does (the
  // roster is read by the cadre system with `roster:write` and by others
  // with `eligibility:read` or `archive:read`); empty entries are unused.
  std::array<absl::string_view, 3> also_system_scopes = {};

  // system_scope and also_system_scopes, the empty ones left out.
  std::vector<absl::string_view> SystemScopes() const;
};

// What a call is about, taken from its request before any check.
struct CallResource {
  std::string region_code;  // "" when the call is about no region
  std::string name;         // e.g. regions/510114/indicatorSets/2027-v1, as audited
  std::string unit;         // regions/{r}/units/{u} when the resource belongs to one
};

bool RegionAdmits(RegionRelation relation, const Principal& principal,
                  absl::string_view region_code);
bool RoleAdmits(const Rule& rule, const Principal& principal, absl::string_view unit);
// Both: the named predicates of a service are this with a constant Rule.
bool Allows(const Rule& rule, const Principal& principal, absl::string_view region_code,
            absl::string_view unit = "");

// OK, or the refusal: NOT_FOUND "<name> not found" outside the region (no
// hint that it exists); within it PERMISSION_DENIED naming what is missing,
// or NOT_FOUND when the rule says so.
absl::Status Authorize(const Rule& rule, const Principal& principal, const CallResource& resource);

// The rules of one service's RPCs, by full method name
// ("kaoping.v1.IndicatorService/CreateIndicatorSet"); built by its RpcTable.
class Policy {
 public:
  Policy() = default;
  explicit Policy(std::vector<std::pair<std::string, Rule>> rules);

  // Null for a method the service does not have.
  const Rule* RuleOf(absl::string_view method) const;
  absl::Status Authorize(absl::string_view method, const Principal& principal,
                         const CallResource& resource) const;
  const std::vector<std::pair<std::string, Rule>>& rules() const { return rules_; }

 private:
  std::vector<std::pair<std::string, Rule>> rules_;
  absl::flat_hash_map<std::string, size_t> index_;
};

}  // namespace kaoping
