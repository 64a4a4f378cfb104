// Resource names, regions, pagination tokens, etags, update masks, dates.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kaoping/v1/indicators.pb.h"
#include "services/common/api/date.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/auth/principal.h"
#include "services/common/region.h"

namespace kaoping {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(RegionTest, CodesAndTheirHierarchy) {
  EXPECT_TRUE(IsValidRegionCode("510114"));
  EXPECT_FALSE(IsValidRegionCode("51011"));
  EXPECT_FALSE(IsValidRegionCode("51011x"));
  EXPECT_FALSE(IsValidRegionCode("000000"));
  EXPECT_EQ(RegionPrefix("510000"), "51");
  EXPECT_EQ(RegionPrefix("510100"), "5101");
  EXPECT_EQ(RegionPrefix("510114"), "510114");
  EXPECT_THAT(EnclosingRegions("510114"), ElementsAre("510100", "510000"));
  EXPECT_THAT(EnclosingRegions("510100"), ElementsAre("510000"));
  EXPECT_TRUE(EnclosingRegions("510000").empty());
}

TEST(QuoteInputTest, ControlCharactersFromCallersAreEscapedInErrorMessages) {
  EXPECT_EQ(QuoteInput("2026-v1"), "\"2026-v1\"");
  EXPECT_EQ(QuoteInput("a\nb\x1b[31mred\t\"q\"\\"), R"("a\nb\x1b[31mred\t\"q\"\\")");
  EXPECT_EQ(QuoteInput("\x7f\xc2\x85\xe2\x80\xae\xff"), R"("\x7f\u0085\u202e\xff")");
  EXPECT_EQ(QuoteInput("政治忠诚"), "\"政治忠诚\"");
  // A name in an error: one line, no escape sequence reaches a terminal.
  auto parsed =
      ParseRegionChild("name", "regions/510114/indicatorSets/x\n\x1b[2J", "indicatorSets");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr(R"("x\n\x1b[2J")"));
  for (char c : parsed.status().message()) {
    EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20) << "raw control character in the message";
  }
  // Long input is cut before escaping, on a character boundary.
  const std::string quoted = QuoteInput(std::string(100, '\n'));
  EXPECT_THAT(quoted, HasSubstr("(100 bytes)"));
  EXPECT_EQ(quoted.find('\n'), std::string::npos);
}

TEST(PrincipalTest, RegionScoping) {
  Principal county;
  county.region_prefixes = {"510114"};
  Principal city;
  city.region_prefixes = {"5101"};
  EXPECT_TRUE(county.CoversRegion("510114"));
  EXPECT_FALSE(county.CoversRegion("510107"));
  EXPECT_FALSE(county.CoversRegion("510100"));
  EXPECT_TRUE(county.IsWithinRegion("510100"));
  EXPECT_TRUE(county.IsWithinRegion("510000"));
  EXPECT_FALSE(county.IsWithinRegion("520000"));
  EXPECT_TRUE(city.CoversRegion("510114"));
  EXPECT_TRUE(city.CoversRegion("510100"));
  EXPECT_FALSE(city.CoversRegion("510000"));
  auto st = RequireRegion(county, "510107", "regions/510107/indicatorSets/x");
  EXPECT_EQ(st.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(st.message(), "regions/510107/indicatorSets/x not found");
}

TEST(ResourceNameTest, ParsesAndNamesTheFieldOnError) {
  EXPECT_EQ(*ParseRegionName("parent", "regions/510114"), "510114");
  auto bad = ParseRegionName("parent", "regions/5101");
  EXPECT_THAT(bad.status().message(), HasSubstr("parent: "));
  auto child = ParseRegionChild("name", "regions/510114/indicatorSets/2026-v1", "indicatorSets");
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->region_code, "510114");
  EXPECT_EQ(child->id, "2026-v1");
  for (const char* wrong :
       {"regions/510114/campaigns/x", "regions/510114/indicatorSets/",
        "regions/510114/indicatorSets/UPPER", "regions/510114/indicatorSets/a/b", "indicatorSets/x",
        "regions/510114/indicatorSets/-x"}) {
    EXPECT_EQ(ParseRegionChild("name", wrong, "indicatorSets").status().code(),
              absl::StatusCode::kInvalidArgument)
        << wrong;
  }
  EXPECT_TRUE(ValidateResourceId("id", "2026-annual").ok());
  EXPECT_FALSE(ValidateResourceId("id", std::string(64, 'a')).ok());
  EXPECT_FALSE(ValidateResourceId("id", "a_b").ok());
}

TEST(PaginationTest, TokensRoundTripAndAreBoundToTheirQuery) {
  auto first = ParsePageRequest(0, "", "q1");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->limit, kDefaultPageSize);
  EXPECT_EQ(ParsePageRequest(5000, "", "q1")->limit, kMaxPageSize);
  EXPECT_FALSE(ParsePageRequest(-1, "", "q1").ok());
  const std::string token = MakePageToken("set-7|x", "q1");
  EXPECT_EQ(ParsePageRequest(10, token, "q1")->after_key, "set-7|x");
  auto other = ParsePageRequest(10, token, "q2");
  EXPECT_THAT(other.status().message(), HasSubstr("page_token"));
  EXPECT_FALSE(ParsePageRequest(10, "%%%", "q1").ok());
}

