#include "services/common/auth/policy.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/privacy/region_grant.h"
#include "services/common/privacy/unit_scope.h"

namespace kaoping {
namespace {

std::string RoleNames(RoleSet set) {
  std::vector<absl::string_view> names;
  for (Role role : kAllRoles) {
    if (set.contains(role) && role != Role::kSystem) {
      names.push_back(RoleName(role));
    }
  }
  return absl::StrJoin(names, ", ");
}

absl::Status Refusal(const Rule& rule, const Principal& principal, const CallResource& resource) {
  if (rule.refuse_as_not_found) {
    return absl::NotFoundError(absl::StrCat(resource.name, " not found"));
  }
  const std::string where =
      resource.region_code.empty() ? "" : absl::StrCat(" of region ", resource.region_code);
  if (principal.IsSystem()) {
    return absl::PermissionDeniedError(
        rule.system_scope.empty()
            ? absl::StrCat("machine clients (SYSTEM) may not make this call on ", resource.name)
            : absl::StrCat("a SYSTEM client needs the scope `",
                           absl::StrJoin(rule.SystemScopes(), "` or `"), "` for ", resource.name));
  }
  std::string unit_note;
  if (!rule.own_unit_roles.empty()) {
    unit_note = absl::StrCat("; ", RoleNames(rule.own_unit_roles),
                             " only for the units their `unit` claim covers");
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "only ", RoleNames(rule.roles), where, " may make this call on ", resource.name, unit_note));
}

}  // namespace

std::vector<absl::string_view> Rule::SystemScopes() const {
  std::vector<absl::string_view> scopes;
  if (!system_scope.empty()) {
    scopes.push_back(system_scope);
  }
  for (absl::string_view scope : also_system_scopes) {
    if (!scope.empty()) {
      scopes.push_back(scope);
    }
  }
  return scopes;
}

bool RegionAdmits(RegionRelation relation, const Principal& principal,
                  absl::string_view region_code) {
  switch (relation) {
    case RegionRelation::kNone:
      return true;
    case RegionRelation::kOwn:
      return privacy::GrantFor(principal, region_code) == privacy::RegionGrant::kOwn;
    case RegionRelation::kCovers:
      return principal.CoversRegion(region_code);
    case RegionRelation::kCoversOrWithin:
      return principal.CoversRegion(region_code) || principal.IsWithinRegion(region_code);
  }
  return false;
}

bool RoleAdmits(const Rule& rule, const Principal& principal, absl::string_view unit) {
  if (principal.IsSystem()) {
    for (absl::string_view scope : rule.SystemScopes()) {
      if (principal.HasScope(scope)) {
        return true;
      }
    }
    return false;
  }
  if (principal.roles.Intersects(rule.roles.Without(rule.own_unit_roles))) {
    return true;
  }
  return principal.roles.Intersects(rule.own_unit_roles) &&
         privacy::UnitScope::Of(principal.unit).Covers(unit);
}

bool Allows(const Rule& rule, const Principal& principal, absl::string_view region_code,
            absl::string_view unit) {
  return RegionAdmits(rule.region, principal, region_code) && RoleAdmits(rule, principal, unit);
}

absl::Status Authorize(const Rule& rule, const Principal& principal, const CallResource& resource) {
  if (!RegionAdmits(rule.region, principal, resource.region_code)) {
    return absl::NotFoundError(absl::StrCat(resource.name, " not found"));
  }
  if (!RoleAdmits(rule, principal, resource.unit)) {
    return Refusal(rule, principal, resource);
  }
  return absl::OkStatus();
}

Policy::Policy(std::vector<std::pair<std::string, Rule>> rules) : rules_(std::move(rules)) {
  for (size_t i = 0; i < rules_.size(); ++i) {
    index_.emplace(rules_[i].first, i);
  }
}

const Rule* Policy::RuleOf(absl::string_view method) const {
  auto it = index_.find(method);
  return it == index_.end() ? nullptr : &rules_[it->second].second;
}

absl::Status Policy::Authorize(absl::string_view method, const Principal& principal,
                               const CallResource& resource) const {
  const Rule* rule = RuleOf(method);
  if (rule == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat(method, " has no authorization rule"));
  }
  return kaoping::Authorize(*rule, principal, resource);
}

}  // namespace kaoping
