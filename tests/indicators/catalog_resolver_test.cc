// The catalog as it applies to one post tier and sector (ResolveCatalogOf):
// base → tier profile → sector profile, named weights replacing, additions
// joining, everything normalized.
#include "services/indicators/catalog_resolver.h"

#include <cmath>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/protobuf/util/message_differencer.h"
#include "services/indicators/catalog_validation.h"
#include "services/indicators/default_catalog.h"
#include "tests/indicators/test_catalogs.h"

namespace kaoping::indicators {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using testing::DeterministicBytes;
using ::testing::DoubleNear;
using testing::EducationProfile;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::PrincipalProfile;
using testing::SetDimensionWeights;
using testing::SmallSet;
using testing::SmallSetWithProfiles;

constexpr double kTolerance = 1e-9;

const v1::DimensionSpec* FindDimension(const v1::ResolvedCatalog& catalog, v1::Dimension d) {
  for (const v1::DimensionSpec& spec : catalog.dimensions()) {
    if (spec.dimension() == d) {
      return &spec;
    }
  }
  return nullptr;
}

const v1::Criterion* FindCriterion(const v1::ResolvedCatalog& catalog, const std::string& id) {
  for (const v1::DimensionSpec& spec : catalog.dimensions()) {
    for (const v1::Criterion& c : spec.criteria()) {
      if (c.id() == id) {
        return &c;
      }
    }
  }
  return nullptr;
}

const v1::NegativeItem* FindItem(const v1::ResolvedCatalog& catalog, const std::string& id) {
  for (const v1::DimensionSpec& spec : catalog.dimensions()) {
    for (const v1::NegativeItem& item : spec.negative_items()) {
      if (item.id() == id) {
        return &item;
      }
    }
  }
  return nullptr;
}

double Weight(const v1::ResolvedCatalog& catalog, v1::Dimension d) {
  const v1::DimensionSpec* spec = FindDimension(catalog, d);
  return spec == nullptr ? -1 : spec->weight();
}

double CriterionWeight(const v1::ResolvedCatalog& catalog, const std::string& id) {
  const v1::Criterion* c = FindCriterion(catalog, id);
  return c == nullptr ? -1 : c->weight();
}

// Weights sum to 1 across dimensions and within each dimension; every item
// knows its dimension and its origin.
void ExpectNormalized(const v1::ResolvedCatalog& catalog) {
  ASSERT_EQ(catalog.dimensions_size(), 5);
  double dimension_sum = 0;
  for (const v1::DimensionSpec& spec : catalog.dimensions()) {
    SCOPED_TRACE(v1::Dimension_Name(spec.dimension()));
    EXPECT_GT(spec.weight(), 0);
    dimension_sum += spec.weight();
    double criterion_sum = 0;
    for (const v1::Criterion& c : spec.criteria()) {
      EXPECT_GT(c.weight(), 0) << c.id();
      EXPECT_EQ(c.dimension(), spec.dimension()) << c.id();
      EXPECT_FALSE(c.origin().empty()) << c.id();
      criterion_sum += c.weight();
    }
    EXPECT_THAT(criterion_sum, DoubleNear(1.0, kTolerance));
    for (const v1::NegativeItem& item : spec.negative_items()) {
      EXPECT_EQ(item.dimension(), spec.dimension()) << item.id();
      EXPECT_FALSE(item.origin().empty()) << item.id();
    }
  }
  EXPECT_THAT(dimension_sum, DoubleNear(1.0, kTolerance));
}

TEST(CatalogResolverTest, DefaultCatalogIsNormalizedForEveryTierAndSector) {
  absl::StatusOr<v1::IndicatorSet> catalog = DefaultCatalog();
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  for (int t = v1::PRINCIPAL; t <= v1::STAFF; ++t) {
    for (int s = v1::SECTOR_UNSPECIFIED; s <= v1::PARTY_GOVERNMENT; ++s) {
      const auto tier = static_cast<v1::PostTier>(t);
      const auto sector = static_cast<v1::Sector>(s);
      SCOPED_TRACE(v1::PostTier_Name(tier) + " / " + v1::Sector_Name(sector));
      absl::StatusOr<v1::ResolvedCatalog> resolved = ResolveCatalogOf(*catalog, tier, sector);
      ASSERT_TRUE(resolved.ok()) << resolved.status();
      ExpectNormalized(*resolved);
      EXPECT_EQ(resolved->post_tier(), tier);
      EXPECT_EQ(resolved->sector(), sector);
      // The default has a profile for every tier and every sector.
      const std::string tier_origin = "tier:" + v1::PostTier_Name(tier);
      if (sector == v1::SECTOR_UNSPECIFIED) {
        EXPECT_THAT(resolved->applied_profiles(), ElementsAre(tier_origin));
      } else {
        EXPECT_THAT(resolved->applied_profiles(),
                    ElementsAre(tier_origin, "sector:" + v1::Sector_Name(sector)));
      }
      // Nothing from another tier or sector leaks in.
      for (const v1::DimensionSpec& spec : resolved->dimensions()) {
        for (const v1::Criterion& c : spec.criteria()) {
          EXPECT_TRUE(c.origin() == "base" || c.origin() == tier_origin ||
                      c.origin() == "sector:" + v1::Sector_Name(sector))
              << c.id() << " from " << c.origin();
        }
        for (const v1::NegativeItem& item : spec.negative_items()) {
          EXPECT_TRUE(item.origin() == "base" || item.origin() == tier_origin ||
                      item.origin() == "sector:" + v1::Sector_Name(sector))
              << item.id() << " from " << item.origin();
        }
      }
    }
  }
}

TEST(CatalogResolverTest, DefaultPrincipalInLawEnforcementMatchesTheReadmeExample) {
  // catalog/README.md §4: for PRINCIPAL + LAW_ENFORCEMENT the RESPONSIBILITY
  // criteria sum to 1.50 before normalization, so principal-c1 (0.20) weighs 0.20 / 1.50.
  absl::StatusOr<v1::IndicatorSet> catalog = DefaultCatalog();
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(*catalog, v1::PRINCIPAL, v1::LAW_ENFORCEMENT);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_THAT(CriterionWeight(*resolved, "principal-c1"), DoubleNear(0.20 / 1.50, kTolerance));
  EXPECT_THAT(Weight(*resolved, v1::STEADFASTNESS), DoubleNear(0.10, kTolerance));
}

TEST(CatalogResolverTest, BaseOnlyWhenNoProfileApplies) {
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(SmallSetWithProfiles(), v1::DEPUTY, v1::SECTOR_UNSPECIFIED);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ExpectNormalized(*resolved);
  EXPECT_THAT(resolved->applied_profiles(), IsEmpty());
  for (int d = v1::LOYALTY; d <= v1::SELF_DISCIPLINE; ++d) {
    EXPECT_THAT(Weight(*resolved, static_cast<v1::Dimension>(d)), DoubleNear(0.2, kTolerance));
  }
  EXPECT_EQ(FindCriterion(*resolved, "principal-c1"), nullptr);
  EXPECT_EQ(FindCriterion(*resolved, "education-c1"), nullptr);
  EXPECT_THAT(CriterionWeight(*resolved, "loyalty-c1"), DoubleNear(0.5, kTolerance));
  for (const v1::DimensionSpec& spec : resolved->dimensions()) {
    for (const v1::Criterion& c : spec.criteria()) {
      EXPECT_EQ(c.origin(), "base") << c.id();
    }
    for (const v1::NegativeItem& item : spec.negative_items()) {
      EXPECT_EQ(item.origin(), "base") << item.id();
    }
  }
}

TEST(CatalogResolverTest, TierDimensionWeightsReplaceTheBaseOnes) {
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(SmallSetWithProfiles(), v1::PRINCIPAL, v1::SECTOR_UNSPECIFIED);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ExpectNormalized(*resolved);
  EXPECT_THAT(Weight(*resolved, v1::LOYALTY), DoubleNear(0.4, kTolerance));
  EXPECT_THAT(Weight(*resolved, v1::STEADFASTNESS), DoubleNear(0.1, kTolerance));
  EXPECT_THAT(Weight(*resolved, v1::RESPONSIBILITY), DoubleNear(0.2, kTolerance));
  EXPECT_THAT(Weight(*resolved, v1::CAPABILITY), DoubleNear(0.2, kTolerance));
  EXPECT_THAT(Weight(*resolved, v1::SELF_DISCIPLINE), DoubleNear(0.1, kTolerance));
}

TEST(CatalogResolverTest, SectorDimensionWeightsReplaceTheTierOnes) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  SetDimensionWeights(*set.mutable_profiles(0), 0.1, 0.1, 0.1, 0.5, 0.2);  // EDUCATION
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(set, v1::PRINCIPAL, v1::EDUCATION);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ExpectNormalized(*resolved);
  EXPECT_THAT(Weight(*resolved, v1::LOYALTY), DoubleNear(0.1, kTolerance));
  EXPECT_THAT(Weight(*resolved, v1::CAPABILITY), DoubleNear(0.5, kTolerance));
  EXPECT_THAT(Weight(*resolved, v1::SELF_DISCIPLINE), DoubleNear(0.2, kTolerance));
}

