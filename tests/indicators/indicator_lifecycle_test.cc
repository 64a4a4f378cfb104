// The life of an indicator set over real gRPC on SQLite and PostgreSQL:
// Create (from content, the default or another set; validate_only;
// request_id), Update (mask, etag), Delete, Publish (effective_from, the
// outbox event, immutability) and Retire.
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/indicators/default_catalog.h"
#include "tests/indicators/service_fixture.h"

namespace kaoping::indicators::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class IndicatorLifecycleTest : public IndicatorServiceTest {};

INSTANTIATE_TEST_SUITE_P(Stores, IndicatorLifecycleTest,
                         ::testing::Values(::kaoping::testing::StoreKind::kSqlite,
                                           ::kaoping::testing::StoreKind::kPostgres),
                         StoreName);

// ───────────────────────────── Create ─────────────────────────────

TEST_P(IndicatorLifecycleTest, CreateFromContent) {
  const v1::IndicatorSet content = SmallSetWithProfiles();
  v1::IndicatorSet created;
  ASSERT_TRUE(IsOk(Create(CountyAdmin(), CreateRequest("510114", "2026-v1", content), &created)));
  EXPECT_EQ(created.name(), "regions/510114/indicatorSets/2026-v1");
  EXPECT_EQ(created.state(), v1::IndicatorSet::DRAFT);
  EXPECT_EQ(created.display_name(), content.display_name());
  EXPECT_EQ(created.description(), content.description());
  EXPECT_TRUE(SameMessage(created, [&] {
    v1::IndicatorSet expected = created;
    *expected.mutable_dimensions() = content.dimensions();
    *expected.mutable_profiles() = content.profiles();
    return expected;
  }()));
  EXPECT_EQ(created.revision(), 1);
  EXPECT_FALSE(created.etag().empty());
  EXPECT_EQ(created.creator(), "admin-510114");
  EXPECT_EQ(created.source(), "");
  EXPECT_EQ(created.create_time().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_FALSE(created.has_effective_from());
  EXPECT_FALSE(created.has_publish_time());

  v1::IndicatorSet got;
  ASSERT_TRUE(IsOk(Get(CountyAdmin(), created.name(), &got)));
  EXPECT_TRUE(SameMessage(got, created));
  absl::StatusOr<v1::IndicatorSet> stored = Stored("510114", "2026-v1");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_TRUE(SameMessage(*stored, created));
}

TEST_P(IndicatorLifecycleTest, CreateIgnoresOutputOnlyFields) {
  v1::IndicatorSet content = SmallSet();
  content.set_name("regions/510115/indicatorSets/elsewhere");
  content.set_state(v1::IndicatorSet::PUBLISHED);
  *content.mutable_effective_from() = Day(2020, 1, 1);
  content.set_revision(99);
  content.set_etag("forged");
  content.set_creator("mallory");
  content.set_publisher("mallory");
  content.set_source("default");
  v1::IndicatorSet created;
  ASSERT_TRUE(IsOk(Create(CountyAdmin(), CreateRequest("510114", "clean", content), &created)));
  EXPECT_EQ(created.name(), SetName("510114", "clean"));
  EXPECT_EQ(created.state(), v1::IndicatorSet::DRAFT);
  EXPECT_FALSE(created.has_effective_from());
  EXPECT_EQ(created.revision(), 1);
  EXPECT_NE(created.etag(), "forged");
  EXPECT_EQ(created.creator(), "admin-510114");
  EXPECT_EQ(created.publisher(), "");
  EXPECT_EQ(created.source(), "");
  EXPECT_EQ(ResolvedSet("510114"), "<FAILED_PRECONDITION>");
}

TEST_P(IndicatorLifecycleTest, CreateFromTheDefaultCatalog) {
  absl::StatusOr<v1::IndicatorSet> shipped = DefaultCatalog();
  ASSERT_TRUE(shipped.ok()) << shipped.status();

  v1::CreateIndicatorSetRequest request = CreateRequest("510114", "from-default", {});
  request.set_source("default");
  v1::IndicatorSet created;
  ASSERT_TRUE(IsOk(Create(CountyAdmin(), request, &created)));
  EXPECT_EQ(created.source(), "default");
  EXPECT_EQ(created.state(), v1::IndicatorSet::DRAFT);
  EXPECT_EQ(created.display_name(), shipped->display_name());
  ASSERT_EQ(created.dimensions_size(), 5);
  ASSERT_EQ(created.profiles_size(), shipped->profiles_size());
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(SameMessage(created.dimensions(i), shipped->dimensions(i)));
  }

  // A display name given with the source replaces the default's.
  v1::IndicatorSet renamed;
  renamed.set_display_name("某县2026年版");
  request = CreateRequest("510114", "from-default-2", renamed);
  request.set_source("default");
  ASSERT_TRUE(IsOk(Create(CountyAdmin(), request, &created)));
  EXPECT_EQ(created.display_name(), "某县2026年版");
  EXPECT_EQ(created.dimensions_size(), 5);

  // And it publishes as it is.
  EXPECT_EQ(MustPublish(created.name()).state(), v1::IndicatorSet::PUBLISHED);
}

TEST_P(IndicatorLifecycleTest, CreateFromAnotherSet) {
  const v1::IndicatorSet original = MustPublished("510114", "2025-v1", {}, SmallSetWithProfiles());

  v1::IndicatorSet named;
  named.set_display_name("2026年版");
  v1::CreateIndicatorSetRequest request = CreateRequest("510114", "2026-v1", named);
  request.set_source(original.name());
  v1::IndicatorSet copy;
  ASSERT_TRUE(IsOk(Create(CountyAdmin(), request, &copy)));
  EXPECT_EQ(copy.source(), original.name());
  EXPECT_EQ(copy.state(), v1::IndicatorSet::DRAFT);
  EXPECT_EQ(copy.display_name(), "2026年版");
  EXPECT_EQ(copy.description(), original.description());
  ASSERT_EQ(copy.dimensions_size(), original.dimensions_size());
  ASSERT_EQ(copy.profiles_size(), original.profiles_size());
  for (int i = 0; i < copy.dimensions_size(); ++i) {
    EXPECT_TRUE(SameMessage(copy.dimensions(i), original.dimensions(i)));
  }
  EXPECT_FALSE(copy.has_effective_from());
  EXPECT_EQ(copy.revision(), 1);

  // A draft is a source too, and the city admin may copy the city's set into a county.
  request = CreateRequest("510114", "2026-v2", {});
  request.set_source(copy.name());
  ASSERT_TRUE(IsOk(Create(CountyAdmin(), request)));
  const std::string city_set = MustPublished("510100", "city-v1").name();
  request = CreateRequest("510114", "from-city", {});
  request.set_source(city_set);
  v1::IndicatorSet from_city;
  ASSERT_TRUE(IsOk(Create(CityAdmin(), request, &from_city)));
  EXPECT_EQ(from_city.source(), city_set);
  EXPECT_EQ(from_city.name(), SetName("510114", "from-city"));
}

