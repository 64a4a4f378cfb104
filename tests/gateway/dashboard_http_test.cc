// Dashboards through the gateway over HTTP, in front of stand-ins of the
// evaluations and results services and a real Redis: authorization before
// the cache (a cached answer never reaches a caller who may not read it),
// hits and misses, invalidation by events read from the services' streams,
// Redis down, suppression of every chart's data, the services' errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "gateway/dashboard/dashboard.pb.h"
#include "google/protobuf/util/json_util.h"
#include "kaoping/v1/events.pb.h"
#include "tests/gateway/fake_services.h"
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/redis_server.h"
#include "tests/support/relay_publish.h"

namespace kaoping::gateway::testing {
namespace {

using ::testing::HasSubstr;

v1::EvaluationFigures Row(const std::string& scope, bool unit, int forms, int good) {
  v1::EvaluationFigures f;
  if (unit) {
    f.set_unit(scope);
  } else {
    f.set_region(scope);
  }
  f.set_form_count(forms);
  f.set_assignment_count(forms + forms / 10);
  f.set_participation_rate(static_cast<double>(forms) / f.assignment_count());
  for (auto [grade, count] :
       {std::pair{v1::GOOD, good}, {v1::FAIRLY_GOOD, 20}, {v1::AVERAGE, 10}}) {
    v1::GradeCount* g = f.add_proposed_grades();
    g->set_grade(grade);
    g->set_count(count);
  }
  return f;
}

class DashboardHttpTest : public GatewayTest {
 protected:
  void SetUp() override {
    auto redis = kaoping::testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    fake_ = FakeServices::Start();
    SetCounty(/*small_unit_good=*/30);
    Configure({{"evaluations_address", fake_->address()},
               {"results_address", fake_->address()},
               {"redis_url", redis_->url()},
               {"dashboard_event_discover_interval", "100ms"}});
  }

  // County 510114 with two units; 510115 beside it.
  void SetCounty(int small_unit_good) {
    v1::EvaluationStatistics evaluation;
    evaluation.set_name("regions/510114/evaluationStatistics");
    *evaluation.mutable_total() = Row("regions/510114", false, 600, 30 + small_unit_good);
    *evaluation.add_children() = Row("regions/510114/units/u-1", true, 300, 30);
    *evaluation.add_children() = Row("regions/510114/units/u-2", true, 300, small_unit_good);
    v1::UsageStatistics usage;
    usage.set_name("regions/510114/usageStatistics");
    usage.mutable_total()->set_region("regions/510114");
    usage.mutable_total()->set_decision_count(12);
    fake_->SetStatistics("510114", evaluation, usage);
    v1::EvaluationStatistics other = evaluation;
    other.set_name("regions/510115/evaluationStatistics");
    fake_->SetStatistics("510115", other, usage);
    v1::Unit unit;
    unit.set_name("regions/510114/units/u-1");
    unit.set_display_name("城关镇");
    fake_->SetUnits({unit});
  }

  static Who Person(const std::string& role, const std::string& region) {
    Who who;
    who.subject = absl::StrCat(role, "-", region);
    who.roles = {role};
    who.regions = {region};
    return who;
  }

  HttpClient::Reply Dashboard(const Who& who, const std::string& region,
                              const std::string& query = "") {
    return Call("GET", absl::StrCat("/v1/regions/", region, "/dashboard", query), "",
                {{"authorization", Bearer(who)}});
  }

  static gateway::Dashboard Parse(const HttpClient::Reply& reply) {
    gateway::Dashboard dashboard;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(reply.body, &dashboard).ok())
        << reply.body;
    return dashboard;
  }

  // Writes an event to a service's stream as the outbox relay does.
  void PublishEvent(const std::string& service, const std::string& region) {
    v1::Event event;
    event.set_id(absl::StrCat(service, "/", region, "/", ++event_seq_));
    event.set_type("kaoping.v1.FormSubmitted");
    event.set_region_code(region);
    absl::Status published = kaoping::testing::RelayPublish(redis_->url(), service, event);
    ASSERT_TRUE(published.ok()) << published;
  }

  // Waits (bounded) until the gateway's consumer bumped the region's version.
  void AwaitVersion(const std::string& region, const std::string& version) {
    for (int i = 0; i < 200; ++i) {
      auto current = gateway().site().dashboard_cache().Version(region);
      if (current.ok() && *current == version) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "the event was not applied: version of " << region << " is not " << version;
  }

  // The gateway stops before the stand-ins it calls.
  void TearDown() override { Configure({}); }

  std::unique_ptr<kaoping::testing::RedisServer> redis_;
  std::unique_ptr<FakeServices> fake_;
  int event_seq_ = 0;
};

TEST_F(DashboardHttpTest, ComputedOnceThenServedFromTheCache) {
  auto first = Dashboard(Person("REGION_ADMIN", "510114"), "510114", "?year=2026&years=3");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.headers["x-kaoping-cache"], "miss");
  gateway::Dashboard d = Parse(first);
  EXPECT_EQ(d.region(), "regions/510114");
  EXPECT_EQ(d.year(), 2026);
  ASSERT_EQ(d.trend_size(), 3);
  EXPECT_EQ(d.trend(0).year(), 2024);
  EXPECT_EQ(d.total().evaluation().form_count(), 600);
  ASSERT_EQ(d.children_size(), 2);
  EXPECT_EQ(d.children(0).display_name(), "城关镇") << "named from the roster";
  EXPECT_FALSE(d.children(0).drillable()) << "a unit";
  EXPECT_EQ(fake_->Calls("GetEvaluationStatistics"), 3);
  EXPECT_EQ(fake_->Calls("GetUsageStatistics"), 3);
  // The services saw the caller's own token.
  EXPECT_EQ(fake_->seen().front().authorization, Bearer(Person("REGION_ADMIN", "510114")));