TEST(CatalogResolverTest, CriterionWeightsReplaceAndAdditionsJoinBeforeNormalizing) {
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(SmallSetWithProfiles(), v1::PRINCIPAL, v1::EDUCATION);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ExpectNormalized(*resolved);
  // LOYALTY: loyalty-c1 1.5 (tier), loyalty-c2 0.5 → 0.75 / 0.25.
  EXPECT_THAT(CriterionWeight(*resolved, "loyalty-c1"), DoubleNear(0.75, kTolerance));
  EXPECT_THAT(CriterionWeight(*resolved, "loyalty-c2"), DoubleNear(0.25, kTolerance));
  // RESPONSIBILITY: 0.5, 0.5 and principal-c1 0.5 → a third each.
  EXPECT_THAT(CriterionWeight(*resolved, "responsibility-c1"), DoubleNear(1.0 / 3, kTolerance));
  EXPECT_THAT(CriterionWeight(*resolved, "principal-c1"), DoubleNear(1.0 / 3, kTolerance));
  // CAPABILITY: capability-c1 0.5, capability-c2 1.5 (sector), education-c1 1.0 → /3.0.
  EXPECT_THAT(CriterionWeight(*resolved, "capability-c1"), DoubleNear(0.5 / 3.0, kTolerance));
  EXPECT_THAT(CriterionWeight(*resolved, "capability-c2"), DoubleNear(1.5 / 3.0, kTolerance));
  EXPECT_THAT(CriterionWeight(*resolved, "education-c1"), DoubleNear(1.0 / 3.0, kTolerance));
  // The additions sit in their dimension.
  const v1::DimensionSpec* responsibility = FindDimension(*resolved, v1::RESPONSIBILITY);
  ASSERT_NE(responsibility, nullptr);
  EXPECT_EQ(responsibility->criteria_size(), 3);
  const v1::DimensionSpec* loyalty = FindDimension(*resolved, v1::LOYALTY);
  ASSERT_NE(loyalty, nullptr);
  EXPECT_EQ(loyalty->negative_items_size(), 2);
  // Deductions are not normalized.
  ASSERT_NE(FindItem(*resolved, "principal-n1"), nullptr);
  EXPECT_EQ(FindItem(*resolved, "principal-n1")->deduction(), 8);
  EXPECT_EQ(FindItem(*resolved, "principal-n1")->severity(), v1::DEDUCT);
}