TEST_P(IndicatorLifecycleTest, ACountyStartsFromItsCitysPublishedSet) {
  const std::string city_set = MustPublished("510100", "city-v1").name();
  v1::CreateIndicatorSetRequest request = CreateRequest("510114", "from-city", {});
  request.set_source(city_set);
  v1::IndicatorSet copy;
  ASSERT_TRUE(IsOk(Create(CountyAdmin(), request, &copy)));
  EXPECT_EQ(copy.source(), city_set);
  EXPECT_EQ(copy.name(), SetName("510114", "from-city"));
  EXPECT_EQ(copy.state(), v1::IndicatorSet::DRAFT);
}

TEST_P(IndicatorLifecycleTest, CreateFromAnUnreachableSourceIsRefused) {
  const std::string city_draft = MustCreate("510100", "city-draft").name();
  const std::string other_county = MustPublished("510115", "other-v1").name();
  const std::string before = Snapshot().indicator_sets;

  const auto create_from = [&](const std::string& source) {
    v1::CreateIndicatorSetRequest request = CreateRequest("510114", "copy", {});
    request.set_source(source);
    return Create(CountyAdmin(), request);
  };
  // Drafts of an enclosing region, sets of other regions, and missing sets: NOT_FOUND.
  EXPECT_TRUE(HasCode(create_from(city_draft), grpc::StatusCode::NOT_FOUND, "source"));
  EXPECT_TRUE(HasCode(create_from(other_county), grpc::StatusCode::NOT_FOUND, "source"));
  EXPECT_TRUE(
      HasCode(create_from(SetName("510114", "no-such")), grpc::StatusCode::NOT_FOUND, "source"));
  // Not a set name at all: INVALID_ARGUMENT naming source.
  EXPECT_TRUE(HasCode(create_from("regions/510114/campaigns/x"), grpc::StatusCode::INVALID_ARGUMENT,
                      "source"));
  EXPECT_TRUE(HasCode(create_from("defaults"), grpc::StatusCode::INVALID_ARGUMENT, "source"));
  EXPECT_EQ(Snapshot().indicator_sets, before);
}

TEST_P(IndicatorLifecycleTest, CreateRejectsAnInvalidId) {
  const Footprint before = Snapshot();
  for (const std::string& id :
       {std::string("Bad_Id"), std::string("-leading-dash"), std::string(""),
        std::string("has space"), std::string("中文"), std::string(64, 'a')}) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(HasCode(Create(CountyAdmin(), CreateRequest("510114", id)),
                        grpc::StatusCode::INVALID_ARGUMENT, "indicator_set_id"));
  }
  EXPECT_EQ(Snapshot().indicator_sets, before.indicator_sets);
  EXPECT_TRUE(IsOk(Create(CountyAdmin(), CreateRequest("510114", std::string(63, 'a')))));
}

TEST_P(IndicatorLifecycleTest, CreateRejectsAnInvalidParent) {
  for (const char* parent : {"regions/5101", "510114", "regions/510114/x", ""}) {
    SCOPED_TRACE(parent);
    v1::CreateIndicatorSetRequest request = CreateRequest("510114", "x");
    request.set_parent(parent);
    EXPECT_TRUE(
        HasCode(Create(CountyAdmin(), request), grpc::StatusCode::INVALID_ARGUMENT, "parent"));
  }
}

TEST_P(IndicatorLifecycleTest, CreateRejectsADuplicateId) {
  const v1::IndicatorSet first = MustCreate("510114", "2026-v1");
  const std::string before = Snapshot().indicator_sets;
  v1::IndicatorSet other = SmallSet();
  other.set_display_name("another");
  EXPECT_TRUE(HasCode(Create(CountyAdmin(), CreateRequest("510114", "2026-v1", other)),
                      grpc::StatusCode::ALREADY_EXISTS, "2026-v1"));
  EXPECT_EQ(Snapshot().indicator_sets, before);
  // The same id in another region is another set.
  EXPECT_TRUE(IsOk(Create(AdminOf("510115"), CreateRequest("510115", "2026-v1"))));
}