TEST(ResourceMetaTest, EtagsAndUpdateMasks) {
  google::protobuf::Timestamp created;
  created.set_seconds(100);
  const std::string e1 = ComputeEtag("regions/510114/x/a", 1, created);
  EXPECT_NE(e1, ComputeEtag("regions/510114/x/a", 2, created));
  created.set_seconds(101);
  EXPECT_NE(e1, ComputeEtag("regions/510114/x/a", 1, created)) << "a re-created resource differs";
  EXPECT_TRUE(CheckEtag("etag", "", e1, "n").ok());
  EXPECT_TRUE(CheckEtag("etag", e1, e1, "n").ok());
  EXPECT_EQ(CheckEtag("etag", "stale", e1, "n").code(), absl::StatusCode::kAborted);

  const std::vector<std::string> updatable = {"display_name", "description", "dimensions"};
  v1::IndicatorSet patch;
  patch.set_display_name("x");
  google::protobuf::FieldMask mask;
  // No mask: what the patch populates, and nothing else (AIP-134).
  EXPECT_THAT(*ResolveUpdateMask(mask, patch, updatable),
              ::testing::UnorderedElementsAre("display_name"));
  patch.add_dimensions();
  EXPECT_THAT(*ResolveUpdateMask(mask, patch, updatable),
              ::testing::UnorderedElementsAre("display_name", "dimensions"));
  mask.add_paths("*");
  EXPECT_EQ(ResolveUpdateMask(mask, patch, updatable)->size(), 3u);
  mask.clear_paths();
  mask.add_paths("description");
  EXPECT_THAT(*ResolveUpdateMask(mask, patch, updatable),
              ::testing::UnorderedElementsAre("description"));
  mask.add_paths("state");
  auto bad = ResolveUpdateMask(mask, patch, updatable);
  EXPECT_THAT(bad.status().message(), HasSubstr("update_mask.paths[1]"));
}

TEST(DateTest, ValidatesCalendarDatesAndUsesChinaTime) {
  google::type::Date d;
  d.set_year(2026);
  d.set_month(2);
  d.set_day(30);
  auto bad = DateToCivilDay("date", d);
  EXPECT_THAT(bad.status().message(), HasSubstr("date: 2026-02-30"));
  d.set_day(28);
  EXPECT_EQ(FormatDay(*DateToCivilDay("date", d)), "2026-02-28");
  // 2026-11-26 17:00 UTC is already the 27th in Beijing.
  FakeClock clock(absl::FromCivil(absl::CivilSecond(2026, 11, 26, 17, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(FormatDay(Today(clock)), "2026-11-27");
}

}  // namespace
}  // namespace kaoping