TEST(CatalogResolverTest, LaterProfileWinsOnTheSameCriterion) {
  v1::IndicatorSet set = SmallSetWithProfiles();
  // EDUCATION (applied after PRINCIPAL) also re-weights loyalty-c1.
  v1::CriterionWeight* cw = set.mutable_profiles(0)->add_criterion_weights();
  cw->set_criterion_id("loyalty-c1");
  cw->set_weight(0.5);
  ASSERT_TRUE(ValidateIndicatorSet("indicator_set", set).ok());
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(set, v1::PRINCIPAL, v1::EDUCATION);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_THAT(CriterionWeight(*resolved, "loyalty-c1"), DoubleNear(0.5, kTolerance));
  EXPECT_THAT(CriterionWeight(*resolved, "loyalty-c2"), DoubleNear(0.5, kTolerance));
}

TEST(CatalogResolverTest, OriginsNameWhereEachItemCameFrom) {
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(SmallSetWithProfiles(), v1::PRINCIPAL, v1::EDUCATION);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(FindCriterion(*resolved, "loyalty-c1")->origin(), "base");
  EXPECT_EQ(FindItem(*resolved, "loyalty-n1")->origin(), "base");
  ASSERT_NE(FindCriterion(*resolved, "principal-c1"), nullptr);
  EXPECT_EQ(FindCriterion(*resolved, "principal-c1")->origin(), "tier:PRINCIPAL");
  ASSERT_NE(FindItem(*resolved, "principal-n1"), nullptr);
  EXPECT_EQ(FindItem(*resolved, "principal-n1")->origin(), "tier:PRINCIPAL");
  ASSERT_NE(FindCriterion(*resolved, "education-c1"), nullptr);
  EXPECT_EQ(FindCriterion(*resolved, "education-c1")->origin(), "sector:EDUCATION");
  ASSERT_NE(FindItem(*resolved, "education-n1"), nullptr);
  EXPECT_EQ(FindItem(*resolved, "education-n1")->origin(), "sector:EDUCATION");
  // Base criteria carry their dimension even though the set left it implied.
  EXPECT_EQ(FindCriterion(*resolved, "loyalty-c1")->dimension(), v1::LOYALTY);
}

TEST(CatalogResolverTest, AppliedProfilesAreTierThenSector) {
  // SmallSetWithProfiles lists EDUCATION before PRINCIPAL.
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(SmallSetWithProfiles(), v1::PRINCIPAL, v1::EDUCATION);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_THAT(resolved->applied_profiles(), ElementsAre("tier:PRINCIPAL", "sector:EDUCATION"));
}