TEST_P(IndicatorLifecycleTest, CreateRejectsContentTogetherWithASource) {
  v1::CreateIndicatorSetRequest request = CreateRequest("510114", "both", SmallSet());
  request.set_source("default");
  const grpc::Status status = Create(CountyAdmin(), request);
  EXPECT_TRUE(HasCode(status, grpc::StatusCode::INVALID_ARGUMENT, "indicator_set.dimensions"));
  EXPECT_THAT(status.error_message(), HasSubstr("source"));

  v1::IndicatorSet profiles_only;
  profiles_only.set_display_name("x");
  *profiles_only.add_profiles() = EducationProfile();
  request = CreateRequest("510114", "both", profiles_only);
  request.set_source("default");
  EXPECT_TRUE(HasCode(Create(CountyAdmin(), request), grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(CountRows("indicator_sets"), 0);
}

TEST_P(IndicatorLifecycleTest, CreateRejectsInvalidContentNamingTheField) {
  v1::IndicatorSet content = SmallSet();
  content.mutable_dimensions(2)->mutable_criteria(1)->set_weight(0);
  EXPECT_TRUE(HasCode(Create(CountyAdmin(), CreateRequest("510114", "bad", content)),
                      grpc::StatusCode::INVALID_ARGUMENT,
                      "indicator_set.dimensions[2].criteria[1].weight"));
  v1::IndicatorSet unnamed = SmallSet();
  unnamed.clear_display_name();
  EXPECT_TRUE(HasCode(Create(CountyAdmin(), CreateRequest("510114", "bad", unnamed)),
                      grpc::StatusCode::INVALID_ARGUMENT, "indicator_set.display_name"));
  EXPECT_EQ(CountRows("indicator_sets"), 0);

  // An empty draft (a name, no dimensions yet) is fine.
  v1::IndicatorSet empty;
  empty.set_display_name("空草稿");
  v1::IndicatorSet created;
  EXPECT_TRUE(IsOk(Create(CountyAdmin(), CreateRequest("510114", "empty", empty), &created)));
  EXPECT_EQ(created.dimensions_size(), 0);
}

TEST_P(IndicatorLifecycleTest, CreateValidateOnlyReturnsTheSetAndWritesNothing) {
  const Footprint before = Snapshot();
  v1::CreateIndicatorSetRequest request = CreateRequest("510114", "2026-v1");
  request.set_validate_only(true);
  request.set_request_id("validate-1");
  v1::IndicatorSet would_be;
  ASSERT_TRUE(IsOk(Create(CountyAdmin(), request, &would_be)));
  EXPECT_EQ(would_be.name(), SetName("510114", "2026-v1"));
  EXPECT_EQ(would_be.state(), v1::IndicatorSet::DRAFT);
  EXPECT_EQ(would_be.display_name(), SmallSet().display_name());
  EXPECT_EQ(would_be.dimensions_size(), 5);

  EXPECT_TRUE(HasCode(Get(CountyAdmin(), would_be.name()), grpc::StatusCode::NOT_FOUND));
  const Footprint after = Snapshot();
  EXPECT_EQ(after.indicator_sets, before.indicator_sets);
  EXPECT_EQ(after.idempotency_rows, before.idempotency_rows);
  EXPECT_EQ(after.outbox_rows, before.outbox_rows);
  EXPECT_EQ(after.audit_rows, before.audit_rows) << "a validate_only create wrote an audit entry";

  // Invalid content is still reported.
  v1::IndicatorSet bad = SmallSet();
  bad.mutable_dimensions(0)->set_weight(-1);
  request = CreateRequest("510114", "2026-v1", bad);
  request.set_validate_only(true);
  EXPECT_TRUE(HasCode(Create(CountyAdmin(), request), grpc::StatusCode::INVALID_ARGUMENT,
                      "indicator_set.dimensions[0].weight"));
  // And the real create afterwards is not a "replay" of the validation.
  request = CreateRequest("510114", "2026-v1");
  request.set_request_id("validate-1");
  v1::IndicatorSet created;
  EXPECT_TRUE(IsOk(Create(CountyAdmin(), request, &created)));
  EXPECT_EQ(CountRows("indicator_sets"), 1);
}

TEST_P(IndicatorLifecycleTest, CreateReplayWithTheSameRequestIdReturnsTheFirstResult) {
  v1::CreateIndicatorSetRequest request = CreateRequest("510114", "2026-v1");
  request.set_request_id("req-0001");
  v1::IndicatorSet first;
  ASSERT_TRUE(IsOk(Create(CountyAdmin(), request, &first)));
  const Footprint after_first = Snapshot();
  EXPECT_EQ(CountRows("indicator_sets"), 1);

  clock_.Advance(absl::Minutes(5));
  v1::IndicatorSet second;
  ASSERT_TRUE(IsOk(Create(CountyAdmin(), request, &second)));
  EXPECT_EQ(DeterministicBytes(second), DeterministicBytes(first));

  const Footprint after_second = Snapshot();
  EXPECT_EQ(after_second.indicator_sets, after_first.indicator_sets);
  EXPECT_EQ(after_second.idempotency_rows, after_first.idempotency_rows);
  EXPECT_EQ(after_second.outbox_rows, after_first.outbox_rows);
  EXPECT_EQ(after_second.audit_rows, after_first.audit_rows)
      << "a replayed create wrote an audit entry";

  // Even after the set changed, the replay answers what the first call answered.
  v1::IndicatorSet patch;
  patch.set_name(first.name());
  patch.set_display_name("changed");
  ASSERT_TRUE(IsOk(Update(CountyAdmin(), UpdateRequest(patch, {"display_name"}))));
  ASSERT_TRUE(IsOk(Create(CountyAdmin(), request, &second)));
  EXPECT_EQ(DeterministicBytes(second), DeterministicBytes(first));
}

TEST_P(IndicatorLifecycleTest, CreateWithAReusedRequestIdAndAnotherBodyIsRefused) {
  v1::CreateIndicatorSetRequest request = CreateRequest("510114", "2026-v1");
  request.set_request_id("req-0001");
  ASSERT_TRUE(IsOk(Create(CountyAdmin(), request)));
  const Footprint before = Snapshot();

  v1::CreateIndicatorSetRequest other = request;
  other.mutable_indicator_set()->set_display_name("another name");
  EXPECT_TRUE(
      HasCode(Create(CountyAdmin(), other), grpc::StatusCode::INVALID_ARGUMENT, "request_id"));
  other = request;
  other.set_indicator_set_id("2026-v2");
  EXPECT_TRUE(
      HasCode(Create(CountyAdmin(), other), grpc::StatusCode::INVALID_ARGUMENT, "request_id"));

  const Footprint after = Snapshot();
  EXPECT_EQ(after.indicator_sets, before.indicator_sets);
  EXPECT_EQ(after.idempotency_rows, before.idempotency_rows);

  // A malformed request_id is refused too.
  request = CreateRequest("510114", "2026-v3");
  request.set_request_id("has space");
  EXPECT_TRUE(
      HasCode(Create(CountyAdmin(), request), grpc::StatusCode::INVALID_ARGUMENT, "request_id"));
}

TEST_P(IndicatorLifecycleTest, ConcurrentRetriesWithTheSameRequestIdAllGetTheFirstResult) {
  // A client whose first call timed out retries while the first is still
  // running: every attempt must answer as the first did, none ALREADY_EXISTS.
  constexpr int kAttempts = 6;
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    v1::CreateIndicatorSetRequest request =
        CreateRequest("510114", absl::StrCat("retried-", round));
    request.set_request_id(absl::StrCat("retry-", round));
    std::vector<grpc::Status> statuses(kAttempts);
    std::vector<v1::IndicatorSet> responses(kAttempts);
    std::latch start(kAttempts);
    std::vector<std::thread> attempts;
    for (int i = 0; i < kAttempts; ++i) {
      attempts.emplace_back([&, i] {
        auto context = harness_->Context(CountyAdmin());
        start.arrive_and_wait();
        statuses[i] = stub_->CreateIndicatorSet(context.get(), request, &responses[i]);
      });
    }
    for (std::thread& t : attempts) {
      t.join();
    }
    for (int i = 0; i < kAttempts; ++i) {
      EXPECT_TRUE(IsOk(statuses[i])) << "attempt " << i;
      if (statuses[i].ok() && statuses[0].ok()) {
        EXPECT_EQ(DeterministicBytes(responses[i]), DeterministicBytes(responses[0]));
      }
    }
  }
  EXPECT_EQ(CountRows("indicator_sets"), 3);
  EXPECT_EQ(CountRows("idempotency_keys"), 3);
}

// ───────────────────────────── Update ─────────────────────────────

TEST_P(IndicatorLifecycleTest, UpdateChangesOnlyTheMaskedPaths) {
  const v1::IndicatorSet created = MustCreate("510114", "2026-v1");
  clock_.Advance(absl::Minutes(1));

  v1::IndicatorSet patch;
  patch.set_name(created.name());
  patch.set_display_name("新名称");
  patch.set_description("");  // not in the mask: ignored
  // Dimensions not in the mask are ignored, even invalid ones.
  *patch.add_dimensions() = v1::DimensionSpec();
  v1::IndicatorSet updated;
  ASSERT_TRUE(IsOk(Update(CountyAdmin(), UpdateRequest(patch, {"display_name"}), &updated)));
  EXPECT_EQ(updated.display_name(), "新名称");
  EXPECT_EQ(updated.description(), created.description());
  ASSERT_EQ(updated.dimensions_size(), 5);
  EXPECT_TRUE(SameMessage(updated.dimensions(0), created.dimensions(0)));
  EXPECT_EQ(updated.revision(), 2);
  EXPECT_NE(updated.etag(), created.etag());
  EXPECT_EQ(updated.update_time().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_TRUE(SameMessage(updated.create_time(), created.create_time()));
  EXPECT_EQ(updated.creator(), created.creator());

  // "dimensions" and "profiles" replace the lists.
  v1::IndicatorSet with_profiles = SmallSetWithProfiles();
  with_profiles.set_name(created.name());
  with_profiles.mutable_dimensions(0)->mutable_criteria(0)->set_title("改过的标准");
  ASSERT_TRUE(IsOk(
      Update(CountyAdmin(), UpdateRequest(with_profiles, {"dimensions", "profiles"}), &updated)));
  EXPECT_EQ(updated.dimensions(0).criteria(0).title(), "改过的标准");
  EXPECT_EQ(updated.profiles_size(), 2);
  EXPECT_EQ(updated.display_name(), "新名称");
  EXPECT_EQ(updated.revision(), 3);

  v1::IndicatorSet got;
  ASSERT_TRUE(IsOk(Get(CountyAdmin(), created.name(), &got)));
  EXPECT_TRUE(SameMessage(got, updated));
}

TEST_P(IndicatorLifecycleTest, UpdateWithAStarMaskReplacesEveryEditableField) {
  const v1::IndicatorSet created = MustCreate("510114", "2026-v1", SmallSetWithProfiles());
  v1::IndicatorSet patch = SmallSet();
  patch.set_name(created.name());
  patch.set_display_name("all of it");
  patch.clear_description();
  // Output-only fields in the body change nothing.
  patch.set_state(v1::IndicatorSet::PUBLISHED);
  patch.set_revision(42);
  patch.set_creator("mallory");
  v1::IndicatorSet updated;
  ASSERT_TRUE(IsOk(Update(CountyAdmin(), UpdateRequest(patch, {"*"}), &updated)));
  EXPECT_EQ(updated.display_name(), patch.display_name());
  EXPECT_EQ(updated.description(), "");
  EXPECT_EQ(updated.profiles_size(), 0);
  EXPECT_EQ(updated.state(), v1::IndicatorSet::DRAFT);
  EXPECT_EQ(updated.creator(), "admin-510114");
  EXPECT_NE(updated.revision(), 42);
}

TEST_P(IndicatorLifecycleTest, UpdateWithoutAMaskChangesOnlyWhatThePatchCarries) {
  // AIP-134: a patch that names only the display name must not wipe the
  // description, the dimensions or the profiles.
  const v1::IndicatorSet created = MustCreate("510114", "2026-v1", SmallSetWithProfiles());
  ASSERT_FALSE(created.description().empty());
  v1::IndicatorSet patch;
  patch.set_name(created.name());
  patch.set_display_name("只改名称");
  patch.set_state(v1::IndicatorSet::PUBLISHED);  // output only: ignored
  v1::IndicatorSet updated;
  ASSERT_TRUE(IsOk(Update(CountyAdmin(), UpdateRequest(patch, {}), &updated)));
  EXPECT_EQ(updated.display_name(), "只改名称");
  EXPECT_EQ(updated.description(), created.description());
  EXPECT_EQ(updated.dimensions_size(), created.dimensions_size());
  EXPECT_EQ(updated.profiles_size(), created.profiles_size());
  EXPECT_EQ(updated.state(), v1::IndicatorSet::DRAFT);
  for (int i = 0; i < created.dimensions_size(); ++i) {
    EXPECT_TRUE(SameMessage(updated.dimensions(i), created.dimensions(i)));
  }
}

TEST_P(IndicatorLifecycleTest, UpdateRejectsAnUnknownMaskPath) {
  const v1::IndicatorSet created = MustCreate("510114", "2026-v1");
  const std::string before = Snapshot().indicator_sets;
  v1::IndicatorSet patch;
  patch.set_name(created.name());
  patch.set_display_name("x");
  for (const char* path : {"state", "name", "revision", "effective_from", "displayName"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(HasCode(Update(CountyAdmin(), UpdateRequest(patch, {"display_name", path})),
                        grpc::StatusCode::INVALID_ARGUMENT, "update_mask.paths[1]"));
  }
  EXPECT_EQ(Snapshot().indicator_sets, before);
}

TEST_P(IndicatorLifecycleTest, UpdateWithAStaleEtagIsAbortedAndChangesNothing) {
  const v1::IndicatorSet created = MustCreate("510114", "2026-v1");
  v1::IndicatorSet patch;
  patch.set_name(created.name());
  patch.set_display_name("first");
  patch.set_etag(created.etag());
  v1::IndicatorSet first;
  ASSERT_TRUE(IsOk(Update(CountyAdmin(), UpdateRequest(patch, {"display_name"}), &first)));
  const std::string before = Snapshot().indicator_sets;

  patch.set_display_name("second, from a stale read");
  EXPECT_TRUE(HasCode(Update(CountyAdmin(), UpdateRequest(patch, {"display_name"})),
                      grpc::StatusCode::ABORTED, "etag"));
  EXPECT_EQ(Snapshot().indicator_sets, before);
  v1::IndicatorSet got;
  ASSERT_TRUE(IsOk(Get(CountyAdmin(), created.name(), &got)));
  EXPECT_EQ(got.display_name(), "first");
  EXPECT_EQ(got.revision(), 2);
}

TEST_P(IndicatorLifecycleTest, UpdateWithTheCurrentEtagIncrementsTheRevision) {
  v1::IndicatorSet current = MustCreate("510114", "2026-v1");
  for (int i = 2; i <= 4; ++i) {
    v1::IndicatorSet patch;
    patch.set_name(current.name());
    patch.set_description(absl::StrCat("revision ", i));
    patch.set_etag(current.etag());
    const std::string previous_etag = current.etag();
    ASSERT_TRUE(IsOk(Update(CountyAdmin(), UpdateRequest(patch, {"description"}), &current)));
    EXPECT_EQ(current.revision(), i);
    EXPECT_NE(current.etag(), previous_etag);
  }
  absl::StatusOr<v1::IndicatorSet> stored = Stored("510114", "2026-v1");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->revision(), 4);
  EXPECT_EQ(stored->description(), "revision 4");
}

TEST_P(IndicatorLifecycleTest, ConcurrentUpdatesWithTheSameEtagLetExactlyOneThrough) {
  const v1::IndicatorSet created = MustCreate("510114", "2026-v1");
  constexpr int kWriters = 4;
  std::vector<grpc::Status> results(kWriters);
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      v1::IndicatorSet patch;
      patch.set_name(created.name());
      patch.set_display_name(absl::StrCat("writer ", i));
      patch.set_etag(created.etag());
      results[i] = Update(CountyAdmin(), UpdateRequest(patch, {"display_name"}));
    });
  }
  for (std::thread& t : writers) {
    t.join();
  }
  int succeeded = 0;
  for (const grpc::Status& status : results) {
    if (status.ok()) {
      ++succeeded;
    } else {
      EXPECT_TRUE(HasCode(status, grpc::StatusCode::ABORTED));
    }
  }
  EXPECT_EQ(succeeded, 1);
  absl::StatusOr<v1::IndicatorSet> stored = Stored("510114", "2026-v1");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->revision(), 2);
}

