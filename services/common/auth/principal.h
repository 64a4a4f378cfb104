#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kaoping {

// Roles of DESIGN.md §5, spelled as in the JWT `roles` claim.
namespace roles {
inline constexpr absl::string_view kRegionAdmin = "REGION_ADMIN";
inline constexpr absl::string_view kAssessmentTeam = "ASSESSMENT_TEAM";
inline constexpr absl::string_view kPartySecretary = "PARTY_SECRETARY";
inline constexpr absl::string_view kDisciplineSecretary = "DISCIPLINE_SECRETARY";
inline constexpr absl::string_view kRater = "RATER";
inline constexpr absl::string_view kCadre = "CADRE";
inline constexpr absl::string_view kAuditor = "AUDITOR";
inline constexpr absl::string_view kSystem = "SYSTEM";
}  // namespace roles

// The same roles as values, for rules.
enum class Role : uint8_t {
  kRegionAdmin,
  kAssessmentTeam,
  kPartySecretary,
  kDisciplineSecretary,
  kRater,
  kCadre,
  kAuditor,
  kSystem,
};
inline constexpr Role kAllRoles[] = {
    Role::kRegionAdmin, Role::kAssessmentTeam, Role::kPartySecretary, Role::kDisciplineSecretary,
    Role::kRater,       Role::kCadre,          Role::kAuditor,        Role::kSystem};

std::optional<Role> ParseRole(absl::string_view name);
absl::string_view RoleName(Role role);
bool IsKnownRole(absl::string_view role);

// A set of roles, small enough to copy and compare in constant rules.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role role : roles) {
      bits_ |= Bit(role);
    }
  }
  constexpr bool contains(Role role) const { return (bits_ & Bit(role)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr void insert(Role role) { bits_ |= Bit(role); }
  constexpr bool Intersects(RoleSet other) const { return (bits_ & other.bits_) != 0; }
  constexpr RoleSet Without(RoleSet other) const { return FromBits(bits_ & ~other.bits_); }
  constexpr bool operator==(const RoleSet&) const = default;

 private:
  static constexpr uint16_t Bit(Role role) { return uint16_t{1} << static_cast<int>(role); }
  static constexpr RoleSet FromBits(uint16_t bits) {
    RoleSet set;
    set.bits_ = bits;
    return set;
  }
  uint16_t bits_ = 0;
};

// Who is calling, as a verified token says.
struct Principal {
  std::string subject;                       // `sub`
  RoleSet roles;                             // `roles`, at least one
  std::vector<std::string> region_prefixes;  // `regions`, normalized by RegionPrefix
  std::string unit;                          // `unit`, optional (privacy::UnitScope)
  std::string cadre;                         // `cadre`, optional
  absl::flat_hash_set<std::string> scopes;   // `scopes` (machine clients)
  std::string issuer;                        // `iss`
  // The token itself, to forward on calls made to other services on this
  // principal's behalf (client/downstream.h); never logged or stored.
  std::string bearer_token;
  absl::Time expiry = absl::InfinitePast();  // `exp`

  bool HasRole(Role role) const { return roles.contains(role); }
  bool HasRole(absl::string_view role) const;
  bool HasScope(absl::string_view scope) const { return scopes.contains(scope); }
  // A machine client: authorized by its scopes alone.
  bool IsSystem() const { return roles.contains(Role::kSystem); }
  // True if one of the principal's prefixes covers the region code.
  bool CoversRegion(absl::string_view region_code) const;
  // True if the principal's own scope is exactly the region or inside it:
  // e.g. a county principal (510114) for region 510114, not a city principal.
  bool IsWithinRegion(absl::string_view region_code) const;
};

// Region scoping (DESIGN.md §5): a caller outside a resource's region learns
// nothing, not even that it exists. `what` names the resource for the message.
absl::Status RequireRegion(const Principal& principal, absl::string_view region_code,
                           absl::string_view what);

}  // namespace kaoping