TEST(CatalogResolverTest, UnspecifiedSectorAppliesNoSectorProfile) {
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(SmallSetWithProfiles(), v1::PRINCIPAL, v1::SECTOR_UNSPECIFIED);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_THAT(resolved->applied_profiles(), ElementsAre("tier:PRINCIPAL"));
  EXPECT_EQ(FindCriterion(*resolved, "education-c1"), nullptr);
  EXPECT_EQ(FindItem(*resolved, "education-n1"), nullptr);
  EXPECT_THAT(CriterionWeight(*resolved, "capability-c2"), DoubleNear(0.5, kTolerance));
}

TEST(CatalogResolverTest, TierWithoutProfileAppliesNoneButTheSectorStillApplies) {
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(SmallSetWithProfiles(), v1::FRONTLINE, v1::EDUCATION);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ExpectNormalized(*resolved);
  EXPECT_THAT(resolved->applied_profiles(), ElementsAre("sector:EDUCATION"));
  EXPECT_EQ(FindCriterion(*resolved, "principal-c1"), nullptr);
  EXPECT_THAT(Weight(*resolved, v1::LOYALTY), DoubleNear(0.2, kTolerance));
  ASSERT_NE(FindCriterion(*resolved, "education-c1"), nullptr);
}

TEST(CatalogResolverTest, SectorWithoutProfileAppliesNone) {
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(SmallSetWithProfiles(), v1::PRINCIPAL, v1::HEALTH);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_THAT(resolved->applied_profiles(), ElementsAre("tier:PRINCIPAL"));
  EXPECT_EQ(resolved->sector(), v1::HEALTH);
}

TEST(CatalogResolverTest, NormalizesWeightsThatDoNotSumToOne) {
  // A tier profile's re-weighting routinely breaks the sums; the resolver fixes them.
  v1::IndicatorSet set = SmallSet();
  v1::Profile principal = PrincipalProfile();
  principal.clear_dimension_weights();
  v1::CriterionWeight* cw = principal.add_criterion_weights();
  cw->set_criterion_id("self-discipline-c2");
  cw->set_weight(7);
  *set.add_profiles() = principal;
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(set, v1::PRINCIPAL, v1::SECTOR_UNSPECIFIED);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ExpectNormalized(*resolved);
  EXPECT_THAT(CriterionWeight(*resolved, "self-discipline-c2"), DoubleNear(7.0 / 7.5, kTolerance));
}

TEST(CatalogResolverTest, IsDeterministic) {
  const v1::IndicatorSet set = SmallSetWithProfiles();
  absl::StatusOr<v1::ResolvedCatalog> first = ResolveCatalogOf(set, v1::PRINCIPAL, v1::EDUCATION);
  absl::StatusOr<v1::ResolvedCatalog> second =
      ResolveCatalogOf(v1::IndicatorSet(set), v1::PRINCIPAL, v1::EDUCATION);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(DeterministicBytes(*first), DeterministicBytes(*second));

  absl::StatusOr<v1::IndicatorSet> catalog = DefaultCatalog();
  ASSERT_TRUE(catalog.ok());
  absl::StatusOr<v1::ResolvedCatalog> a = ResolveCatalogOf(*catalog, v1::DEPUTY, v1::HEALTH);
  absl::StatusOr<v1::ResolvedCatalog> b = ResolveCatalogOf(*catalog, v1::DEPUTY, v1::HEALTH);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(DeterministicBytes(*a), DeterministicBytes(*b));
}

TEST(CatalogResolverTest, LeavesTheInputUnchanged) {
  const v1::IndicatorSet original = SmallSetWithProfiles();
  v1::IndicatorSet input = original;
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(input, v1::PRINCIPAL, v1::EDUCATION);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_TRUE(MessageDifferencer::Equals(input, original));
  EXPECT_EQ(DeterministicBytes(input), DeterministicBytes(original));

  absl::StatusOr<v1::IndicatorSet> catalog = DefaultCatalog();
  ASSERT_TRUE(catalog.ok());
  const std::string before = DeterministicBytes(*catalog);
  ASSERT_TRUE(ResolveCatalogOf(*catalog, v1::PRINCIPAL, v1::LAW_ENFORCEMENT).ok());
  EXPECT_EQ(DeterministicBytes(*catalog), before);
  // The shipped default itself is not altered by resolving it.
  EXPECT_EQ(DeterministicBytes(*DefaultCatalog()), before);
}

TEST(CatalogResolverTest, SetWithoutDimensionsIsFailedPrecondition) {
  v1::IndicatorSet set;
  set.set_display_name("草稿");
  absl::StatusOr<v1::ResolvedCatalog> resolved =
      ResolveCatalogOf(set, v1::PRINCIPAL, v1::SECTOR_UNSPECIFIED);
  EXPECT_EQ(resolved.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace kaoping::indicators
