// The rules an editable indicator set obeys (ValidateIndicatorSet) and what
// publishing adds (ValidatePublishable): each broken rule is refused with
// INVALID_ARGUMENT naming the field path, so that an editor can find it.
#include "services/indicators/catalog_validation.h"

#include <cmath>
#include <limits>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/indicators/default_catalog.h"
#include "tests/indicators/test_catalogs.h"

namespace kaoping::indicators {
namespace {

using testing::EducationProfile;
using ::testing::HasSubstr;
using testing::PrincipalProfile;
using testing::SetDimensionWeights;
using testing::SmallSet;
using testing::SmallSetWithProfiles;
using ::testing::StartsWith;

constexpr char kPrefix[] = "indicator_set";

// The set is refused as INVALID_ARGUMENT, the message starting with the
// field path ("<path>: <problem>").
void ExpectInvalidAt(const v1::IndicatorSet& set, const std::string& path) {
  const absl::Status status = ValidateIndicatorSet(kPrefix, set);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), StartsWith(path + ": ")) << status;
}

TEST(CatalogValidationTest, ShippedDefaultCatalogIsValidAndPublishable) {
  absl::StatusOr<v1::IndicatorSet> catalog = DefaultCatalog();
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_TRUE(ValidateIndicatorSet(kPrefix, *catalog).ok())
      << ValidateIndicatorSet(kPrefix, *catalog);
  EXPECT_TRUE(ValidatePublishable(kPrefix, *catalog).ok())
      << ValidatePublishable(kPrefix, *catalog);
  // What catalog/README.md promises: five dimensions of five criteria and
  // fifteen negative items each, four tier and six sector profiles.
  ASSERT_EQ(catalog->dimensions_size(), 5);
  for (const v1::DimensionSpec& spec : catalog->dimensions()) {
    EXPECT_EQ(spec.criteria_size(), 5) << v1::Dimension_Name(spec.dimension());
    EXPECT_EQ(spec.negative_items_size(), 15) << v1::Dimension_Name(spec.dimension());
  }
  EXPECT_EQ(catalog->profiles_size(), 10);
  // Output-only fields are the server's to fill.
  EXPECT_TRUE(catalog->name().empty());
  EXPECT_EQ(catalog->state(), v1::IndicatorSet::STATE_UNSPECIFIED);
  EXPECT_EQ(catalog->revision(), 0);
}

TEST(CatalogValidationTest, SmallSetsAreValidAndPublishable) {
  EXPECT_TRUE(ValidateIndicatorSet(kPrefix, SmallSet()).ok());
  EXPECT_TRUE(ValidatePublishable(kPrefix, SmallSet()).ok());
  EXPECT_TRUE(ValidateIndicatorSet(kPrefix, SmallSetWithProfiles()).ok())
      << ValidateIndicatorSet(kPrefix, SmallSetWithProfiles());
  EXPECT_TRUE(ValidatePublishable(kPrefix, SmallSetWithProfiles()).ok());
}

TEST(CatalogValidationTest, ErrorsNameTheFieldFromTheGivenPrefix) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(3)->mutable_criteria(1)->set_weight(0);
  const absl::Status status = ValidateIndicatorSet("request.body", set);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              StartsWith("request.body.dimensions[3].criteria[1].weight: "));
}

TEST(CatalogValidationTest, EmptyDraftIsValidButNotPublishable) {
  v1::IndicatorSet set;
  set.set_display_name("草稿");
  EXPECT_TRUE(ValidateIndicatorSet(kPrefix, set).ok()) << ValidateIndicatorSet(kPrefix, set);
  const absl::Status status = ValidatePublishable(kPrefix, set);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("indicator_set.dimensions"));
}

TEST(CatalogValidationTest, PublishableStillChecksTheContent) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(0)->set_weight(0.3);
  const absl::Status status = ValidatePublishable(kPrefix, set);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), StartsWith("indicator_set.dimensions: "));
}

TEST(CatalogValidationTest, DisplayNameIsRequired) {
  v1::IndicatorSet set = SmallSet();
  set.clear_display_name();
  ExpectInvalidAt(set, "indicator_set.display_name");
}

TEST(CatalogValidationTest, TitlesCountCharactersNotBytes) {
  v1::IndicatorSet set = SmallSet();
  std::string title;
  for (int i = 0; i < 200; ++i) {
    title += "政";  // 3 bytes each
  }
  set.set_display_name(title);
  EXPECT_TRUE(ValidateIndicatorSet(kPrefix, set).ok()) << ValidateIndicatorSet(kPrefix, set);
  set.set_display_name(title + "治");
  ExpectInvalidAt(set, "indicator_set.display_name");
}