  auto second = Dashboard(Person("AUDITOR", "510114"), "510114", "?year=2026&years=3");
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(second.headers["x-kaoping-cache"], "hit");
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(second.headers["content-encoding"], "");
  EXPECT_EQ(fake_->Calls("GetEvaluationStatistics"), 3) << "no new computation";

  // A browser takes gzip: the copy compressed once is sent.
  auto zipped = Call("GET", "/v1/regions/510114/dashboard?year=2026&years=3", "",
                     {{"authorization", Bearer(Person("AUDITOR", "510114"))},
                      {"accept-encoding", "gzip, deflate, br"}});
  ASSERT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.headers["x-kaoping-cache"], "hit");
  EXPECT_EQ(zipped.headers["content-encoding"], "gzip");
  EXPECT_EQ(zipped.headers["vary"], "accept-encoding");
  EXPECT_EQ(zipped.body.substr(0, 2), "\x1f\x8b") << "a gzip stream";
  EXPECT_LT(zipped.body.size(), first.body.size());
}

TEST_F(DashboardHttpTest, ACachedAnswerIsNeverServedToACallerWhoMayNotReadIt) {
  ASSERT_EQ(Dashboard(Person("REGION_ADMIN", "510114"), "510114").status, 200);
  fake_->ClearSeen();
  // Another county's admin: NOT_FOUND, as the service would say.
  auto other = Dashboard(Person("REGION_ADMIN", "510115"), "510114");
  EXPECT_EQ(other.status, 404) << other.body;
  EXPECT_THAT(other.body, ::testing::Not(HasSubstr("formCount")));
  // A rater, a cadre, a party secretary of the county: not theirs to read.
  for (const char* role : {"RATER", "CADRE", "PARTY_SECRETARY", "ASSESSMENT_TEAM"}) {
    auto refused = Dashboard(Person(role, "510114"), "510114");
    EXPECT_EQ(refused.status, 403) << role << ": " << refused.body;
    EXPECT_THAT(refused.body, ::testing::Not(HasSubstr("formCount")));
  }
  // A machine client without dashboards:read; and one with it.
  EXPECT_EQ(Dashboard(Machine("city-bi", "leads:read"), "510114").status, 403);
  Who bi = Machine("city-bi", "dashboards:read");
  bi.regions = {"5101"};
  EXPECT_EQ(Dashboard(bi, "510114").headers["x-kaoping-cache"], "hit");
  // No token at all.
  auto anonymous = Call("GET", "/v1/regions/510114/dashboard");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(fake_->seen().size(), 0u) << "refusals never reach the services";
  // A city's staff read their counties' dashboards.
  EXPECT_EQ(Dashboard(Person("REGION_ADMIN", "5101"), "510114").status, 200);
}

TEST_F(DashboardHttpTest, AnEventInTheCountyInvalidatesItsDashboardAndItsCitys) {
  v1::EvaluationStatistics city;
  city.set_name("regions/510100/evaluationStatistics");
  *city.mutable_total() = Row("regions/510100", false, 1200, 80);
  *city.add_children() = Row("regions/510114", false, 600, 60);
  *city.add_children() = Row("regions/510115", false, 600, 60);
  fake_->SetStatistics("510100", city, v1::UsageStatistics());
  const Who city_admin = Person("REGION_ADMIN", "5101");
  ASSERT_EQ(Dashboard(city_admin, "510114").headers["x-kaoping-cache"], "miss");
  auto city_first = Dashboard(city_admin, "510100");
  ASSERT_EQ(city_first.headers["x-kaoping-cache"], "miss") << city_first.body;
  EXPECT_TRUE(Parse(city_first).children(0).drillable()) << "a county of the city";
  ASSERT_EQ(Dashboard(city_admin, "510115").headers["x-kaoping-cache"], "miss");
  ASSERT_EQ(Dashboard(city_admin, "510114").headers["x-kaoping-cache"], "hit");

  SetCounty(/*small_unit_good=*/40);
  PublishEvent("evaluations", "510114");
  AwaitVersion("510114", "1");
  auto after = Dashboard(city_admin, "510114");
  EXPECT_EQ(after.headers["x-kaoping-cache"], "miss");
  EXPECT_EQ(Parse(after).children(1).evaluation().proposed_grades(0).count(), 40);
  EXPECT_EQ(Dashboard(city_admin, "510100").headers["x-kaoping-cache"], "miss");
  EXPECT_EQ(Dashboard(city_admin, "510115").headers["x-kaoping-cache"], "hit");

  PublishEvent("results", "510115");
  AwaitVersion("510115", "1");
  EXPECT_EQ(Dashboard(city_admin, "510115").headers["x-kaoping-cache"], "miss");
}