TEST_P(IndicatorLifecycleTest, UpdateRejectsInvalidContentNamingTheFieldAndChangesNothing) {
  const v1::IndicatorSet created = MustCreate("510114", "2026-v1");
  const std::string before = Snapshot().indicator_sets;

  v1::IndicatorSet patch = SmallSet();
  patch.set_name(created.name());
  patch.mutable_dimensions(1)->set_weight(-0.2);
  EXPECT_TRUE(HasCode(Update(CountyAdmin(), UpdateRequest(patch, {"dimensions"})),
                      grpc::StatusCode::INVALID_ARGUMENT, "indicator_set.dimensions[1].weight"));

  v1::IndicatorSet profiles = SmallSetWithProfiles();
  profiles.set_name(created.name());
  profiles.mutable_profiles(1)->mutable_criterion_weights(0)->set_criterion_id("nope");
  EXPECT_TRUE(HasCode(Update(CountyAdmin(), UpdateRequest(profiles, {"profiles"})),
                      grpc::StatusCode::INVALID_ARGUMENT,
                      "indicator_set.profiles[1].criterion_weights[0].criterion_id"));

  v1::IndicatorSet unnamed;
  unnamed.set_name(created.name());
  EXPECT_TRUE(HasCode(Update(CountyAdmin(), UpdateRequest(unnamed, {"display_name"})),
                      grpc::StatusCode::INVALID_ARGUMENT, "indicator_set.display_name"));
  EXPECT_EQ(Snapshot().indicator_sets, before);
}