TEST(CatalogValidationTest, UnspecifiedDimensionIsRefused) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(2)->set_dimension(v1::DIMENSION_UNSPECIFIED);
  ExpectInvalidAt(set, "indicator_set.dimensions[2].dimension");
}

TEST(CatalogValidationTest, OutOfRangeDimensionNumberIsRefused) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(4)->set_dimension(static_cast<v1::Dimension>(9));
  ExpectInvalidAt(set, "indicator_set.dimensions[4].dimension");
  set.mutable_dimensions(4)->set_dimension(static_cast<v1::Dimension>(-1));
  ExpectInvalidAt(set, "indicator_set.dimensions[4].dimension");
}

TEST(CatalogValidationTest, DimensionTwiceIsRefused) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(3)->set_dimension(v1::LOYALTY);
  ExpectInvalidAt(set, "indicator_set.dimensions[3].dimension");
  EXPECT_THAT(std::string(ValidateIndicatorSet(kPrefix, set).message()),
              HasSubstr("LOYALTY appears twice"));
}

TEST(CatalogValidationTest, MissingDimensionIsRefusedByName) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions()->RemoveLast();  // SELF_DISCIPLINE
  // Keep the weights summing to 1, so that only the missing dimension is wrong.
  set.mutable_dimensions(0)->set_weight(0.4);
  ExpectInvalidAt(set, "indicator_set.dimensions");
  EXPECT_THAT(std::string(ValidateIndicatorSet(kPrefix, set).message()),
              HasSubstr("SELF_DISCIPLINE"));
}

TEST(CatalogValidationTest, DimensionWithoutCriteriaIsRefused) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(1)->clear_criteria();
  ExpectInvalidAt(set, "indicator_set.dimensions[1].criteria");
}

TEST(CatalogValidationTest, DuplicateCriterionIdWithinADimensionIsRefused) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(0)->mutable_criteria(1)->set_id("loyalty-c1");
  ExpectInvalidAt(set, "indicator_set.dimensions[0].criteria[1].id");
  // The message points at the first use too.
  EXPECT_THAT(std::string(ValidateIndicatorSet(kPrefix, set).message()),
              HasSubstr("indicator_set.dimensions[0].criteria[0].id"));
}

TEST(CatalogValidationTest, DuplicateIdAcrossDimensionsIsRefused) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(2)->mutable_criteria(0)->set_id("loyalty-c2");
  ExpectInvalidAt(set, "indicator_set.dimensions[2].criteria[0].id");
}

TEST(CatalogValidationTest, NegativeItemIdCollidingWithACriterionIsRefused) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(3)->mutable_negative_items(0)->set_id("capability-c1");
  ExpectInvalidAt(set, "indicator_set.dimensions[3].negative_items[0].id");
}

TEST(CatalogValidationTest, DuplicateIdBetweenBaseAndProfileAdditionIsRefused) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  // profiles[1] is the PRINCIPAL profile.
  set.mutable_profiles(1)->mutable_added_criteria(0)->set_id("responsibility-c1");
  ExpectInvalidAt(set, "indicator_set.profiles[1].added_criteria[0].id");

  v1::IndicatorSet items = SmallSetWithProfiles();
  items.mutable_profiles(0)->mutable_added_negative_items(0)->set_id("loyalty-n1");
  ExpectInvalidAt(items, "indicator_set.profiles[0].added_negative_items[0].id");
}

TEST(CatalogValidationTest, DuplicateIdBetweenTwoProfilesIsRefused) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  set.mutable_profiles(1)->mutable_added_criteria(0)->set_id("education-c1");
  ExpectInvalidAt(set, "indicator_set.profiles[1].added_criteria[0].id");
}

TEST(CatalogValidationTest, BadIdCharactersAreRefused) {
  const std::string too_long(64, 'a');
  for (const std::string& bad :
       {std::string("Loyalty-1"), std::string("loyalty_1"), std::string("-loyalty"),
        std::string("loyalty 1"), std::string("忠诚-1"), std::string(""), too_long}) {
    SCOPED_TRACE(bad);
    v1::IndicatorSet set = SmallSet();
    set.mutable_dimensions(1)->mutable_criteria(0)->set_id(bad);
    ExpectInvalidAt(set, "indicator_set.dimensions[1].criteria[0].id");
  }
  // 63 characters and digits first are fine.
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(1)->mutable_criteria(0)->set_id(std::string(63, 'a'));
  set.mutable_dimensions(1)->mutable_criteria(1)->set_id("2026-x");
  EXPECT_TRUE(ValidateIndicatorSet(kPrefix, set).ok()) << ValidateIndicatorSet(kPrefix, set);
}