TEST_F(DashboardHttpTest, RedisDownTheDashboardIsComputedAndServed) {
  ASSERT_EQ(Dashboard(Person("REGION_ADMIN", "510114"), "510114").status, 200);
  redis_->Stop();
  auto down = Dashboard(Person("REGION_ADMIN", "510114"), "510114");
  ASSERT_EQ(down.status, 200) << down.body;
  EXPECT_EQ(down.headers["x-kaoping-cache"], "bypass");
  EXPECT_EQ(Parse(down).total().evaluation().form_count(), 600);
  EXPECT_EQ(Parse(down).data_version(), "");
  // Refusals still come before anything.
  EXPECT_EQ(Dashboard(Person("REGION_ADMIN", "510115"), "510114").status, 404);
}

TEST_F(DashboardHttpTest, SuppressionHoldsOnEveryChartsData) {
  // A stand-in that forgot to suppress: 2 GOOD grades in a unit, a unit of
  // 2 forms, one confirmed lead.
  v1::EvaluationStatistics evaluation;
  evaluation.set_name("regions/510114/evaluationStatistics");
  *evaluation.mutable_total() = Row("regions/510114", false, 602, 32);
  *evaluation.add_children() = Row("regions/510114/units/u-1", true, 300, 30);
  *evaluation.add_children() = Row("regions/510114/units/u-2", true, 300, 2);
  *evaluation.add_children() = Row("regions/510114/units/u-3", true, 2, 0);
  v1::LeadCount* lead = evaluation.mutable_total()->add_leads_by_state();
  lead->set_state(v1::Lead::CONFIRMED);
  lead->set_count(1);
  fake_->SetStatistics("510114", evaluation, v1::UsageStatistics());
  auto reply = Dashboard(Person("REGION_ADMIN", "510114"), "510114", "?years=2");
  ASSERT_EQ(reply.status, 200) << reply.body;
  gateway::Dashboard d = Parse(reply);
  EXPECT_TRUE(d.children(2).evaluation().suppressed()) << "2 forms";
  EXPECT_TRUE(d.children(1).evaluation().suppressed()) << "its complement";
  EXPECT_TRUE(d.total().evaluation().leads_by_state(0).suppressed());
  for (const auto& point : d.trend()) {
    for (const auto& l : point.evaluation().leads_by_state()) {
      EXPECT_TRUE(l.count() == 0 || l.count() >= 3) << point.ShortDebugString();
    }
  }
  for (const auto& row : d.children()) {
    for (const auto& g : row.evaluation().proposed_grades()) {
      EXPECT_TRUE(g.count() == 0 || g.count() >= 3) << row.ShortDebugString();
    }
  }
}

TEST_F(DashboardHttpTest, BadRequestsAndServiceErrorsAreNamed) {
  const Who admin = Person("REGION_ADMIN", "510114");
  auto year = Dashboard(admin, "510114", "?year=20x6");
  EXPECT_EQ(year.status, 400);
  EXPECT_THAT(ParseError(year.body).message, HasSubstr("year"));
  auto kind = Dashboard(admin, "510114", "?kind=WEEKLY");
  EXPECT_EQ(kind.status, 400);
  EXPECT_THAT(ParseError(kind.body).message, HasSubstr("kind"));
  auto unknown = Dashboard(admin, "510114", "?colour=red");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(ParseError(unknown.body).message, HasSubstr("colour"));
  auto region = Call("GET", "/v1/regions/51011/dashboard", "", {{"authorization", Bearer(admin)}});
  EXPECT_EQ(region.status, 400);
  auto post =
      Call("POST", "/v1/regions/510114/dashboard", "{}", {{"authorization", Bearer(admin)}});
  EXPECT_EQ(post.status, 405);

  fake_->SetFailure(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
  auto down = Dashboard(admin, "510114", "?year=2025");
  EXPECT_EQ(down.status, 503) << down.body;
  fake_->SetFailure(grpc::Status::OK);
  EXPECT_EQ(Dashboard(admin, "510114", "?year=2025").headers["x-kaoping-cache"], "miss")
      << "a failure is not cached";
}

TEST_F(DashboardHttpTest, ConcurrentRequestsMakeOneComputation) {
  fake_->SetDelay(absl::Milliseconds(300));
  gateway();  // started before the threads share it
  std::vector<std::thread> threads;
  std::vector<int> statuses(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      statuses[i] = Dashboard(Person("REGION_ADMIN", "510114"), "510114", "?years=1").status;
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 8);
  EXPECT_EQ(fake_->Calls("GetEvaluationStatistics"), 1);
}

}  // namespace
}  // namespace kaoping::gateway::testing
