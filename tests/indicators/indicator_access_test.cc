// Who may call the indicators service, over real gRPC on SQLite and
// PostgreSQL: authentication, region scoping (NOT_FOUND, never a hint),
// roles (PERMISSION_DENIED), the city/county hierarchy, and the audit log
// every write leaves behind.
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_replace.h"
#include "services/common/auth/jwt.h"
#include "tests/indicators/service_fixture.h"

namespace kaoping::indicators::testing {
namespace {

using ::kaoping::testing::ServiceHarness;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class IndicatorAccessTest : public IndicatorServiceTest {};

INSTANTIATE_TEST_SUITE_P(Stores, IndicatorAccessTest,
                         ::testing::Values(::kaoping::testing::StoreKind::kSqlite,
                                           ::kaoping::testing::StoreKind::kPostgres),
                         StoreName);

// ───────────────────────────── authentication ─────────────────────────────

TEST_P(IndicatorAccessTest, CallsWithoutAValidTokenAreUnauthenticated) {
  MustCreate("510114", "draft-1");
  const std::string published = MustPublished("510114", "pub-1").name();
  const Footprint before = Snapshot();

  JwtClaims expired;
  expired.subject = "admin-510114";
  expired.roles = {"REGION_ADMIN"};
  expired.regions = {"510114"};
  expired.issuer = ServiceHarness::kIssuer;
  expired.issued_at = clock_.Now() - absl::Hours(2);
  expired.expiry = clock_.Now() - absl::Hours(1);
  absl::StatusOr<std::string> expired_token =
      SignJwt(JwtAlgorithm::kHs256, ServiceHarness::kSecret, expired);
  ASSERT_TRUE(expired_token.ok()) << expired_token.status();

  JwtClaims foreign = expired;
  foreign.issued_at = clock_.Now();
  foreign.expiry = clock_.Now() + absl::Hours(1);
  absl::StatusOr<std::string> foreign_token =
      SignJwt(JwtAlgorithm::kHs256, "another-secret-another-secret-0123456789", foreign);
  ASSERT_TRUE(foreign_token.ok()) << foreign_token.status();

  const std::vector<std::pair<std::string, std::string>> credentials = {
      {"no token", ""},
      {"garbage token", "Bearer not.a.token"},
      {"expired token", "Bearer " + *expired_token},
      {"token signed with another key", "Bearer " + *foreign_token},
  };
  for (const auto& [what, header] : credentials) {
    for (const Rpc& rpc :
         EveryRpc("510114", SetName("510114", "draft-1"), published, /*include_default=*/true)) {
      SCOPED_TRACE(what + " → " + rpc.name);
      auto context = ServiceHarness::AnonymousContext();
      if (!header.empty()) {
        context->AddMetadata("authorization", header);
      }
      EXPECT_TRUE(HasCode(rpc.call(context.get()), grpc::StatusCode::UNAUTHENTICATED));
    }
  }
  const Footprint after = Snapshot();
  EXPECT_EQ(after.indicator_sets, before.indicator_sets);
  EXPECT_EQ(after.audit_rows, before.audit_rows);
  EXPECT_EQ(after.outbox_rows, before.outbox_rows);
}

// ───────────────────────────── region scoping ─────────────────────────────

TEST_P(IndicatorAccessTest, PrincipalsOutsideTheRegionGetNotFoundFromEveryRpc) {
  const std::string draft = MustCreate("510114", "draft-1").name();
  const std::string published = MustPublished("510114", "pub-1").name();
  const std::string before = Snapshot().indicator_sets;

  const std::vector<Who> outsiders = {
      AdminOf("510115"),  // a sibling county
      AdminOf("510200"),  // another city of the province
      AdminOf("520000"),  // another province
      Caller("auditor-510115", "AUDITOR", "510115"),
      Caller("rater-510115", "RATER", "510115"),
  };
  for (const Who& outsider : outsiders) {
    for (const Rpc& rpc : EveryRpc("510114", draft, published, /*include_default=*/false)) {
      SCOPED_TRACE(outsider.subject + " → " + rpc.name);
      EXPECT_TRUE(
          HasCode(rpc.call(harness_->Context(outsider).get()), grpc::StatusCode::NOT_FOUND));
    }
  }
  EXPECT_EQ(Snapshot().indicator_sets, before);

  // No hint of existence: an existing set is refused exactly as a missing one.
  const Who outsider = AdminOf("510115");
  const std::string missing = SetName("510114", "no-such-set");
  const auto same_refusal = [&](const std::string& existing, const auto& call) {
    const grpc::Status for_existing = call(existing);
    const grpc::Status for_missing = call(missing);
    EXPECT_EQ(for_existing.error_code(), for_missing.error_code());
    EXPECT_EQ(for_existing.error_message(),
              absl::StrReplaceAll(for_missing.error_message(), {{missing, existing}}));
  };
  same_refusal(published, [&](const std::string& name) { return Get(outsider, name); });
  same_refusal(draft, [&](const std::string& name) { return Get(outsider, name); });
  same_refusal(draft,
               [&](const std::string& name) { return Publish(outsider, PublishRequest(name)); });
  same_refusal(published,
               [&](const std::string& name) { return Retire(outsider, RetireRequest(name)); });
  same_refusal(draft, [&](const std::string& name) { return Delete(outsider, name); });
}

// ───────────────────────────── roles ─────────────────────────────

TEST_P(IndicatorAccessTest, RolesOtherThanRegionAdminCannotWrite) {
  const std::string draft = MustCreate("510114", "draft-1").name();
  const std::string published = MustPublished("510114", "pub-1").name();
  const std::string before = Snapshot().indicator_sets;

  for (const std::string role : {"RATER", "CADRE", "AUDITOR", "ASSESSMENT_TEAM", "PARTY_SECRETARY",
                                 "DISCIPLINE_SECRETARY"}) {
    SCOPED_TRACE(role);
    const Who who = Caller("someone-" + role, role, "510114");
    EXPECT_TRUE(HasCode(Create(who, CreateRequest("510114", "by-someone")),
                        grpc::StatusCode::PERMISSION_DENIED));
    v1::IndicatorSet patch;
    patch.set_name(draft);
    patch.set_display_name("renamed");
    EXPECT_TRUE(HasCode(Update(who, UpdateRequest(patch, {"display_name"})),
                        grpc::StatusCode::PERMISSION_DENIED));
    EXPECT_TRUE(HasCode(Delete(who, draft), grpc::StatusCode::PERMISSION_DENIED));
    EXPECT_TRUE(HasCode(Publish(who, PublishRequest(draft)), grpc::StatusCode::PERMISSION_DENIED));
    EXPECT_TRUE(
        HasCode(Retire(who, RetireRequest(published)), grpc::StatusCode::PERMISSION_DENIED));
  }
  EXPECT_EQ(Snapshot().indicator_sets, before);
  EXPECT_EQ(CountRows("outbox"), 1);  // the one publication above
}

TEST_P(IndicatorAccessTest, ReadersSeePublishedAndRetiredSetsButNotDrafts) {
  const std::string draft = MustCreate("510114", "draft-1").name();
  const std::string retired = MustPublished("510114", "old-1").name();
  MustRetire(retired, Day(2026, 12, 1));
  const std::string published = MustPublished("510114", "pub-1").name();

  for (const std::string role : {"RATER", "CADRE", "ASSESSMENT_TEAM"}) {
    SCOPED_TRACE(role);
    const Who who = Caller("reader-" + role, role, "510114");
    v1::IndicatorSet got;
    EXPECT_TRUE(IsOk(Get(who, published, &got)));
    EXPECT_EQ(got.state(), v1::IndicatorSet::PUBLISHED);
    EXPECT_TRUE(IsOk(Get(who, retired, &got)));
    EXPECT_EQ(got.state(), v1::IndicatorSet::RETIRED);
    EXPECT_TRUE(HasCode(Get(who, draft), grpc::StatusCode::NOT_FOUND));

    v1::ListIndicatorSetsResponse list;
    EXPECT_TRUE(IsOk(List(who, ListRequest("510114"), &list)));
    EXPECT_THAT(Names(list), ElementsAre(retired, published));
    EXPECT_TRUE(IsOk(List(who, ListRequest("510114", v1::IndicatorSet::DRAFT), &list)));
    EXPECT_THAT(Names(list), IsEmpty());
    EXPECT_TRUE(IsOk(List(who, ListRequest("510114", v1::IndicatorSet::PUBLISHED), &list)));
    EXPECT_THAT(Names(list), ElementsAre(published));

    EXPECT_TRUE(IsOk(Resolve(who, ResolveRequest("510114"))));
    EXPECT_TRUE(IsOk(GetDefault(who)));
  }

  // The auditor and the admin see drafts too.
  for (const Who& who : {Auditor(), CountyAdmin()}) {
    SCOPED_TRACE(who.subject);
    v1::IndicatorSet got;
    EXPECT_TRUE(IsOk(Get(who, draft, &got)));
    EXPECT_EQ(got.state(), v1::IndicatorSet::DRAFT);
    v1::ListIndicatorSetsResponse list;
    EXPECT_TRUE(IsOk(List(who, ListRequest("510114"), &list)));
    EXPECT_THAT(Names(list), ElementsAre(draft, retired, published));
    EXPECT_TRUE(IsOk(List(who, ListRequest("510114", v1::IndicatorSet::DRAFT), &list)));
    EXPECT_THAT(Names(list), ElementsAre(draft));
  }
}

TEST_P(IndicatorAccessTest, CityAdminAdministersItsCounties) {
  v1::IndicatorSet created;
  ASSERT_TRUE(IsOk(Create(CityAdmin(), CreateRequest("510114", "from-city"), &created)));
  EXPECT_EQ(created.name(), SetName("510114", "from-city"));
  EXPECT_EQ(created.creator(), CityAdmin().subject);

  v1::IndicatorSet patch;
  patch.set_name(created.name());
  patch.set_display_name("市里改过");
  patch.set_etag(created.etag());
  v1::IndicatorSet updated;
  ASSERT_TRUE(IsOk(Update(CityAdmin(), UpdateRequest(patch, {"display_name"}), &updated)));
  EXPECT_EQ(updated.display_name(), "市里改过");

  v1::IndicatorSet published;
  ASSERT_TRUE(IsOk(Publish(CityAdmin(), PublishRequest(created.name()), &published)));
  EXPECT_EQ(published.publisher(), CityAdmin().subject);
  // The county's own people see what the city published for them.
  EXPECT_TRUE(IsOk(Get(Rater(), created.name())));
  EXPECT_EQ(ResolvedSet("510114"), created.name());

  v1::IndicatorSet retired;
  ASSERT_TRUE(IsOk(Retire(CityAdmin(), RetireRequest(created.name(), Day(2026, 12, 1)), &retired)));
  EXPECT_EQ(retired.state(), v1::IndicatorSet::RETIRED);

  // The province administers both.
  ASSERT_TRUE(IsOk(Create(ProvinceAdmin(), CreateRequest("510114", "from-province"))));
  EXPECT_TRUE(IsOk(Delete(ProvinceAdmin(), SetName("510114", "from-province"))));
}

TEST_P(IndicatorAccessTest, CountyReadsThePublishedCitySetButNotTheCityDraft) {
  const std::string city_draft = MustCreate("510100", "city-draft").name();
  const std::string city_published = MustPublished("510100", "city-v1").name();

  for (const Who& county : {Rater(), CountyAdmin(), Auditor()}) {
    SCOPED_TRACE(county.subject);
    v1::IndicatorSet got;
    EXPECT_TRUE(IsOk(Get(county, city_published, &got)));
    EXPECT_EQ(got.name(), city_published);
    EXPECT_TRUE(HasCode(Get(county, city_draft), grpc::StatusCode::NOT_FOUND));
    v1::ListIndicatorSetsResponse list;
    EXPECT_TRUE(IsOk(List(county, ListRequest("510100"), &list)));
    EXPECT_THAT(Names(list), ElementsAre(city_published));
    EXPECT_TRUE(IsOk(List(county, ListRequest("510100", v1::IndicatorSet::DRAFT), &list)));
    EXPECT_THAT(Names(list), IsEmpty());
  }

  // A county admin does not administer its city.
  const Who& county = CountyAdmin();
  const std::string before = Snapshot().indicator_sets;
  EXPECT_TRUE(
      HasCode(Create(county, CreateRequest("510100", "county-made")), grpc::StatusCode::NOT_FOUND));
  v1::IndicatorSet patch;
  patch.set_name(city_draft);
  patch.set_display_name("renamed");
  EXPECT_TRUE(
      HasCode(Update(county, UpdateRequest(patch, {"display_name"})), grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(HasCode(Publish(county, PublishRequest(city_draft)), grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(HasCode(Delete(county, city_draft), grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(HasCode(Retire(county, RetireRequest(city_published)), grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(Snapshot().indicator_sets, before);

  // The city's people do not see into a county's drafts through the city either.
  const std::string county_draft = MustCreate("510114", "county-draft").name();
  EXPECT_TRUE(IsOk(Get(CityAdmin(), county_draft)));
  EXPECT_TRUE(HasCode(Get(Caller("rater-510100", "RATER", "510100"), county_draft),
                      grpc::StatusCode::NOT_FOUND));
}

// ───────────────────────────── audit ─────────────────────────────

TEST_P(IndicatorAccessTest, EverySuccessfulWriteIsAuditedInTheSetsRegion) {
  const std::string method = kServicePrefix;
  const v1::IndicatorSet a = MustCreate("510114", "set-a");
  v1::IndicatorSet patch;
  patch.set_name(a.name());
  patch.set_display_name("renamed");
  ASSERT_TRUE(IsOk(Update(CountyAdmin(), UpdateRequest(patch, {"display_name"}))));
  MustPublish(a.name());
  MustRetire(a.name(), Day(2026, 12, 31));
  const v1::IndicatorSet b = MustCreate("510114", "set-b");
  ASSERT_TRUE(IsOk(Delete(CountyAdmin(), b.name())));
  // A city admin's write in the county is audited in the county.
  ASSERT_TRUE(IsOk(Create(CityAdmin(), CreateRequest("510114", "set-c"))));
  // Reads are not audited.
  ASSERT_TRUE(IsOk(Get(CountyAdmin(), a.name())));
  ASSERT_TRUE(IsOk(List(CountyAdmin(), ListRequest("510114"))));
  ASSERT_TRUE(
      IsOk(Resolve(CountyAdmin(), ResolveRequest("510114", v1::PRINCIPAL, v1::SECTOR_UNSPECIFIED,
                                                 Day(2026, 12, 1)))));

  const std::vector<AuditRow> rows = AuditRows("510114");
  ASSERT_EQ(rows.size(), 7u);
  const std::vector<std::tuple<std::string, std::string, std::string>> expected = {
      {"CreateIndicatorSet", "admin-510114", a.name()},
      {"UpdateIndicatorSet", "admin-510114", a.name()},
      {"PublishIndicatorSet", "admin-510114", a.name()},
      {"RetireIndicatorSet", "admin-510114", a.name()},
      {"CreateIndicatorSet", "admin-510114", b.name()},
      {"DeleteIndicatorSet", "admin-510114", b.name()},
      {"CreateIndicatorSet", "admin-510100", SetName("510114", "set-c")},
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(rows[i].method, method + std::get<0>(expected[i]));
    EXPECT_EQ(rows[i].principal, std::get<1>(expected[i]));
    EXPECT_EQ(rows[i].resource, std::get<2>(expected[i]));
    EXPECT_EQ(rows[i].outcome, "OK");
  }
  EXPECT_THAT(AuditRows("510100"), IsEmpty());
}

TEST_P(IndicatorAccessTest, RefusedWritesAreAuditedWithTheirOutcome) {
  const v1::IndicatorSet draft = MustCreate("510114", "draft-1");
  const size_t before = AuditRows("510114").size();

  EXPECT_TRUE(HasCode(Create(Rater(), CreateRequest("510114", "by-rater")),
                      grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(
      HasCode(Publish(Rater(), PublishRequest(draft.name())), grpc::StatusCode::PERMISSION_DENIED));

  const std::vector<AuditRow> rows = AuditRows("510114");
  ASSERT_EQ(rows.size(), before + 2);
  EXPECT_EQ(rows[before].principal, "rater-1");
  EXPECT_EQ(rows[before].method, std::string(kServicePrefix) + "CreateIndicatorSet");
  EXPECT_EQ(rows[before].resource, SetName("510114", "by-rater"));
  EXPECT_EQ(rows[before].outcome, "PERMISSION_DENIED");
  EXPECT_EQ(rows[before + 1].principal, "rater-1");
  EXPECT_EQ(rows[before + 1].method, std::string(kServicePrefix) + "PublishIndicatorSet");
  EXPECT_EQ(rows[before + 1].resource, draft.name());
  EXPECT_EQ(rows[before + 1].outcome, "PERMISSION_DENIED");
}

TEST_P(IndicatorAccessTest, ArbitraryInputNeverGrowsTheAuditLog) {
  // An outsider sends a 100 kB id: refused as NOT_FOUND (no hint), and a
  // region it has no business in keeps its audit chain as it was.
  const size_t before = AuditRows("510114").size();
  const std::string huge(100000, 'x');
  EXPECT_TRUE(
      HasCode(Create(Caller("outsider", "REGION_ADMIN", "520000"), CreateRequest("510114", huge)),
              grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(AuditRows("510114").size(), before);
  // The region's own admin sending it is refused for its form, and what the
  // audit records is the parent it named, not the input.
  EXPECT_TRUE(HasCode(Create(CountyAdmin(), CreateRequest("510114", huge)),
                      grpc::StatusCode::INVALID_ARGUMENT, "indicator_set_id"));
  const std::vector<AuditRow> rows = AuditRows("510114");
  ASSERT_EQ(rows.size(), before + 1);
  EXPECT_EQ(rows.back().resource, "regions/510114");
  EXPECT_EQ(rows.back().outcome, "INVALID_ARGUMENT");
}

TEST_P(IndicatorAccessTest, RefusalsOfOutsidersNeverReachTheRegionsAuditChain) {
  const std::string draft = MustCreate("510114", "draft-1").name();
  const std::string published = MustPublished("510114", "pub-1").name();
  const size_t county = AuditRows("510114").size();
  for (const Who& outsider :
       {AdminOf("510115"), AdminOf("520000"), Caller("auditor-510115", "AUDITOR", "510115")}) {
    for (const Rpc& rpc : EveryRpc("510114", draft, published, /*include_default=*/false)) {
      SCOPED_TRACE(outsider.subject + " → " + rpc.name);
      EXPECT_TRUE(
          HasCode(rpc.call(harness_->Context(outsider).get()), grpc::StatusCode::NOT_FOUND));
    }
  }
  EXPECT_EQ(AuditRows("510114").size(), county);
  EXPECT_THAT(AuditRows("510115"), IsEmpty());
  // A caller inside the region is still audited when refused, reads included.
  const Who cadre = Caller("cadre-1", "CADRE", "510114");
  EXPECT_TRUE(HasCode(Publish(cadre, PublishRequest(draft)), grpc::StatusCode::PERMISSION_DENIED));
  // A machine client without the scope may not read the set: NOT_FOUND, as
  // any record a role may not read.
  Who machine = Caller("system-1", "SYSTEM", "510114");
  EXPECT_TRUE(HasCode(Get(machine, published), grpc::StatusCode::NOT_FOUND));
  const std::vector<AuditRow> rows = AuditRows("510114");
  ASSERT_EQ(rows.size(), county + 2);
  EXPECT_EQ(rows[county].principal, "cadre-1");
  EXPECT_EQ(rows[county].outcome, "PERMISSION_DENIED");
  EXPECT_EQ(rows[county + 1].principal, "system-1");
  EXPECT_EQ(rows[county + 1].outcome, "NOT_FOUND");
  EXPECT_EQ(rows[county + 1].method, std::string(kServicePrefix) + "GetIndicatorSet");
  EXPECT_EQ(rows[county + 1].resource, published);
  // With its scope, the machine client reads published sets.
  machine.scopes = {"catalog:read"};
  EXPECT_TRUE(IsOk(Get(machine, published)));
}

TEST_P(IndicatorAccessTest, ATokenWithoutRolesIsUnauthenticated) {
  const std::string published = MustPublished("510114", "pub-1").name();
  Who nobody;
  nobody.subject = "no-roles";
  nobody.regions = {"510114"};
  EXPECT_TRUE(HasCode(Get(nobody, published), grpc::StatusCode::UNAUTHENTICATED, "roles"));
  EXPECT_TRUE(HasCode(GetDefault(nobody), grpc::StatusCode::UNAUTHENTICATED, "roles"));
}

}  // namespace
}  // namespace kaoping::indicators::testing