TEST(CatalogValidationTest, DimensionWeightsNotSummingToOneAreRefused) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(0)->set_weight(0.25);
  ExpectInvalidAt(set, "indicator_set.dimensions");
  EXPECT_THAT(std::string(ValidateIndicatorSet(kPrefix, set).message()), HasSubstr("sum to 1"));
}

TEST(CatalogValidationTest, WeightsSummingToOneWithRoundingPass) {
  // 0.1 + 0.2 + 0.3 + 0.15 + 0.25 is not exactly 1.0 in binary.
  v1::IndicatorSet set = SmallSet();
  const double weights[] = {0.1, 0.2, 0.3, 0.15, 0.25};
  for (int d = 0; d < 5; ++d) {
    set.mutable_dimensions(d)->set_weight(weights[d]);
  }
  set.mutable_dimensions(0)->mutable_criteria(0)->set_weight(0.7);
  set.mutable_dimensions(0)->mutable_criteria(1)->set_weight(0.1);
  v1::Criterion* third = set.mutable_dimensions(0)->add_criteria();
  third->set_id("loyalty-c3");
  third->set_title("third");
  third->set_weight(0.2);
  EXPECT_TRUE(ValidateIndicatorSet(kPrefix, set).ok()) << ValidateIndicatorSet(kPrefix, set);
}

TEST(CatalogValidationTest, CriterionWeightsNotSummingToOneAreRefused) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(2)->mutable_criteria(1)->set_weight(0.6);
  ExpectInvalidAt(set, "indicator_set.dimensions[2].criteria");
}

TEST(CatalogValidationTest, ZeroNegativeOrNonFiniteWeightsAreRefused) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double bad : {0.0, -0.2, nan, inf, -inf}) {
    SCOPED_TRACE(bad);
    v1::IndicatorSet criterion = SmallSet();
    criterion.mutable_dimensions(1)->mutable_criteria(0)->set_weight(bad);
    ExpectInvalidAt(criterion, "indicator_set.dimensions[1].criteria[0].weight");

    v1::IndicatorSet dimension = SmallSet();
    dimension.mutable_dimensions(4)->set_weight(bad);
    ExpectInvalidAt(dimension, "indicator_set.dimensions[4].weight");

    v1::IndicatorSet profile = SmallSetWithProfiles();
    profile.mutable_profiles(1)->mutable_criterion_weights(0)->set_weight(bad);
    ExpectInvalidAt(profile, "indicator_set.profiles[1].criterion_weights[0].weight");

    v1::IndicatorSet added = SmallSetWithProfiles();
    added.mutable_profiles(0)->mutable_added_criteria(0)->set_weight(bad);
    ExpectInvalidAt(added, "indicator_set.profiles[0].added_criteria[0].weight");

    v1::IndicatorSet profile_dimension = SmallSetWithProfiles();
    profile_dimension.mutable_profiles(1)->mutable_dimension_weights(2)->set_weight(bad);
    ExpectInvalidAt(profile_dimension, "indicator_set.profiles[1].dimension_weights[2].weight");
  }
}

TEST(CatalogValidationTest, DeductItemNeedsAPositiveDeduction) {
  for (double bad : {0.0, -5.0, std::numeric_limits<double>::quiet_NaN()}) {
    SCOPED_TRACE(bad);
    v1::IndicatorSet set = SmallSet();
    set.mutable_dimensions(2)->mutable_negative_items(0)->set_deduction(bad);  // DEDUCT
    ExpectInvalidAt(set, "indicator_set.dimensions[2].negative_items[0].deduction");
  }
}

TEST(CatalogValidationTest, VetoAndNoteItemsTakeNoDeduction) {
  v1::IndicatorSet veto = SmallSet();
  veto.mutable_dimensions(0)->mutable_negative_items(0)->set_deduction(5);  // VETO
  ExpectInvalidAt(veto, "indicator_set.dimensions[0].negative_items[0].deduction");
  EXPECT_THAT(std::string(ValidateIndicatorSet(kPrefix, veto).message()), HasSubstr("VETO"));

  v1::IndicatorSet note = SmallSet();
  note.mutable_dimensions(1)->mutable_negative_items(0)->set_deduction(1);  // NOTE
  ExpectInvalidAt(note, "indicator_set.dimensions[1].negative_items[0].deduction");
  EXPECT_THAT(std::string(ValidateIndicatorSet(kPrefix, note).message()), HasSubstr("NOTE"));
}