TEST_P(IndicatorLifecycleTest, UpdateValidateOnlyWritesNothing) {
  const v1::IndicatorSet created = MustCreate("510114", "2026-v1");
  const Footprint before = Snapshot();
  v1::IndicatorSet patch;
  patch.set_name(created.name());
  patch.set_display_name("would be");
  v1::UpdateIndicatorSetRequest request = UpdateRequest(patch, {"display_name"});
  request.set_validate_only(true);
  v1::IndicatorSet would_be;
  ASSERT_TRUE(IsOk(Update(CountyAdmin(), request, &would_be)));
  EXPECT_EQ(would_be.display_name(), "would be");
  const Footprint after = Snapshot();
  EXPECT_EQ(after.indicator_sets, before.indicator_sets);
  EXPECT_EQ(after.audit_rows, before.audit_rows) << "a validate_only update wrote an audit entry";
  v1::IndicatorSet got;
  ASSERT_TRUE(IsOk(Get(CountyAdmin(), created.name(), &got)));
  EXPECT_EQ(got.display_name(), created.display_name());
}

TEST_P(IndicatorLifecycleTest, UpdateOfPublishedOrRetiredSetsIsFailedPrecondition) {
  const v1::IndicatorSet published = MustPublished("510114", "pub-1");
  const v1::IndicatorSet retired = MustPublished("510114", "old-1");
  MustRetire(retired.name(), Day(2026, 12, 1));
  const std::string before = Snapshot().indicator_sets;

  v1::IndicatorSet patch;
  patch.set_name(published.name());
  patch.set_display_name("changed after publication");
  EXPECT_TRUE(HasCode(Update(CountyAdmin(), UpdateRequest(patch, {"display_name"})),
                      grpc::StatusCode::FAILED_PRECONDITION, "PUBLISHED"));
  patch.set_name(retired.name());
  EXPECT_TRUE(HasCode(Update(CountyAdmin(), UpdateRequest(patch, {"display_name"})),
                      grpc::StatusCode::FAILED_PRECONDITION, "RETIRED"));
  EXPECT_EQ(Snapshot().indicator_sets, before);
}

