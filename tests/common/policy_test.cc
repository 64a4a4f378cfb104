// Rules as the runtime applies them: region relation first (NOT_FOUND,
// never a hint), then roles (PERMISSION_DENIED, or NOT_FOUND where the rule
// hides the resource), SYSTEM clients by scope only, unit rules where an
// empty unit claim matches no unit.
#include "services/common/auth/policy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kaoping {
namespace {

using ::testing::HasSubstr;

Principal Who(std::vector<Role> roles, std::vector<std::string> prefixes, std::string unit = "",
              std::vector<std::string> scopes = {}) {
  Principal p;
  p.subject = "someone";
  for (Role role : roles) {
    p.roles.insert(role);
  }
  p.region_prefixes = std::move(prefixes);
  p.unit = std::move(unit);
  p.scopes.insert(scopes.begin(), scopes.end());
  return p;
}

const CallResource kCitySet{"510100", "regions/510100/indicatorSets/s", ""};
const CallResource kUnitForm{"510114", "regions/510114/units/u-1/forms/f",
                             "regions/510114/units/u-1"};

constexpr Rule kAdmins{.roles = {Role::kRegionAdmin}};
constexpr Rule kReaders{.roles = kEveryPersonRole,
                        .system_scope = "catalog:read",
                        .region = RegionRelation::kCoversOrWithin};
constexpr Rule kUnitReaders{.roles = {Role::kAuditor, Role::kPartySecretary},
                            .own_unit_roles = {Role::kPartySecretary}};
constexpr Rule kHidden{.roles = {Role::kAssessmentTeam}, .refuse_as_not_found = true};

TEST(PolicyTest, OutsideTheRegionIsNotFoundWhateverTheRole) {
  for (const Principal& p : {Who({Role::kRegionAdmin}, {"510215"}), Who({Role::kAuditor}, {"52"}),
                             Who({Role::kSystem}, {"5102"}, "", {"catalog:read"})}) {
    absl::Status st = Authorize(kReaders, p, kCitySet);
    EXPECT_EQ(st.code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(st.message(), "regions/510100/indicatorSets/s not found");
  }
}

TEST(PolicyTest, RegionRelations) {
  const Principal county = Who({Role::kRegionAdmin}, {"510114"});
  const Principal city = Who({Role::kRegionAdmin}, {"5101"});
  const Principal province = Who({Role::kRegionAdmin}, {"51"});
  EXPECT_TRUE(Allows(kAdmins, city, "510100"));
  EXPECT_TRUE(Allows(kAdmins, province, "510100"));
  EXPECT_FALSE(Allows(kAdmins, county, "510100")) << "a county does not cover its city";
  EXPECT_TRUE(Allows(kReaders, county, "510100")) << "but lies within it";
  EXPECT_FALSE(Allows(kReaders, Who({Role::kRater}, {"510200"}), "510100"));
  EXPECT_TRUE(RegionAdmits(RegionRelation::kNone, county, ""));
}

TEST(PolicyTest, RolesWithinTheRegionArePermissionDenied) {
  absl::Status st = Authorize(kAdmins, Who({Role::kRater}, {"5101"}), kCitySet);
  EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(st.message(), HasSubstr("REGION_ADMIN"));
  EXPECT_TRUE(Authorize(kAdmins, Who({Role::kRater, Role::kRegionAdmin}, {"5101"}), kCitySet).ok());
  // Where the rule hides the resource, a refusal inside the region is NOT_FOUND too.
  EXPECT_EQ(Authorize(kHidden, Who({Role::kRater}, {"5101"}), kCitySet).code(),
            absl::StatusCode::kNotFound);
}

TEST(PolicyTest, SystemClientsAreAdmittedByTheirScopeOnly) {
  EXPECT_TRUE(
      Authorize(kReaders, Who({Role::kSystem}, {"5101"}, "", {"catalog:read"}), kCitySet).ok());
  absl::Status without = Authorize(kReaders, Who({Role::kSystem}, {"5101"}), kCitySet);
  EXPECT_EQ(without.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(without.message(), HasSubstr("catalog:read"));
  // Its other roles do not count: a machine client never writes as an admin.
  EXPECT_EQ(
      Authorize(kAdmins, Who({Role::kSystem, Role::kRegionAdmin}, {"5101"}, "", {"catalog:read"}),
                kCitySet)
          .code(),
      absl::StatusCode::kPermissionDenied);
}

TEST(PolicyTest, AnyOfSeveralScopesAdmitsASystemClient) {
  constexpr Rule kRoster{.roles = {Role::kRegionAdmin},
                         .system_scope = "roster:write",
                         .also_system_scopes = {"eligibility:read", "archive:read"}};
  for (const char* scope : {"roster:write", "eligibility:read", "archive:read"}) {
    EXPECT_TRUE(Allows(kRoster, Who({Role::kSystem}, {"5101"}, "", {scope}), "510100")) << scope;
  }
  absl::Status st =
      Authorize(kRoster, Who({Role::kSystem}, {"5101"}, "", {"leads:read"}), kCitySet);
  EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(st.message(), HasSubstr("`roster:write` or `eligibility:read` or `archive:read`"));
  EXPECT_EQ(kRoster.SystemScopes().size(), 3u);
  EXPECT_TRUE(kAdmins.SystemScopes().empty());
}

TEST(PolicyTest, OwnUnitRolesNeedTheirOwnUnitAndAnEmptyUnitIsNoUnit) {
  const std::vector<std::string> county = {"510114"};
  EXPECT_TRUE(Authorize(kUnitReaders,
                        Who({Role::kPartySecretary}, county, "regions/510114/units/u-1"), kUnitForm)
                  .ok());
  EXPECT_EQ(Authorize(kUnitReaders,
                      Who({Role::kPartySecretary}, county, "regions/510114/units/u-2"), kUnitForm)
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Authorize(kUnitReaders, Who({Role::kPartySecretary}, county, ""), kUnitForm).code(),
            absl::StatusCode::kPermissionDenied)
      << "an empty unit claim never means every unit";
  CallResource no_unit = kUnitForm;
  no_unit.unit = "";
  EXPECT_EQ(Authorize(kUnitReaders, Who({Role::kPartySecretary}, county, ""), no_unit).code(),
            absl::StatusCode::kPermissionDenied);
  // Roles not bound to a unit are admitted whatever their unit.
  EXPECT_TRUE(Authorize(kUnitReaders, Who({Role::kAuditor}, county, ""), kUnitForm).ok());
}

TEST(PolicyTest, RecordsAboutAPersonAreReadWithAGrantOfTheRegionItself) {
  constexpr Rule kForms{.roles = {Role::kAssessmentTeam}, .region = RegionRelation::kOwn};
  const CallResource form{"510114", "regions/510114/campaigns/c/forms/f", ""};
  EXPECT_TRUE(Authorize(kForms, Who({Role::kAssessmentTeam}, {"510114"}), form).ok());
  for (const auto& prefixes : {std::vector<std::string>{"5101"}, std::vector<std::string>{"51"},
                               std::vector<std::string>{"510115"}}) {
    absl::Status st = Authorize(kForms, Who({Role::kAssessmentTeam}, prefixes), form);
    EXPECT_EQ(st.code(), absl::StatusCode::kNotFound) << prefixes[0];
    EXPECT_EQ(st.message(), "regions/510114/campaigns/c/forms/f not found");
  }
}

TEST(PolicyTest, TheEveryUnitClaimIsExplicit) {
  EXPECT_TRUE(
      Authorize(kUnitReaders, Who({Role::kPartySecretary}, {"510114"}, "*"), kUnitForm).ok());
}

TEST(PolicyTest, APolicyFindsTheRuleOfEachMethod) {
  Policy policy({{"kaoping.v1.S/A", kAdmins}, {"kaoping.v1.S/B", kReaders}});
  ASSERT_NE(policy.RuleOf("kaoping.v1.S/B"), nullptr);
  EXPECT_EQ(policy.RuleOf("kaoping.v1.S/B")->system_scope, "catalog:read");
  EXPECT_EQ(policy.RuleOf("kaoping.v1.S/C"), nullptr);
  EXPECT_EQ(policy.Authorize("kaoping.v1.S/C", Who({Role::kRegionAdmin}, {"51"}), kCitySet).code(),
            absl::StatusCode::kPermissionDenied)
      << "a method without a rule admits no one";
  EXPECT_TRUE(policy.Authorize("kaoping.v1.S/A", Who({Role::kRegionAdmin}, {"51"}), kCitySet).ok());
}

}  // namespace
}  // namespace kaoping