TEST(CatalogValidationTest, UnspecifiedSeverityIsRefused) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(1)->mutable_negative_items(0)->set_severity(v1::SEVERITY_UNSPECIFIED);
  ExpectInvalidAt(set, "indicator_set.dimensions[1].negative_items[0].severity");

  v1::IndicatorSet profile = SmallSetWithProfiles();
  profile.mutable_profiles(0)->mutable_added_negative_items(0)->set_severity(
      v1::SEVERITY_UNSPECIFIED);
  ExpectInvalidAt(profile, "indicator_set.profiles[0].added_negative_items[0].severity");
}

TEST(CatalogValidationTest, MissingTitlesAreRefused) {
  v1::IndicatorSet dimension = SmallSet();
  dimension.mutable_dimensions(2)->clear_title();
  ExpectInvalidAt(dimension, "indicator_set.dimensions[2].title");

  v1::IndicatorSet criterion = SmallSet();
  criterion.mutable_dimensions(3)->mutable_criteria(1)->clear_title();
  ExpectInvalidAt(criterion, "indicator_set.dimensions[3].criteria[1].title");

  v1::IndicatorSet item = SmallSet();
  item.mutable_dimensions(4)->mutable_negative_items(0)->clear_title();
  ExpectInvalidAt(item, "indicator_set.dimensions[4].negative_items[0].title");

  v1::IndicatorSet profile = SmallSetWithProfiles();
  profile.mutable_profiles(1)->clear_title();
  ExpectInvalidAt(profile, "indicator_set.profiles[1].title");

  v1::IndicatorSet added = SmallSetWithProfiles();
  added.mutable_profiles(1)->mutable_added_criteria(0)->clear_title();
  ExpectInvalidAt(added, "indicator_set.profiles[1].added_criteria[0].title");
}

TEST(CatalogValidationTest, CriterionOfAnotherDimensionInsideASpecIsRefused) {
  v1::IndicatorSet set = SmallSet();
  set.mutable_dimensions(0)->mutable_criteria(0)->set_dimension(v1::CAPABILITY);
  ExpectInvalidAt(set, "indicator_set.dimensions[0].criteria[0].dimension");
  // Naming the enclosing dimension explicitly is fine.
  v1::IndicatorSet same = SmallSet();
  same.mutable_dimensions(0)->mutable_criteria(0)->set_dimension(v1::LOYALTY);
  EXPECT_TRUE(ValidateIndicatorSet(kPrefix, same).ok());
}

TEST(CatalogValidationTest, AProfileTargetsATierOrASectorNeverBoth) {
  // The target is a oneof: setting the sector replaces the tier.
  v1::IndicatorSet set = SmallSetWithProfiles();
  set.mutable_profiles(1)->set_sector(v1::HEALTH);
  EXPECT_EQ(set.profiles(1).target_case(), v1::Profile::kSector);
  EXPECT_EQ(set.profiles(1).post_tier(), v1::POST_TIER_UNSPECIFIED);
  EXPECT_TRUE(ValidateIndicatorSet(kPrefix, set).ok());
}

TEST(CatalogValidationTest, ProfileWithNeitherTierNorSectorIsRefused) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  set.mutable_profiles(0)->clear_sector();
  ExpectInvalidAt(set, "indicator_set.profiles[0]");
}

TEST(CatalogValidationTest, ProfileWithUnknownTierOrSectorIsRefused) {
  v1::IndicatorSet tier = SmallSetWithProfiles();
  tier.mutable_profiles(1)->set_post_tier(static_cast<v1::PostTier>(42));
  ExpectInvalidAt(tier, "indicator_set.profiles[1].post_tier");

  v1::IndicatorSet sector = SmallSetWithProfiles();
  sector.mutable_profiles(0)->set_sector(static_cast<v1::Sector>(42));
  ExpectInvalidAt(sector, "indicator_set.profiles[0].sector");
}

TEST(CatalogValidationTest, TwoProfilesForTheSameTierAreRefused) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  v1::Profile second;
  second.set_post_tier(v1::PRINCIPAL);
  second.set_title("一把手（二）");
  *set.add_profiles() = second;
  ExpectInvalidAt(set, "indicator_set.profiles[2]");
  EXPECT_THAT(std::string(ValidateIndicatorSet(kPrefix, set).message()),
              HasSubstr("tier:PRINCIPAL"));
}