TEST_P(IndicatorLifecycleTest, UpdateOfAMissingSetIsNotFound) {
  v1::IndicatorSet patch;
  patch.set_name(SetName("510114", "no-such"));
  patch.set_display_name("x");
  EXPECT_TRUE(HasCode(Update(CountyAdmin(), UpdateRequest(patch, {"display_name"})),
                      grpc::StatusCode::NOT_FOUND));
  patch.set_name("regions/510114/indicatorSets/");
  EXPECT_TRUE(HasCode(Update(CountyAdmin(), UpdateRequest(patch, {"display_name"})),
                      grpc::StatusCode::INVALID_ARGUMENT, "indicator_set.name"));
}

// ───────────────────────────── Delete ─────────────────────────────

TEST_P(IndicatorLifecycleTest, DeleteRemovesADraft) {
  const v1::IndicatorSet keep = MustCreate("510114", "keep");
  const v1::IndicatorSet draft = MustCreate("510114", "draft-1");
  ASSERT_TRUE(IsOk(Delete(CountyAdmin(), draft.name(), draft.etag())));
  EXPECT_TRUE(HasCode(Get(CountyAdmin(), draft.name()), grpc::StatusCode::NOT_FOUND));
  v1::ListIndicatorSetsResponse list;
  ASSERT_TRUE(IsOk(List(CountyAdmin(), ListRequest("510114"), &list)));
  EXPECT_THAT(Names(list), ElementsAre(keep.name()));
  EXPECT_TRUE(HasCode(Delete(CountyAdmin(), draft.name()), grpc::StatusCode::NOT_FOUND));
  // The id is free again.
  EXPECT_TRUE(IsOk(Create(CountyAdmin(), CreateRequest("510114", "draft-1"))));
}

TEST_P(IndicatorLifecycleTest, DeleteWithAStaleEtagIsAborted) {
  const v1::IndicatorSet draft = MustCreate("510114", "draft-1");
  v1::IndicatorSet patch;
  patch.set_name(draft.name());
  patch.set_display_name("changed");
  ASSERT_TRUE(IsOk(Update(CountyAdmin(), UpdateRequest(patch, {"display_name"}))));
  EXPECT_TRUE(
      HasCode(Delete(CountyAdmin(), draft.name(), draft.etag()), grpc::StatusCode::ABORTED));
  EXPECT_TRUE(IsOk(Get(CountyAdmin(), draft.name())));
}

TEST_P(IndicatorLifecycleTest, DeleteOfPublishedOrRetiredSetsIsFailedPrecondition) {
  const v1::IndicatorSet published = MustPublished("510114", "pub-1");
  const v1::IndicatorSet retired = MustPublished("510114", "old-1");
  MustRetire(retired.name(), Day(2026, 12, 1));
  const std::string before = Snapshot().indicator_sets;
  EXPECT_TRUE(HasCode(Delete(CountyAdmin(), published.name()),
                      grpc::StatusCode::FAILED_PRECONDITION, "PUBLISHED"));
  EXPECT_TRUE(HasCode(Delete(CountyAdmin(), retired.name()), grpc::StatusCode::FAILED_PRECONDITION,
                      "RETIRED"));
  EXPECT_EQ(Snapshot().indicator_sets, before);
}

// ───────────────────────────── Publish ─────────────────────────────

