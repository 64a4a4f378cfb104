// The shared API helpers the services call for the shape rules: names in a
// request body, byte-bounded pages, views, nested update masks.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kaoping/v1/evaluations.pb.h"
#include "kaoping/v1/indicators.pb.h"
#include "services/common/api/body_names.h"
#include "services/common/api/pagination.h"
#include "services/common/api/update_mask.h"
#include "services/common/api/view.h"

namespace kaoping {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr absl::string_view kSubject = "regions/{region}/campaigns/{campaign}/subjects/{subject}";

// ---- a foreign name in a body is refused ----

TEST(BodyNamesTest, ANameOfTheSameRegionAndCampaignIsParsed) {
  auto parts = CheckBodyName("form.subject", "regions/510114/campaigns/2026-annual/subjects/c-17",
                             kSubject, {"510114", "2026-annual", ""});
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_EQ(parts->at("subject"), "c-17");
  EXPECT_EQ(parts->at("campaign"), "2026-annual");
}

TEST(BodyNamesTest, ANameOfAnotherRegionIsRefusedNamingTheField) {
  auto parts = CheckBodyName("form.subject", "regions/510115/campaigns/2026-annual/subjects/c-17",
                             kSubject, {"510114", "2026-annual", ""});
  EXPECT_EQ(parts.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(parts.status().message()),
              HasSubstr("form.subject: \"regions/510115/campaigns/2026-annual/subjects/c-17\" is "
                        "not in region 510114"));
}

TEST(BodyNamesTest, ANameOfAnotherCampaignIsRefused) {
  auto parts = CheckBodyName("form.subject", "regions/510114/campaigns/2025-annual/subjects/c-17",
                             kSubject, {"510114", "2026-annual", ""});
  EXPECT_EQ(parts.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(parts.status().message()),
              HasSubstr("is not in regions/510114/campaigns/2026-annual"));
}

TEST(BodyNamesTest, AnEntryOfAnotherCadresArchiveIsRefused) {
  const PathScope scope{"510114", "", "c-17"};
  constexpr absl::string_view kEntry = "regions/{region}/cadres/{cadre}/archive/entries/{entry}";
  EXPECT_TRUE(CheckBodyName("decision.archive_entry",
                            "regions/510114/cadres/c-17/archive/entries/e-1", kEntry, scope)
                  .ok());
  EXPECT_EQ(CheckBodyName("decision.archive_entry",
                          "regions/510114/cadres/c-18/archive/entries/e-1", kEntry, scope)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BodyNamesTest, MalformedNamesAreRefusedAndOptionalOnesMayBeEmpty) {
  const PathScope scope{"510114", "", ""};
  for (const char* bad : {"regions/510114/campaigns/a/subjects", "regions/51011/cadres/c-1",
                          "regions/510114/cadres/C-1", "regions/510114/units/u-1",
                          "regions/510114/cadres/c-1/extra"}) {
    EXPECT_EQ(
        CheckBodyName("lead.cadre", bad, "regions/{region}/cadres/{cadre}", scope).status().code(),
        absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_TRUE(
      CheckOptionalBodyName("lead.campaign", "", "regions/{region}/campaigns/{campaign}", scope)
          .ok());
  google::protobuf::RepeatedPtrField<std::string> names;
  names.Add("regions/510114/cadres/c-1");
  names.Add("regions/510199/cadres/c-2");
  const absl::Status st = CheckBodyNames("names", names, "regions/{region}/cadres/{cadre}", scope);
  EXPECT_THAT(std::string(st.message()), HasSubstr("names[1]:"));
}

// ---- pages are bounded by bytes as well as by page_size ----

v1::IndicatorSet SetOfBytes(const std::string& id, size_t bytes) {
  v1::IndicatorSet set;
  set.set_name("regions/510114/indicatorSets/" + id);
  set.set_description(std::string(bytes, 'x'));
  return set;
}

TEST(PaginationTest, APageEndsEarlyWhenTheNextItemWouldPassTheByteLimit) {
  std::vector<v1::IndicatorSet> sets;
  for (int i = 0; i < 11; ++i) {
    sets.push_back(SetOfBytes("s" + std::to_string(i), 300 * 1024));
  }
  const PageRequest request{10, ""};
  const auto page =
      CutPage(std::move(sets), request, "fp", [](const v1::IndicatorSet& s) { return s.name(); });
  // 2 MiB holds six sets of 300 KiB, not seven.
  EXPECT_EQ(page.items.size(), 6u);
  ASSERT_FALSE(page.next_page_token.empty());
  auto next = ParsePageRequest(10, page.next_page_token, "fp");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->after_key, "regions/510114/indicatorSets/s5");
}

TEST(PaginationTest, AnItemLargerThanThePageStillMovesTheListingForward) {
  std::vector<v1::IndicatorSet> sets = {SetOfBytes("big", 3 << 20), SetOfBytes("small", 10)};
  const auto page = CutPage(std::move(sets), PageRequest{50, ""}, "fp",
                            [](const v1::IndicatorSet& s) { return s.name(); });
  EXPECT_EQ(page.items.size(), 1u);
  EXPECT_FALSE(page.next_page_token.empty());
}

TEST(PaginationTest, TheLastPageHasNoToken) {
  std::vector<v1::IndicatorSet> sets = {SetOfBytes("a", 10), SetOfBytes("b", 10)};
  const auto page = CutPage(std::move(sets), PageRequest{2, ""}, "fp",
                            [](const v1::IndicatorSet& s) { return s.name(); });
  EXPECT_EQ(page.items.size(), 2u);
  EXPECT_TRUE(page.next_page_token.empty());
  // limit + 1 rows read: the extra one only says that more follow.
  std::vector<v1::IndicatorSet> three = {SetOfBytes("a", 10), SetOfBytes("b", 10),
                                         SetOfBytes("c", 10)};
  const auto first = CutPage(std::move(three), PageRequest{2, ""}, "fp",
                             [](const v1::IndicatorSet& s) { return s.name(); });
  EXPECT_EQ(first.items.size(), 2u);
  EXPECT_FALSE(first.next_page_token.empty());
}

// ---- views ----

TEST(ViewTest, ListsDefaultToBasicAndGetsToFull) {
  EXPECT_EQ(*ListView("view", v1::VIEW_UNSPECIFIED), ViewKind::kBasic);
  EXPECT_EQ(*GetView("view", v1::VIEW_UNSPECIFIED), ViewKind::kFull);
  EXPECT_EQ(*ListView("view", v1::FULL), ViewKind::kFull);
  EXPECT_EQ(ListView("view", static_cast<v1::View>(9)).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::IndicatorSet set = SetOfBytes("a", 10);
  set.add_dimensions()->set_title("政治忠诚");
  set.add_profiles()->set_title("一把手");
  v1::IndicatorSet full = set;
  ApplyView(ViewKind::kFull, {"dimensions", "profiles"}, full);
  EXPECT_EQ(full.dimensions_size(), 1);
  ApplyView(ViewKind::kBasic, {"dimensions", "profiles"}, set);
  EXPECT_EQ(set.dimensions_size(), 0);
  EXPECT_EQ(set.profiles_size(), 0);
  EXPECT_EQ(set.description(), std::string(10, 'x'));
}

// ---- nested update-mask paths ----

const std::vector<std::string>& CampaignUpdatable() {
  static const auto* paths =
      new std::vector<std::string>{"display_name", "description", "window_end_time", "scoring"};
  return *paths;
}

TEST(UpdateMaskTest, ANestedPathUpdatesOneFieldOfAMessage) {
  v1::Campaign stored;
  stored.mutable_scoring()->set_trim_fraction(0.1);
  stored.mutable_scoring()->set_top_grade_quota(0.3);
  v1::Campaign patch;
  patch.mutable_scoring()->set_top_grade_quota(0.25);
  google::protobuf::FieldMask mask;
  mask.add_paths("scoring.top_grade_quota");
  auto paths = ResolveUpdateMask(mask, patch, CampaignUpdatable());
  ASSERT_TRUE(paths.ok()) << paths.status();
  ApplyUpdateMask(*paths, patch, stored);
  EXPECT_DOUBLE_EQ(stored.scoring().top_grade_quota(), 0.25);
  EXPECT_DOUBLE_EQ(stored.scoring().trim_fraction(), 0.1);  // untouched

  // The parent path replaces the whole message: an unset field is cleared.
  mask.set_paths(0, "scoring");
  ApplyUpdateMask(*ResolveUpdateMask(mask, patch, CampaignUpdatable()), patch, stored);
  EXPECT_FALSE(stored.scoring().has_trim_fraction());
}

TEST(UpdateMaskTest, AnEmptyMaskTakesThePopulatedLeavesOnly) {
  v1::Campaign patch;
  patch.set_display_name("2026年度考核");
  patch.mutable_scoring()->set_trim_fraction(0.2);
  auto paths = ResolveUpdateMask(google::protobuf::FieldMask(), patch, CampaignUpdatable());
  ASSERT_TRUE(paths.ok());
  EXPECT_THAT(*paths, UnorderedElementsAre("display_name", "scoring.trim_fraction"));
}

TEST(UpdateMaskTest, ANestedPathOfAnInvitationsRater) {
  const std::vector<std::string> updatable = {"rater.display_name", "rater.phone", "channel"};
  v1::Invitation stored;
  stored.mutable_rater()->set_display_name("张三");
  stored.mutable_rater()->set_phone("13800000000");
  v1::Invitation patch;
  patch.mutable_rater()->set_phone("13900000000");
  google::protobuf::FieldMask mask;
  mask.add_paths("rater.phone");
  ApplyUpdateMask(*ResolveUpdateMask(mask, patch, updatable), patch, stored);
  EXPECT_EQ(stored.rater().phone(), "13900000000");
  EXPECT_EQ(stored.rater().display_name(), "张三");

  // rater.cadre is not updatable, nor is a path that names no field.
  for (const char* bad : {"rater.cadre", "rater", "rater.phone.x", "scoring.trim_fraction"}) {
    mask.set_paths(0, bad);
    auto refused = ResolveUpdateMask(mask, patch, updatable);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(refused.status().message()), HasSubstr("update_mask.paths[0]"));
  }
}

TEST(UpdateMaskTest, AStarReplacesEveryUpdatablePath) {
  v1::Campaign stored;
  stored.set_description("old");
  stored.mutable_scoring()->set_trim_fraction(0.1);
  v1::Campaign patch;
  patch.set_display_name("new");
  google::protobuf::FieldMask mask;
  mask.add_paths("*");
  ApplyUpdateMask(*ResolveUpdateMask(mask, patch, CampaignUpdatable()), patch, stored);
  EXPECT_EQ(stored.display_name(), "new");
  EXPECT_EQ(stored.description(), "");
  EXPECT_FALSE(stored.has_scoring());
}

}  // namespace
}  // namespace kaoping