TEST(CatalogValidationTest, TwoProfilesForTheSameSectorAreRefused) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  v1::Profile second;
  second.set_sector(v1::EDUCATION);
  second.set_title("教育（二）");
  *set.add_profiles() = second;
  ExpectInvalidAt(set, "indicator_set.profiles[2]");
}

TEST(CatalogValidationTest, ProfileDimensionWeightsMustNameAllFive) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  v1::Profile& principal = *set.mutable_profiles(1);
  principal.mutable_dimension_weights()->RemoveLast();
  principal.mutable_dimension_weights(0)->set_weight(0.5);  // still sums to 1
  ExpectInvalidAt(set, "indicator_set.profiles[1].dimension_weights");
  EXPECT_THAT(std::string(ValidateIndicatorSet(kPrefix, set).message()), HasSubstr("five"));
}

TEST(CatalogValidationTest, ProfileDimensionWeightsMustSumToOne) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  SetDimensionWeights(*set.mutable_profiles(1), 0.4, 0.2, 0.2, 0.2, 0.2);
  ExpectInvalidAt(set, "indicator_set.profiles[1].dimension_weights");
}

TEST(CatalogValidationTest, ProfileDimensionWeightsNamingADimensionTwiceAreRefused) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  set.mutable_profiles(1)->mutable_dimension_weights(3)->set_dimension(v1::LOYALTY);
  ExpectInvalidAt(set, "indicator_set.profiles[1].dimension_weights[3].dimension");

  v1::IndicatorSet unknown = SmallSetWithProfiles();
  unknown.mutable_profiles(1)->mutable_dimension_weights(0)->set_dimension(
      v1::DIMENSION_UNSPECIFIED);
  ExpectInvalidAt(unknown, "indicator_set.profiles[1].dimension_weights[0].dimension");
}

TEST(CatalogValidationTest, CriterionWeightNamingAnUnknownCriterionIsRefused) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  set.mutable_profiles(1)->mutable_criterion_weights(0)->set_criterion_id("loyalty-c9");
  ExpectInvalidAt(set, "indicator_set.profiles[1].criterion_weights[0].criterion_id");
  EXPECT_THAT(std::string(ValidateIndicatorSet(kPrefix, set).message()), HasSubstr("loyalty-c9"));
}

TEST(CatalogValidationTest, CriterionWeightNamingANegativeItemIsRefused) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  set.mutable_profiles(1)->mutable_criterion_weights(0)->set_criterion_id("loyalty-n1");
  ExpectInvalidAt(set, "indicator_set.profiles[1].criterion_weights[0].criterion_id");
}

TEST(CatalogValidationTest, CriterionWeightNamingAnotherProfilesAdditionIsRefused) {
  // The sector profile (profiles[0]) may not re-weight what the tier profile adds:
  // which tier applies is not known when the sector profile is written.
  v1::IndicatorSet set = SmallSetWithProfiles();
  set.mutable_profiles(0)->mutable_criterion_weights(0)->set_criterion_id("principal-c1");
  ExpectInvalidAt(set, "indicator_set.profiles[0].criterion_weights[0].criterion_id");
}

TEST(CatalogValidationTest, CriterionReweightedTwiceInOneProfileIsRefused) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  v1::CriterionWeight* again = set.mutable_profiles(1)->add_criterion_weights();
  again->set_criterion_id("loyalty-c1");
  again->set_weight(0.3);
  ExpectInvalidAt(set, "indicator_set.profiles[1].criterion_weights[1].criterion_id");
}

TEST(CatalogValidationTest, AddedCriterionWithoutDimensionIsRefused) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  set.mutable_profiles(1)->mutable_added_criteria(0)->clear_dimension();
  ExpectInvalidAt(set, "indicator_set.profiles[1].added_criteria[0].dimension");

  v1::IndicatorSet out_of_range = SmallSetWithProfiles();
  out_of_range.mutable_profiles(1)->mutable_added_criteria(0)->set_dimension(
      static_cast<v1::Dimension>(6));
  ExpectInvalidAt(out_of_range, "indicator_set.profiles[1].added_criteria[0].dimension");
}

TEST(CatalogValidationTest, AddedNegativeItemWithoutDimensionIsRefused) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  set.mutable_profiles(0)->mutable_added_negative_items(0)->clear_dimension();
  ExpectInvalidAt(set, "indicator_set.profiles[0].added_negative_items[0].dimension");
}

