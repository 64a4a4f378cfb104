// The gateway in front of the real indicators service (in-process, SQLite,
// real gRPC): the README's examples as HTTP calls, and the service's own
// answers (validation, authorization, region scoping, stale etags) under
// their canonical HTTP statuses.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/protobuf/util/json_util.h"
#include "kaoping/v1/indicators.pb.h"
#include "services/indicators/indicator_service.h"
#include "services/indicators/migrations.h"
#include "tests/gateway/gateway_fixture.h"

namespace kaoping::gateway::testing {
namespace {

using ::kaoping::testing::ServiceHarness;
using ::testing::HasSubstr;

class GatewayIndicatorsTest : public GatewayTest {
 protected:
  void SetUp() override {
    ServiceHarness::Options options;
    options.clock = &clock_;
    auto harness = ServiceHarness::Start(
        "indicators", indicators::Migrations(),
        [](ServiceRuntime& rt) -> absl::StatusOr<std::vector<OwnedService>> {
          return indicators::IndicatorServices(rt);
        },
        options);
    ASSERT_TRUE(harness.ok()) << harness.status();
    harness_ = *std::move(harness);
    Configure({{"indicators_address", harness_->address()}});
  }

  static Who Person(const std::string& subject, const std::string& role,
                    const std::string& region) {
    Who who;
    who.subject = subject;
    who.roles = {role};
    who.regions = {region};
    return who;
  }

  HttpClient::Reply As(const Who& who, const std::string& method, const std::string& target,
                       const std::string& body = "") {
    return Call(method, target, body, {{"authorization", Bearer(who)}});
  }

  static v1::IndicatorSet Set(const HttpClient::Reply& reply) {
    v1::IndicatorSet set;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(reply.body, &set).ok()) << reply.body;
    return set;
  }

  std::unique_ptr<ServiceHarness> harness_;
};

TEST_F(GatewayIndicatorsTest, ReadmeExamplesWorkOverHttp) {
  const Who admin = Person("admin", "REGION_ADMIN", "510114");
  auto created = As(admin, "POST",
                    "/v1/regions/510114/indicatorSets?indicatorSetId=2027-v1&source=default"
                    "&requestId=req-1",
                    R"({"displayName":"二〇二七年版"})");
  ASSERT_EQ(created.status, 200) << created.body;
  v1::IndicatorSet set = Set(created);
  EXPECT_EQ(set.name(), "regions/510114/indicatorSets/2027-v1");
  EXPECT_EQ(set.state(), v1::IndicatorSet::DRAFT);
  EXPECT_EQ(set.creator(), "admin") << "the service saw the forwarded token";
  EXPECT_EQ(set.dimensions_size(), 5);

  // The same request_id again: the first result, nothing new.
  auto replay = As(admin, "POST",
                   "/v1/regions/510114/indicatorSets?indicatorSetId=2027-v1&source=default"
                   "&requestId=req-1",
                   R"({"displayName":"二〇二七年版"})");
  ASSERT_EQ(replay.status, 200) << replay.body;
  EXPECT_EQ(Set(replay).etag(), set.etag());

  auto patched =
      As(admin, "PATCH", "/v1/regions/510114/indicatorSets/2027-v1?updateMask=displayName",
         R"({"displayName":"2027","etag":")" + set.etag() + R"("})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Set(patched).display_name(), "2027");

  auto published = As(admin, "POST", "/v1/regions/510114/indicatorSets/2027-v1:publish",
                      R"({"effectiveFrom":{"year":2027,"month":1,"day":1}})");
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_EQ(Set(published).state(), v1::IndicatorSet::PUBLISHED);

  auto resolved = As(admin, "GET",
                     "/v1/regions/510114/catalog:resolve?postTier=PRINCIPAL&sector=TOWNSHIP"
                     "&date.year=2027&date.month=3&date.day=1");
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  v1::ResolvedCatalog catalog;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(resolved.body, &catalog).ok());
  EXPECT_EQ(catalog.dimensions_size(), 5);

  auto listed = As(admin, "GET", "/v1/regions/510114/indicatorSets?state=PUBLISHED&pageSize=10");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_THAT(listed.body, HasSubstr("regions/510114/indicatorSets/2027-v1"));

  auto defaults = As(Person("rater-1", "RATER", "510114"), "GET", "/v1/defaultCatalog");
  EXPECT_EQ(defaults.status, 200) << defaults.body;
}

TEST_F(GatewayIndicatorsTest, ServiceErrorsKeepTheirCodeUnderTheCanonicalStatus) {
  const Who admin = Person("admin", "REGION_ADMIN", "510114");
  auto bad = As(admin, "POST", "/v1/regions/510114/indicatorSets?indicatorSetId=Bad_Id", "{}");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ParseError(bad.body).code, 3);
  EXPECT_THAT(ParseError(bad.body).message, HasSubstr("indicator_set_id"));

  auto rater = As(Person("rater-1", "RATER", "510114"), "POST",
                  "/v1/regions/510114/indicatorSets?indicatorSetId=x1", "{}");
  EXPECT_EQ(rater.status, 403) << rater.body;
  EXPECT_EQ(ParseError(rater.body).code, 7);

  auto created = As(admin, "POST", "/v1/regions/510114/indicatorSets?indicatorSetId=d1",
                    R"({"displayName":"draft"})");
  ASSERT_EQ(created.status, 200) << created.body;
  auto stale = As(admin, "PATCH", "/v1/regions/510114/indicatorSets/d1?updateMask=displayName",
                  R"({"displayName":"x","etag":"stale"})");
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(ParseError(stale.body).code, 10);

  auto deleted = As(admin, "DELETE", "/v1/regions/510114/indicatorSets/d1");
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.body, "{}");
  EXPECT_EQ(As(admin, "GET", "/v1/regions/510114/indicatorSets/d1").status, 404);
}

TEST_F(GatewayIndicatorsTest, ForeignRegionIdsAre404) {
  const Who admin = Person("admin", "REGION_ADMIN", "510114");
  ASSERT_EQ(As(admin, "POST", "/v1/regions/510114/indicatorSets?indicatorSetId=d1",
               R"({"displayName":"draft"})")
                .status,
            200);
  const Who neighbour = Person("admin-510115", "REGION_ADMIN", "510115");
  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/regions/510114/indicatorSets/d1"},
           {"GET", "/v1/regions/510114/indicatorSets"},
           {"DELETE", "/v1/regions/510114/indicatorSets/d1"},
           {"GET", "/v1/regions/510114/catalog:resolve?postTier=PRINCIPAL"}}) {
    auto reply = As(neighbour, method, target);
    EXPECT_EQ(reply.status, 404) << method << " " << target << ": " << reply.body;
    EXPECT_EQ(ParseError(reply.body).code, 5);
  }
  EXPECT_EQ(As(admin, "GET", "/v1/regions/510114/indicatorSets/d1").status, 200)
      << "the draft is still there";
}

}  // namespace
}  // namespace kaoping::gateway::testing
