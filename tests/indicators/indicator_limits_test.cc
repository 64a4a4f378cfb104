// Every answer fits (issue 6): what a client may send is bounded by
// documented limits that validation enforces, and a List page is bounded by
// bytes as well as by page_size, so that large drafts can neither be
// stored without bound nor make a whole region's list fail.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/common/api/pagination.h"
#include "tests/indicators/service_fixture.h"

namespace kaoping::indicators::testing {
namespace {

using ::testing::SizeIs;

class IndicatorLimitsTest : public IndicatorServiceTest {};

INSTANTIATE_TEST_SUITE_P(Stores, IndicatorLimitsTest,
                         ::testing::Values(::kaoping::testing::StoreKind::kSqlite,
                                           ::kaoping::testing::StoreKind::kPostgres),
                         StoreName);

// A profile for `tier` adding `count` LOYALTY criteria with descriptions
// of `description_bytes` ASCII characters.
v1::Profile AddingProfile(v1::PostTier tier, int count, size_t description_bytes) {
  v1::Profile profile;
  profile.set_post_tier(tier);
  profile.set_title(absl::StrCat("profile ", tier));
  for (int i = 0; i < count; ++i) {
    v1::Criterion* c = profile.add_added_criteria();
    c->set_id(absl::StrCat("t", tier, "-", i));
    c->set_dimension(v1::LOYALTY);
    c->set_title("新增标准");
    c->set_description(std::string(description_bytes, 'x'));
    c->set_weight(1);
  }
  return profile;
}

// A valid draft of about 0.8 MiB: four tier profiles of 100 criteria each.
v1::IndicatorSet LargeDraft() {
  v1::IndicatorSet set = SmallSet();
  for (v1::PostTier tier : {v1::PRINCIPAL, v1::DEPUTY, v1::FRONTLINE, v1::STAFF}) {
    *set.add_profiles() = AddingProfile(tier, 100, 1950);
  }
  return set;
}

TEST_P(IndicatorLimitsTest, ADraftAddingTenThousandCriteriaIsRefusedNamingTheField) {
  v1::IndicatorSet huge = SmallSet();
  *huge.add_profiles() = AddingProfile(v1::PRINCIPAL, 10000, 0);
  const Footprint before = Snapshot();
  EXPECT_TRUE(HasCode(Create(CountyAdmin(), CreateRequest("510114", "huge", huge)),
                      grpc::StatusCode::INVALID_ARGUMENT,
                      "indicator_set.profiles[0].added_criteria: at most 100 entries, got 10000"));
  EXPECT_EQ(Snapshot().indicator_sets, before.indicator_sets);

  // The same through an update of an existing draft.
  const v1::IndicatorSet draft = MustCreate("510114", "draft");
  v1::IndicatorSet patch;
  patch.set_name(draft.name());
  *patch.mutable_profiles() = huge.profiles();
  EXPECT_TRUE(HasCode(Update(CountyAdmin(), UpdateRequest(patch, {"profiles"})),
                      grpc::StatusCode::INVALID_ARGUMENT,
                      "indicator_set.profiles[0].added_criteria"));
}

TEST_P(IndicatorLimitsTest, ARegionWithManyLargeDraftsListsFine) {
  constexpr int kDrafts = 12;
  const v1::IndicatorSet content = LargeDraft();
  ASSERT_GT(content.ByteSizeLong(), size_t{750} << 10);
  std::vector<std::string> names;
  for (int i = 0; i < kDrafts; ++i) {
    names.push_back(MustCreate("510114", absl::StrCat("large-", 10 + i), content).name());
  }

  // The default (BASIC) view: every set on one page, without its content.
  v1::ListIndicatorSetsResponse basic;
  ASSERT_TRUE(IsOk(List(CountyAdmin(), ListRequest("510114"), &basic)));
  EXPECT_THAT(Names(basic), ::testing::ElementsAreArray(names));
  EXPECT_TRUE(basic.next_page_token().empty());
  for (const v1::IndicatorSet& set : basic.indicator_sets()) {
    EXPECT_EQ(set.dimensions_size(), 0);
    EXPECT_EQ(set.profiles_size(), 0);
    EXPECT_FALSE(set.display_name().empty());
  }

  // FULL: pages end early at 2 MiB and together list every set whole.
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListIndicatorSetsRequest request =
        ListRequest("510114", v1::IndicatorSet::STATE_UNSPECIFIED, 1000, token);
    request.set_view(v1::FULL);
    v1::ListIndicatorSetsResponse page;
    ASSERT_TRUE(IsOk(List(CountyAdmin(), request, &page)));
    EXPECT_LE(page.ByteSizeLong(), kMaxPageBytes + 64);
    EXPECT_GE(page.indicator_sets_size(), 1);
    for (const v1::IndicatorSet& set : page.indicator_sets()) {
      EXPECT_THAT(set.profiles(), SizeIs(4));
      seen.push_back(set.name());
    }
    token = page.next_page_token();
    ASSERT_LE(++pages, kDrafts) << "pagination does not end";
  } while (!token.empty());
  EXPECT_THAT(seen, ::testing::ElementsAreArray(names));
  EXPECT_GE(pages, 6);  // at most two sets of 0.8 MiB per 2 MiB page
}

TEST_P(IndicatorLimitsTest, GetReturnsTheWholeSetUnlessBasicIsAsked) {
  const v1::IndicatorSet draft = MustCreate("510114", "draft");
  v1::IndicatorSet full;
  ASSERT_TRUE(IsOk(Get(CountyAdmin(), draft.name(), &full)));
  EXPECT_EQ(full.dimensions_size(), 5);

  v1::GetIndicatorSetRequest request;
  request.set_name(draft.name());
  request.set_view(v1::BASIC);
  v1::IndicatorSet basic;
  ASSERT_TRUE(
      IsOk(stub_->GetIndicatorSet(harness_->Context(CountyAdmin()).get(), request, &basic)));
  EXPECT_EQ(basic.dimensions_size(), 0);
  EXPECT_EQ(basic.etag(), full.etag());

  request.set_view(static_cast<v1::View>(7));
  EXPECT_TRUE(
      HasCode(stub_->GetIndicatorSet(harness_->Context(CountyAdmin()).get(), request, &basic),
              grpc::StatusCode::INVALID_ARGUMENT, "view"));
}

}  // namespace
}  // namespace kaoping::indicators::testing