TEST(CatalogValidationTest, ProfilesWithoutBaseDimensionsAreRefused) {
  v1::IndicatorSet set;
  set.set_display_name("只有方案");
  *set.add_profiles() = EducationProfile();
  ExpectInvalidAt(set, "indicator_set.profiles");
}

TEST(CatalogValidationTest, TierProfileOnlyReweightingIsValid) {
  // A profile may carry nothing but criterion weights (the default STAFF profile does).
  v1::IndicatorSet set = SmallSet();
  v1::Profile staff;
  staff.set_post_tier(v1::STAFF);
  staff.set_title("一般干部");
  v1::CriterionWeight* cw = staff.add_criterion_weights();
  cw->set_criterion_id("capability-c1");
  cw->set_weight(0.8);
  *set.add_profiles() = staff;
  *set.add_profiles() = PrincipalProfile();
  EXPECT_TRUE(ValidateIndicatorSet(kPrefix, set).ok()) << ValidateIndicatorSet(kPrefix, set);
}

// ───────────────────────── limits (every answer fits) ─────────────────────────

// A profile adding `count` criteria to LOYALTY, each with its own id.
v1::Profile ProfileAdding(int count) {
  v1::Profile profile = PrincipalProfile();
  profile.clear_added_criteria();
  profile.clear_criterion_weights();
  for (int i = 0; i < count; ++i) {
    v1::Criterion* c = profile.add_added_criteria();
    c->set_id("added-" + std::to_string(i));
    c->set_dimension(v1::LOYALTY);
    c->set_title("新增标准");
    c->set_weight(1);
  }
  return profile;
}

TEST(CatalogValidationTest, TenThousandAddedCriteriaAreRefusedNamingTheField) {
  v1::IndicatorSet set = SmallSet();
  *set.add_profiles() = ProfileAdding(10000);
  ExpectInvalidAt(set, "indicator_set.profiles[0].added_criteria");
  EXPECT_THAT(std::string(ValidateIndicatorSet(kPrefix, set).message()),
              HasSubstr("at most 100 entries, got 10000"));

  v1::IndicatorSet hundred = SmallSet();
  *hundred.add_profiles() = ProfileAdding(100);
  EXPECT_TRUE(ValidateIndicatorSet(kPrefix, hundred).ok());
}

TEST(CatalogValidationTest, EveryRepeatedFieldOfAProfileHasItsLimit) {
  v1::IndicatorSet items = SmallSet();
  v1::Profile profile = PrincipalProfile();
  for (int i = 0; i < 201; ++i) {
    *profile.add_added_negative_items() = profile.added_negative_items(0);
  }
  *items.add_profiles() = profile;
  ExpectInvalidAt(items, "indicator_set.profiles[0].added_negative_items");

  v1::IndicatorSet weights = SmallSet();
  profile = PrincipalProfile();
  for (int i = 0; i < 601; ++i) {
    profile.add_criterion_weights()->set_criterion_id("x");
  }
  *weights.add_profiles() = profile;
  ExpectInvalidAt(weights, "indicator_set.profiles[0].criterion_weights");

  v1::IndicatorSet profiles = SmallSet();
  for (int i = 0; i < 65; ++i) {
    profiles.add_profiles()->set_post_tier(v1::DEPUTY);
  }
  ExpectInvalidAt(profiles, "indicator_set.profiles");

  v1::IndicatorSet dimensions = SmallSet();
  *dimensions.add_dimensions() = dimensions.dimensions(0);
  ExpectInvalidAt(dimensions, "indicator_set.dimensions");
}

TEST(CatalogValidationTest, ASetOverOneMebibyteIsRefused) {
  // Eight profiles of 100 criteria, within every count limit, but with long descriptions.
  v1::IndicatorSet set = SmallSet();
  for (int p = 0; p < 8; ++p) {
    v1::Profile profile = ProfileAdding(100);
    profile.set_post_tier(static_cast<v1::PostTier>(1 + p % 4));
    for (auto& c : *profile.mutable_added_criteria()) {
      c.set_id(absl::StrCat("p", p, "-", c.id()));
      c.set_description(std::string(1800, 'x'));
    }
    *set.add_profiles() = profile;
  }
  const absl::Status st = ValidateIndicatorSet(kPrefix, set);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(st.message()), StartsWith("indicator_set: "));
  EXPECT_THAT(std::string(st.message()), HasSubstr("at most 1 MiB"));
}

}  // namespace
}  // namespace kaoping::indicators
