// Reading the catalog over real gRPC on SQLite and PostgreSQL:
// ResolveCatalog (own set, city and province fallback, by date, after
// retirement), Get, List (filters, pagination), GetDefaultCatalog, and the
// events that reach the Redis stream.
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/common/events/outbox.h"
#include "services/common/events/redis_client.h"
#include "services/common/privacy/event_streams.h"
#include "services/indicators/catalog_resolver.h"
#include "services/indicators/default_catalog.h"
#include "tests/indicators/service_fixture.h"
#include "tests/support/shared_servers.h"

namespace kaoping::indicators::testing {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

class IndicatorQueryTest : public IndicatorServiceTest {};

INSTANTIATE_TEST_SUITE_P(Stores, IndicatorQueryTest,
                         ::testing::Values(::kaoping::testing::StoreKind::kSqlite,
                                           ::kaoping::testing::StoreKind::kPostgres),
                         StoreName);

// ───────────────────────────── ResolveCatalog ─────────────────────────────

TEST_P(IndicatorQueryTest, ResolveWithNothingPublishedIsFailedPreconditionNamingTheRegion) {
  MustCreate("510114", "draft-only");  // a draft does not count
  const grpc::Status status = Resolve(Rater(), ResolveRequest("510114"));
  EXPECT_TRUE(HasCode(status, grpc::StatusCode::FAILED_PRECONDITION, "510114"));
}

TEST_P(IndicatorQueryTest, ResolveRequiresAPostTierAndValidEnums) {
  MustPublished("510114", "2026-v1");
  EXPECT_TRUE(HasCode(Resolve(Rater(), ResolveRequest("510114", v1::POST_TIER_UNSPECIFIED)),
                      grpc::StatusCode::INVALID_ARGUMENT, "post_tier"));
  EXPECT_TRUE(HasCode(Resolve(Rater(), ResolveRequest("510114", static_cast<v1::PostTier>(17))),
                      grpc::StatusCode::INVALID_ARGUMENT, "post_tier"));
  EXPECT_TRUE(HasCode(
      Resolve(Rater(), ResolveRequest("510114", v1::PRINCIPAL, static_cast<v1::Sector>(17))),
      grpc::StatusCode::INVALID_ARGUMENT, "sector"));
  EXPECT_TRUE(HasCode(Resolve(Rater(), ResolveRequest("51011")), grpc::StatusCode::INVALID_ARGUMENT,
                      "region"));
}

TEST_P(IndicatorQueryTest, ResolveRejectsAnInvalidDate) {
  MustPublished("510114", "2026-v1");
  for (const google::type::Date& date : {Day(2026, 2, 30), Day(2026, 0, 10), Day(0, 1, 1)}) {
    SCOPED_TRACE(DayText(date));
    EXPECT_TRUE(HasCode(
        Resolve(Rater(), ResolveRequest("510114", v1::PRINCIPAL, v1::SECTOR_UNSPECIFIED, date)),
        grpc::StatusCode::INVALID_ARGUMENT, "date"));
  }
}

TEST_P(IndicatorQueryTest, ResolveReturnsTheCountysOwnSetFullyWeighted) {
  MustPublished("510100", "city-v1");
  const v1::IndicatorSet own = MustPublished("510114", "2026-v1", {}, SmallSetWithProfiles());
  v1::ResolvedCatalog resolved;
  ASSERT_TRUE(
      IsOk(Resolve(Rater(), ResolveRequest("510114", v1::PRINCIPAL, v1::EDUCATION), &resolved)));
  EXPECT_EQ(resolved.indicator_set(), own.name());
  EXPECT_EQ(resolved.indicator_set_revision(), own.revision());
  EXPECT_EQ(resolved.region(), "regions/510114");
  EXPECT_EQ(resolved.post_tier(), v1::PRINCIPAL);
  EXPECT_EQ(resolved.sector(), v1::EDUCATION);
  EXPECT_TRUE(SameMessage(resolved.date(), Day(2026, 11, 26)));
  EXPECT_THAT(resolved.applied_profiles(), ElementsAre("tier:PRINCIPAL", "sector:EDUCATION"));

  ASSERT_EQ(resolved.dimensions_size(), 5);
  double dimension_sum = 0;
  for (const v1::DimensionSpec& spec : resolved.dimensions()) {
    dimension_sum += spec.weight();
    double criterion_sum = 0;
    for (const v1::Criterion& c : spec.criteria()) {
      criterion_sum += c.weight();
    }
    EXPECT_THAT(criterion_sum, DoubleNear(1.0, 1e-9)) << v1::Dimension_Name(spec.dimension());
  }
  EXPECT_THAT(dimension_sum, DoubleNear(1.0, 1e-9));
  EXPECT_THAT(resolved.dimensions(0).weight(), DoubleNear(0.4, 1e-9));  // the tier's LOYALTY

  // Exactly what the resolver makes of the stored set.
  absl::StatusOr<v1::ResolvedCatalog> expected =
      ResolveCatalogOf(own, v1::PRINCIPAL, v1::EDUCATION);
  ASSERT_TRUE(expected.ok()) << expected.status();
  ASSERT_EQ(resolved.dimensions_size(), expected->dimensions_size());
  for (int i = 0; i < resolved.dimensions_size(); ++i) {
    EXPECT_TRUE(SameMessage(resolved.dimensions(i), expected->dimensions(i)));
  }

  // Asking again (now from the cache) answers the same.
  v1::ResolvedCatalog again;
  ASSERT_TRUE(
      IsOk(Resolve(Auditor(), ResolveRequest("510114", v1::PRINCIPAL, v1::EDUCATION), &again)));
  EXPECT_TRUE(SameMessage(again, resolved));
  // Another tier and sector of the same set differ.
  ASSERT_TRUE(IsOk(Resolve(Rater(), ResolveRequest("510114", v1::DEPUTY), &again)));
  EXPECT_THAT(again.applied_profiles(), IsEmpty());
  EXPECT_THAT(again.dimensions(0).weight(), DoubleNear(0.2, 1e-9));
}

TEST_P(IndicatorQueryTest, ResolveFallsBackToTheCityThenTheProvince) {
  const std::string province = MustPublished("510000", "province-v1").name();
  EXPECT_EQ(ResolvedSet("510114"), province);
  const std::string city = MustPublished("510100", "city-v1").name();
  EXPECT_EQ(ResolvedSet("510114"), city);
  const std::string own = MustPublished("510114", "county-v1").name();
  EXPECT_EQ(ResolvedSet("510114"), own);
  // A sibling county without a set of its own gets the city's.
  const Who sibling = Caller("rater-510115", "RATER", "510115");
  v1::ResolvedCatalog resolved;
  ASSERT_TRUE(IsOk(Resolve(sibling, ResolveRequest("510115"), &resolved)));
  EXPECT_EQ(resolved.indicator_set(), city);
  EXPECT_EQ(resolved.region(), "regions/510115");
  // A county whose own set starts later gets the city's until then.
  const std::string later = MustPublished("510115", "county-2027", Day(2027, 1, 1)).name();
  ASSERT_TRUE(IsOk(Resolve(sibling, ResolveRequest("510115"), &resolved)));
  EXPECT_EQ(resolved.indicator_set(), city);
  ASSERT_TRUE(IsOk(Resolve(
      sibling, ResolveRequest("510115", v1::PRINCIPAL, v1::SECTOR_UNSPECIFIED, Day(2027, 1, 1)),
      &resolved)));
  EXPECT_EQ(resolved.indicator_set(), later);
}

TEST_P(IndicatorQueryTest, ResolveByDatePicksTheSetEffectiveThatDay) {
  // A from today (26 Nov), B from 10 Dec.
  const std::string a = MustPublished("510114", "set-a").name();
  const std::string b = MustPublished("510114", "set-b", Day(2026, 12, 10)).name();
  EXPECT_EQ(ResolvedSet("510114"), a);
  EXPECT_EQ(ResolvedSet("510114", Day(2026, 11, 26)), a);
  EXPECT_EQ(ResolvedSet("510114", Day(2026, 12, 9)), a);
  EXPECT_EQ(ResolvedSet("510114", Day(2026, 12, 10)), b);
  EXPECT_EQ(ResolvedSet("510114", Day(2027, 6, 1)), b);
  // Before A nothing was effective here.
  EXPECT_EQ(ResolvedSet("510114", Day(2026, 11, 25)), "<FAILED_PRECONDITION>");

  // Time passes: "today" is B's now.
  clock_.Set(Cst(2026, 12, 11, 9, 0));
  EXPECT_EQ(ResolvedSet("510114"), b);
  EXPECT_EQ(ResolvedSet("510114", Day(2026, 12, 1)), a);

  // C, published on 11 Dec effective the same day as nothing else, wins from then on.
  const std::string c = MustPublished("510114", "set-c").name();
  EXPECT_EQ(ResolvedSet("510114"), c);
  EXPECT_EQ(ResolvedSet("510114", Day(2026, 12, 10)), b);
}

TEST_P(IndicatorQueryTest, ResolvePrefersTheLatestPublicationOnTheSameDay) {
  const std::string first = MustPublished("510114", "first").name();
  clock_.Advance(absl::Minutes(10));
  const std::string second = MustPublished("510114", "second").name();
  EXPECT_EQ(ResolvedSet("510114"), second);
  EXPECT_NE(first, second);
}

TEST_P(IndicatorQueryTest, ARetiredSetNoLongerResolvesFromItsEffectiveUntil) {
  const std::string city = MustPublished("510100", "city-v1").name();
  const std::string a = MustPublished("510114", "set-a").name();
  MustRetire(a, Day(2026, 12, 5));
  EXPECT_EQ(ResolvedSet("510114"), a);  // today is before the end
  EXPECT_EQ(ResolvedSet("510114", Day(2026, 12, 4)), a);
  EXPECT_EQ(ResolvedSet("510114", Day(2026, 12, 5)), city);
  EXPECT_EQ(ResolvedSet("510114", Day(2027, 3, 1)), city);

  // When the day comes, today resolves to the city's set.
  clock_.Set(Cst(2026, 12, 5, 8, 0));
  EXPECT_EQ(ResolvedSet("510114"), city);
  // The past stays as it was.
  EXPECT_EQ(ResolvedSet("510114", Day(2026, 11, 30)), a);

  // A set retired on the day it starts never applies.
  const std::string b = MustPublished("510114", "set-b").name();
  MustRetire(b);  // effective until today: never effective
  EXPECT_EQ(ResolvedSet("510114"), city);
}

TEST_P(IndicatorQueryTest, ResolveNamesTheRevisionOfTheSetItCameFrom) {
  const v1::IndicatorSet published = MustPublished("510114", "2026-v1");
  v1::ResolvedCatalog resolved;
  ASSERT_TRUE(IsOk(Resolve(Rater(), ResolveRequest("510114"), &resolved)));
  EXPECT_EQ(resolved.indicator_set(), published.name());
  EXPECT_EQ(resolved.indicator_set_revision(), published.revision());
}

TEST_P(IndicatorQueryTest, GetRejectsAMalformedNameAndReportsMissingSets) {
  for (const char* name :
       {"regions/510114/indicatorSets/", "regions/510114/campaigns/x", "indicatorSets/x",
        "regions/5101/indicatorSets/x", "regions/510114/indicatorSets/Bad_Id"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(HasCode(Get(CountyAdmin(), name), grpc::StatusCode::INVALID_ARGUMENT, "name"));
  }
  EXPECT_TRUE(HasCode(Get(CountyAdmin(), SetName("510114", "no-such")), grpc::StatusCode::NOT_FOUND,
                      "no-such"));
}

// ───────────────────────────── GetDefaultCatalog ─────────────────────────────

TEST_P(IndicatorQueryTest, GetDefaultCatalogReturnsTheShippedCatalog) {
  absl::StatusOr<v1::IndicatorSet> shipped = DefaultCatalog();
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  for (const Who& who : {Rater(), CountyAdmin(), AdminOf("520000")}) {
    SCOPED_TRACE(who.subject);
    v1::IndicatorSet got;
    ASSERT_TRUE(IsOk(GetDefault(who, &got)));
    EXPECT_TRUE(SameMessage(got, *shipped));
  }
  EXPECT_EQ(CountRows("audit_log"), 0);  // a read of the catalog is not audited
}

// ───────────────────────────── List ─────────────────────────────

TEST_P(IndicatorQueryTest, ListPaginatesInIdOrder) {
  std::vector<std::string> expected;
  for (const std::string id : {"set-c", "set-a", "set-e", "set-b", "set-d"}) {
    MustCreate("510114", id);
  }
  for (const std::string id : {"set-a", "set-b", "set-c", "set-d", "set-e"}) {
    expected.push_back(SetName("510114", id));
  }
  MustCreate("510115", "set-0");  // another county's sets are not listed

  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListIndicatorSetsResponse page;
    ASSERT_TRUE(
        IsOk(List(CountyAdmin(),
                  ListRequest("510114", v1::IndicatorSet::STATE_UNSPECIFIED, 2, token), &page)));
    EXPECT_LE(page.indicator_sets_size(), 2);
    for (const std::string& name : Names(page)) {
      seen.push_back(name);
    }
    token = page.next_page_token();
    ++pages;
    ASSERT_LE(pages, 5) << "pagination does not end";
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, ElementsAreArray(expected));

  // Default page size covers them all at once.
  v1::ListIndicatorSetsResponse all;
  ASSERT_TRUE(IsOk(List(CountyAdmin(), ListRequest("510114"), &all)));
  EXPECT_THAT(Names(all), ElementsAreArray(expected));
  EXPECT_TRUE(all.next_page_token().empty());
}

TEST_P(IndicatorQueryTest, ReadersPaginateOverPublishedSetsOnly) {
  MustCreate("510114", "a-draft");
  std::vector<std::string> expected;
  for (const std::string id : {"b", "c", "d"}) {
    expected.push_back(MustPublished("510114", id).name());
  }
  std::vector<std::string> seen;
  std::string token;
  for (int pages = 0; pages < 5; ++pages) {
    v1::ListIndicatorSetsResponse page;
    ASSERT_TRUE(IsOk(List(
        Rater(), ListRequest("510114", v1::IndicatorSet::STATE_UNSPECIFIED, 1, token), &page)));
    for (const std::string& name : Names(page)) {
      seen.push_back(name);
    }
    token = page.next_page_token();
    if (token.empty()) {
      break;
    }
  }
  EXPECT_THAT(seen, ElementsAreArray(expected));
}

TEST_P(IndicatorQueryTest, ListFiltersByState) {
  const std::string draft = MustCreate("510114", "a-draft").name();
  const std::string published = MustPublished("510114", "b-published").name();
  const std::string retired = MustPublished("510114", "c-retired").name();
  MustRetire(retired, Day(2026, 12, 1));
  const auto list = [&](v1::IndicatorSet::State state) {
    v1::ListIndicatorSetsResponse response;
    EXPECT_TRUE(IsOk(List(CountyAdmin(), ListRequest("510114", state), &response)));
    return Names(response);
  };
  EXPECT_THAT(list(v1::IndicatorSet::DRAFT), ElementsAre(draft));
  EXPECT_THAT(list(v1::IndicatorSet::PUBLISHED), ElementsAre(published));
  EXPECT_THAT(list(v1::IndicatorSet::RETIRED), ElementsAre(retired));
  EXPECT_THAT(list(v1::IndicatorSet::STATE_UNSPECIFIED), ElementsAre(draft, published, retired));
  EXPECT_TRUE(
      HasCode(List(CountyAdmin(), ListRequest("510114", static_cast<v1::IndicatorSet::State>(9))),
              grpc::StatusCode::INVALID_ARGUMENT, "state"));
}

TEST_P(IndicatorQueryTest, ListRefusesAPageTokenFromAnotherQuery) {
  for (const std::string id : {"a", "b", "c"}) {
    MustPublished("510114", id);
  }
  v1::ListIndicatorSetsResponse page;
  ASSERT_TRUE(IsOk(
      List(CountyAdmin(), ListRequest("510114", v1::IndicatorSet::STATE_UNSPECIFIED, 2), &page)));
  ASSERT_FALSE(page.next_page_token().empty());
  const std::string token = page.next_page_token();
  EXPECT_TRUE(
      HasCode(List(CountyAdmin(), ListRequest("510114", v1::IndicatorSet::PUBLISHED, 2, token)),
              grpc::StatusCode::INVALID_ARGUMENT, "page_token"));
  EXPECT_TRUE(HasCode(
      List(CountyAdmin(), ListRequest("510100", v1::IndicatorSet::STATE_UNSPECIFIED, 2, token)),
      grpc::StatusCode::INVALID_ARGUMENT, "page_token"));
  EXPECT_TRUE(HasCode(List(CountyAdmin(), ListRequest("510114", v1::IndicatorSet::STATE_UNSPECIFIED,
                                                      2, "garbage!")),
                      grpc::StatusCode::INVALID_ARGUMENT, "page_token"));
  // The same query continues.
  EXPECT_TRUE(IsOk(List(
      CountyAdmin(), ListRequest("510114", v1::IndicatorSet::STATE_UNSPECIFIED, 2, token), &page)));
  EXPECT_THAT(Names(page), ElementsAre(SetName("510114", "c")));
}

TEST_P(IndicatorQueryTest, ListRefusesANegativePageSize) {
  EXPECT_TRUE(
      HasCode(List(CountyAdmin(), ListRequest("510114", v1::IndicatorSet::STATE_UNSPECIFIED, -1)),
              grpc::StatusCode::INVALID_ARGUMENT, "page_size"));
  EXPECT_TRUE(HasCode(List(CountyAdmin(), ListRequest("5101")), grpc::StatusCode::INVALID_ARGUMENT,
                      "parent"));
}

// ───────────────────────────── events through Redis ─────────────────────────────

class IndicatorEventsTest : public IndicatorServiceTest {
 protected:
  std::string RedisUrl() override {
    absl::StatusOr<::kaoping::testing::RedisServer*> redis = ::kaoping::testing::SharedRedis();
    EXPECT_TRUE(redis.ok()) << redis.status();
    return redis.ok() ? (*redis)->url() : "none";
  }
};

INSTANTIATE_TEST_SUITE_P(Stores, IndicatorEventsTest,
                         ::testing::Values(::kaoping::testing::StoreKind::kSqlite,
                                           ::kaoping::testing::StoreKind::kPostgres),
                         StoreName);

// The last entry id of a stream, "0-0" when it is empty or absent.
std::string LastStreamId(RedisClient& redis, const std::string& stream) {
  absl::StatusOr<RedisReply> reply = redis.Command({"XREVRANGE", stream, "+", "-", "COUNT", "1"});
  if (!reply.ok() || reply->elements.empty()) {
    return "0-0";
  }
  return reply->elements[0].elements[0].str;
}

TEST_P(IndicatorEventsTest, PublishedEventReachesTheRedisStream) {
  ASSERT_NE(harness_->runtime().relay(), nullptr);
  absl::StatusOr<RedisOptions> options = ParseRedisUrl(RedisUrl());
  ASSERT_TRUE(options.ok()) << options.status();
  RedisClient redis(*options);
  // The county's own stream (events.proto: one stream per region).
  const std::string stream = "kaoping:events:indicators:510114";
  ASSERT_EQ(privacy::EventStreamKey("indicators", "510114"), stream);
  // Other tests of this binary share the Redis: only what comes after now counts.
  const std::string after = LastStreamId(redis, stream);

  const v1::IndicatorSet published = MustPublished("510114", "2026-v1");

  std::optional<v1::Event> found;
  std::string region_field;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!found.has_value() && std::chrono::steady_clock::now() < deadline) {
    absl::StatusOr<RedisReply> reply =
        redis.Command({"XREAD", "COUNT", "100", "STREAMS", stream, after});
    ASSERT_TRUE(reply.ok()) << reply.status();
    if (reply->type == RedisReply::Type::kArray) {
      // [[stream, [[id, [field, value, …]], …]]]
      for (const RedisReply& entry : reply->elements[0].elements[1].elements) {
        const std::vector<RedisReply>& fields = entry.elements[1].elements;
        std::string type, region, bytes;
        for (size_t i = 0; i + 1 < fields.size(); i += 2) {
          if (fields[i].str == "type") {
            type = fields[i + 1].str;
          } else if (fields[i].str == "region") {
            region = fields[i + 1].str;
          } else if (fields[i].str == "event") {
            bytes = fields[i + 1].str;
          }
        }
        v1::Event event;
        if (type == "kaoping.v1.IndicatorSetPublished" && event.ParseFromString(bytes) &&
            event.resource() == published.name()) {
          found = event;
          region_field = region;
        }
      }
    }
    if (!found.has_value()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ASSERT_TRUE(found.has_value()) << "no IndicatorSetPublished on " << stream << " within 10 s";
  EXPECT_EQ(region_field, "510114");
  EXPECT_EQ(found->region_code(), "510114");
  EXPECT_EQ(found->type(), "kaoping.v1.IndicatorSetPublished");
  v1::IndicatorSetPublished payload;
  ASSERT_TRUE(found->payload().UnpackTo(&payload));
  EXPECT_EQ(payload.indicator_set(), published.name());
  EXPECT_EQ(payload.revision(), published.revision());
  EXPECT_TRUE(SameMessage(payload.effective_from(), Day(2026, 11, 26)));
  // The outbox row is marked relayed (in the relay's transaction, which
  // commits just after the XADD).
  int64_t pending = -1;
  while (pending != 0 && std::chrono::steady_clock::now() < deadline) {
    absl::StatusOr<int64_t> count = Outbox::CountPending(Db());
    ASSERT_TRUE(count.ok()) << count.status();
    pending = *count;
    if (pending != 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  EXPECT_EQ(pending, 0);
}

}  // namespace
}  // namespace kaoping::indicators::testing