TEST_P(IndicatorLifecycleTest, PublishMakesTheSetEffectiveFromToday) {
  const v1::IndicatorSet draft = MustCreate("510114", "2026-v1");
  clock_.Advance(absl::Minutes(3));
  v1::IndicatorSet published;
  ASSERT_TRUE(IsOk(Publish(CountyAdmin(), PublishRequest(draft.name()), &published)));
  EXPECT_EQ(published.state(), v1::IndicatorSet::PUBLISHED);
  EXPECT_TRUE(SameMessage(published.effective_from(), Day(2026, 11, 26)))
      << DayText(published.effective_from());
  EXPECT_FALSE(published.has_effective_until());
  EXPECT_EQ(published.publisher(), "admin-510114");
  EXPECT_EQ(published.publish_time().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(published.revision(), draft.revision() + 1);
  EXPECT_NE(published.etag(), draft.etag());
  EXPECT_TRUE(SameMessage(published.dimensions(0), draft.dimensions(0)));

  v1::IndicatorSet got;
  ASSERT_TRUE(IsOk(Get(Rater(), draft.name(), &got)));
  EXPECT_TRUE(SameMessage(got, published));
}

TEST_P(IndicatorLifecycleTest, TodayIsTheDayInChinaStandardTime) {
  // 00:30 in Beijing on 26 November is still 25 November in UTC.
  clock_.Set(Cst(2026, 11, 26, 0, 30));
  const v1::IndicatorSet early = MustCreate("510114", "early");
  v1::IndicatorSet published;
  ASSERT_TRUE(IsOk(Publish(CountyAdmin(), PublishRequest(early.name()), &published)));
  EXPECT_TRUE(SameMessage(published.effective_from(), Day(2026, 11, 26)))
      << DayText(published.effective_from());
  const v1::IndicatorSet late = MustCreate("510114", "late");
  EXPECT_TRUE(HasCode(Publish(CountyAdmin(), PublishRequest(late.name(), Day(2026, 11, 25))),
                      grpc::StatusCode::INVALID_ARGUMENT, "effective_from"));

  // 23:30 in Beijing on 26 November: still the 26th, although UTC agrees here.
  clock_.Set(Cst(2026, 11, 26, 23, 30));
  ASSERT_TRUE(IsOk(Publish(CountyAdmin(), PublishRequest(late.name()), &published)));
  EXPECT_TRUE(SameMessage(published.effective_from(), Day(2026, 11, 26)))
      << DayText(published.effective_from());
  // And resolving without a date means the Beijing day.
  v1::ResolvedCatalog resolved;
  ASSERT_TRUE(IsOk(Resolve(Rater(), ResolveRequest("510114"), &resolved)));
  EXPECT_TRUE(SameMessage(resolved.date(), Day(2026, 11, 26))) << DayText(resolved.date());
}

TEST_P(IndicatorLifecycleTest, PublishWithAFutureEffectiveFrom) {
  const v1::IndicatorSet draft = MustCreate("510114", "2027-v1");
  v1::IndicatorSet published;
  ASSERT_TRUE(
      IsOk(Publish(CountyAdmin(), PublishRequest(draft.name(), Day(2027, 1, 1)), &published)));
  EXPECT_TRUE(SameMessage(published.effective_from(), Day(2027, 1, 1)));
  EXPECT_EQ(ResolvedSet("510114"), "<FAILED_PRECONDITION>");
  EXPECT_EQ(ResolvedSet("510114", Day(2027, 1, 1)), draft.name());
}

TEST_P(IndicatorLifecycleTest, PublishRejectsAPastOrInvalidEffectiveFrom) {
  const v1::IndicatorSet draft = MustCreate("510114", "2026-v1");
  const Footprint before = Snapshot();
  EXPECT_TRUE(HasCode(Publish(CountyAdmin(), PublishRequest(draft.name(), Day(2026, 11, 25))),
                      grpc::StatusCode::INVALID_ARGUMENT, "effective_from"));
  EXPECT_TRUE(HasCode(Publish(CountyAdmin(), PublishRequest(draft.name(), Day(2026, 2, 30))),
                      grpc::StatusCode::INVALID_ARGUMENT, "effective_from"));
  EXPECT_TRUE(HasCode(Publish(CountyAdmin(), PublishRequest(draft.name(), Day(2026, 13, 1))),
                      grpc::StatusCode::INVALID_ARGUMENT, "effective_from"));
  const Footprint after = Snapshot();
  EXPECT_EQ(after.indicator_sets, before.indicator_sets);
  EXPECT_EQ(after.outbox_rows, before.outbox_rows);
  v1::IndicatorSet got;
  ASSERT_TRUE(IsOk(Get(CountyAdmin(), draft.name(), &got)));
  EXPECT_EQ(got.state(), v1::IndicatorSet::DRAFT);
}

TEST_P(IndicatorLifecycleTest, PublishingAnEmptyDraftIsFailedPrecondition) {
  v1::IndicatorSet empty;
  empty.set_display_name("空草稿");
  const v1::IndicatorSet draft = MustCreate("510114", "empty", empty);
  EXPECT_TRUE(HasCode(Publish(CountyAdmin(), PublishRequest(draft.name())),
                      grpc::StatusCode::FAILED_PRECONDITION, "dimensions"));
  v1::IndicatorSet got;
  ASSERT_TRUE(IsOk(Get(CountyAdmin(), draft.name(), &got)));
  EXPECT_EQ(got.state(), v1::IndicatorSet::DRAFT);
  EXPECT_EQ(CountRows("outbox"), 0);
}

TEST_P(IndicatorLifecycleTest, PublishingTwiceIsFailedPrecondition) {
  const v1::IndicatorSet published = MustPublished("510114", "2026-v1");
  EXPECT_TRUE(HasCode(Publish(CountyAdmin(), PublishRequest(published.name())),
                      grpc::StatusCode::FAILED_PRECONDITION, "PUBLISHED"));
  MustRetire(published.name());
  EXPECT_TRUE(HasCode(Publish(CountyAdmin(), PublishRequest(published.name())),
                      grpc::StatusCode::FAILED_PRECONDITION, "RETIRED"));
  EXPECT_EQ(CountRows("outbox"), 2);  // one publication, one retirement
}

TEST_P(IndicatorLifecycleTest, PublishWithAStaleEtagIsAborted) {
  const v1::IndicatorSet draft = MustCreate("510114", "2026-v1");
  v1::IndicatorSet patch;
  patch.set_name(draft.name());
  patch.set_display_name("changed meanwhile");
  ASSERT_TRUE(IsOk(Update(CountyAdmin(), UpdateRequest(patch, {"display_name"}))));
  v1::PublishIndicatorSetRequest request = PublishRequest(draft.name());
  request.set_etag(draft.etag());
  EXPECT_TRUE(HasCode(Publish(CountyAdmin(), request), grpc::StatusCode::ABORTED, "etag"));
  v1::IndicatorSet got;
  ASSERT_TRUE(IsOk(Get(CountyAdmin(), draft.name(), &got)));
  EXPECT_EQ(got.state(), v1::IndicatorSet::DRAFT);
  request.set_etag(got.etag());
  EXPECT_TRUE(IsOk(Publish(CountyAdmin(), request)));
}

TEST_P(IndicatorLifecycleTest, PublishEnqueuesIndicatorSetPublished) {
  const v1::IndicatorSet published = MustPublished("510114", "2026-v1", Day(2026, 12, 1));
  const std::vector<OutboxRow> rows = OutboxRows();
  ASSERT_EQ(rows.size(), 1u);
  const OutboxRow& row = rows[0];
  EXPECT_EQ(row.region_code, "510114");
  EXPECT_EQ(row.event_type, "kaoping.v1.IndicatorSetPublished");
  EXPECT_EQ(row.event.type(), "kaoping.v1.IndicatorSetPublished");
  EXPECT_EQ(row.event.region_code(), "510114");
  EXPECT_EQ(row.event.resource(), published.name());
  EXPECT_EQ(row.event.actor(), "admin-510114");
  EXPECT_FALSE(row.event.id().empty());
  v1::IndicatorSetPublished payload;
  ASSERT_TRUE(row.event.payload().UnpackTo(&payload));
  EXPECT_EQ(payload.indicator_set(), published.name());
  EXPECT_EQ(payload.revision(), published.revision());
  EXPECT_TRUE(SameMessage(payload.effective_from(), Day(2026, 12, 1)));

  // A city publication goes out in the city's region.
  const v1::IndicatorSet city = MustPublished("510100", "city-v1");
  const std::vector<OutboxRow> after = OutboxRows();
  ASSERT_EQ(after.size(), 2u);
  const OutboxRow& city_row = after[0].region_code == "510100" ? after[0] : after[1];
  const OutboxRow& county_row = after[0].region_code == "510100" ? after[1] : after[0];
  EXPECT_EQ(city_row.region_code, "510100");
  EXPECT_EQ(city_row.event.region_code(), "510100");
  EXPECT_EQ(city_row.event.resource(), city.name());
  EXPECT_EQ(county_row.event.resource(), published.name());
  EXPECT_NE(city_row.event.id(), county_row.event.id());
}

TEST_P(IndicatorLifecycleTest, APublishedSetNeverChanges) {
  const v1::IndicatorSet published = MustPublished("510114", "2026-v1", {}, SmallSetWithProfiles());
  const std::string before = Snapshot().indicator_sets;

  v1::IndicatorSet patch = SmallSet();
  patch.set_name(published.name());
  EXPECT_TRUE(HasCode(Update(CountyAdmin(), UpdateRequest(patch)),
                      grpc::StatusCode::FAILED_PRECONDITION, "PUBLISHED"));
  EXPECT_TRUE(HasCode(Delete(CountyAdmin(), published.name()),
                      grpc::StatusCode::FAILED_PRECONDITION, "PUBLISHED"));
  EXPECT_TRUE(HasCode(Publish(CountyAdmin(), PublishRequest(published.name(), Day(2027, 1, 1))),
                      grpc::StatusCode::FAILED_PRECONDITION, "PUBLISHED"));
  // A new draft may copy it: the copy changes, the original does not.
  v1::CreateIndicatorSetRequest copy = CreateRequest("510114", "2026-v2", {});
  copy.set_source(published.name());
  v1::IndicatorSet draft;
  ASSERT_TRUE(IsOk(Create(CountyAdmin(), copy, &draft)));
  draft.set_display_name("copy, edited");
  ASSERT_TRUE(IsOk(Update(CountyAdmin(), UpdateRequest(draft, {"display_name"}))));

  v1::IndicatorSet got;
  ASSERT_TRUE(IsOk(Get(CountyAdmin(), published.name(), &got)));
  EXPECT_TRUE(SameMessage(got, published));
  absl::StatusOr<v1::IndicatorSet> stored = Stored("510114", "2026-v1");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_TRUE(SameMessage(*stored, published));
}

// ───────────────────────────── Retire ─────────────────────────────

TEST_P(IndicatorLifecycleTest, RetireEndsAPublishedSet) {
  const v1::IndicatorSet published = MustPublished("510114", "2026-v1");
  clock_.Advance(absl::Hours(1));
  v1::IndicatorSet retired;
  ASSERT_TRUE(IsOk(Retire(CountyAdmin(), RetireRequest(published.name()), &retired)));
  EXPECT_EQ(retired.state(), v1::IndicatorSet::RETIRED);
  EXPECT_TRUE(SameMessage(retired.effective_until(), Day(2026, 11, 26)))
      << DayText(retired.effective_until());
  EXPECT_TRUE(SameMessage(retired.effective_from(), published.effective_from()));
  EXPECT_EQ(retired.retire_time().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(retired.revision(), published.revision() + 1);
  EXPECT_TRUE(SameMessage(retired.dimensions(0), published.dimensions(0)));

  v1::IndicatorSet got;
  ASSERT_TRUE(IsOk(Get(Rater(), published.name(), &got)));
  EXPECT_TRUE(SameMessage(got, retired));
}

TEST_P(IndicatorLifecycleTest, OnlyPublishedSetsCanBeRetired) {
  const v1::IndicatorSet draft = MustCreate("510114", "draft-1");
  EXPECT_TRUE(HasCode(Retire(CountyAdmin(), RetireRequest(draft.name())),
                      grpc::StatusCode::FAILED_PRECONDITION, "DRAFT"));
  const v1::IndicatorSet published = MustPublished("510114", "2026-v1");
  MustRetire(published.name(), Day(2026, 12, 31));
  EXPECT_TRUE(HasCode(Retire(CountyAdmin(), RetireRequest(published.name(), Day(2027, 1, 31))),
                      grpc::StatusCode::FAILED_PRECONDITION, "RETIRED"));
  EXPECT_TRUE(HasCode(Retire(CountyAdmin(), RetireRequest(SetName("510114", "no-such"))),
                      grpc::StatusCode::NOT_FOUND));
  absl::StatusOr<v1::IndicatorSet> stored = Stored("510114", "2026-v1");
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(SameMessage(stored->effective_until(), Day(2026, 12, 31)));
}

TEST_P(IndicatorLifecycleTest, RetireRejectsAPastDayOrADayBeforeEffectiveFrom) {
  const v1::IndicatorSet future = MustPublished("510114", "2027-v1", Day(2027, 1, 1));
  const v1::IndicatorSet current = MustPublished("510114", "2026-v1");
  const Footprint before = Snapshot();
  // Before effective_from.
  EXPECT_TRUE(HasCode(Retire(CountyAdmin(), RetireRequest(future.name(), Day(2026, 12, 15))),
                      grpc::StatusCode::INVALID_ARGUMENT, "effective_until"));
  // Today is before this one's effective_from too.
  EXPECT_TRUE(HasCode(Retire(CountyAdmin(), RetireRequest(future.name())),
                      grpc::StatusCode::INVALID_ARGUMENT, "effective_until"));
  // In the past.
  EXPECT_TRUE(HasCode(Retire(CountyAdmin(), RetireRequest(current.name(), Day(2026, 11, 25))),
                      grpc::StatusCode::INVALID_ARGUMENT, "effective_until"));
  // Not a date.
  EXPECT_TRUE(HasCode(Retire(CountyAdmin(), RetireRequest(current.name(), Day(2026, 11, 31))),
                      grpc::StatusCode::INVALID_ARGUMENT, "effective_until"));
  const Footprint after = Snapshot();
  EXPECT_EQ(after.indicator_sets, before.indicator_sets);
  EXPECT_EQ(after.outbox_rows, before.outbox_rows);
  // Retiring on its first day is allowed: it then never applied.
  EXPECT_TRUE(IsOk(Retire(CountyAdmin(), RetireRequest(future.name(), Day(2027, 1, 1)))));
}

TEST_P(IndicatorLifecycleTest, RetireEnqueuesIndicatorSetRetired) {
  const v1::IndicatorSet published = MustPublished("510114", "2026-v1");
  const v1::IndicatorSet retired = MustRetire(published.name(), Day(2027, 1, 1));
  const std::vector<OutboxRow> rows = OutboxRows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].event_type, "kaoping.v1.IndicatorSetPublished");
  EXPECT_EQ(rows[1].event_type, "kaoping.v1.IndicatorSetRetired");
  EXPECT_EQ(rows[1].region_code, "510114");
  EXPECT_EQ(rows[1].event.resource(), published.name());
  EXPECT_EQ(rows[1].event.actor(), "admin-510114");
  v1::IndicatorSetRetired payload;
  ASSERT_TRUE(rows[1].event.payload().UnpackTo(&payload));
  EXPECT_EQ(payload.indicator_set(), published.name());
  EXPECT_EQ(payload.revision(), retired.revision());
  EXPECT_TRUE(SameMessage(payload.effective_until(), Day(2027, 1, 1)));
}

}  // namespace
}  // namespace kaoping::indicators::testing
