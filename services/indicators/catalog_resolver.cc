#include "services/indicators/catalog_resolver.h"

#include <array>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace kaoping::indicators {
namespace {

constexpr absl::string_view kBase = "base";

const v1::Profile* FindProfile(const v1::IndicatorSet& set, v1::PostTier tier, v1::Sector sector) {
  for (const v1::Profile& p : set.profiles()) {
    if ((tier != v1::POST_TIER_UNSPECIFIED && p.post_tier() == tier) ||
        (sector != v1::SECTOR_UNSPECIFIED && p.sector() == sector)) {
      return &p;
    }
  }
  return nullptr;
}

v1::DimensionSpec* FindDimension(v1::ResolvedCatalog& catalog, v1::Dimension d) {
  for (v1::DimensionSpec& spec : *catalog.mutable_dimensions()) {
    if (spec.dimension() == d) {
      return &spec;
    }
  }
  return nullptr;
}

v1::Criterion* FindCriterion(v1::ResolvedCatalog& catalog, const std::string& id) {
  for (v1::DimensionSpec& spec : *catalog.mutable_dimensions()) {
    for (v1::Criterion& c : *spec.mutable_criteria()) {
      if (c.id() == id) {
        return &c;
      }
    }
  }
  return nullptr;
}

absl::Status Apply(const v1::Profile& profile, const std::string& origin,
                   v1::ResolvedCatalog& catalog) {
  for (const v1::DimensionWeight& dw : profile.dimension_weights()) {
    if (v1::DimensionSpec* spec = FindDimension(catalog, dw.dimension())) {
      spec->set_weight(dw.weight());
    }
  }
  // Additions first, so that the profile may re-weight what it adds.
  for (const v1::Criterion& added : profile.added_criteria()) {
    v1::DimensionSpec* spec = FindDimension(catalog, added.dimension());
    if (spec == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(origin, ": adds criterion ", added.id(),
                                                        " to a dimension the set does not have"));
    }
    v1::Criterion* c = spec->add_criteria();
    *c = added;
    c->set_origin(origin);
  }
  for (const v1::NegativeItem& added : profile.added_negative_items()) {
    v1::DimensionSpec* spec = FindDimension(catalog, added.dimension());
    if (spec == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(origin, ": adds negative item ", added.id(),
                                                        " to a dimension the set does not have"));
    }
    v1::NegativeItem* item = spec->add_negative_items();
    *item = added;
    item->set_origin(origin);
  }
  for (const v1::CriterionWeight& cw : profile.criterion_weights()) {
    if (v1::Criterion* c = FindCriterion(catalog, cw.criterion_id())) {
      c->set_weight(cw.weight());
    }
  }
  catalog.add_applied_profiles(origin);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ResolvedCatalog> ResolveCatalogOf(const v1::IndicatorSet& set,
                                                     v1::PostTier post_tier, v1::Sector sector) {
  v1::ResolvedCatalog catalog;
  catalog.set_post_tier(post_tier);
  catalog.set_sector(sector);
  for (const v1::DimensionSpec& spec : set.dimensions()) {
    v1::DimensionSpec* out = catalog.add_dimensions();
    *out = spec;
    for (v1::Criterion& c : *out->mutable_criteria()) {
      c.set_dimension(spec.dimension());
      c.set_origin(std::string(kBase));
    }
    for (v1::NegativeItem& item : *out->mutable_negative_items()) {
      item.set_dimension(spec.dimension());
      item.set_origin(std::string(kBase));
    }
  }
  if (catalog.dimensions_size() == 0) {
    return absl::FailedPreconditionError("the indicator set has no dimensions");
  }
  if (const v1::Profile* tier = FindProfile(set, post_tier, v1::SECTOR_UNSPECIFIED)) {
    if (auto st = Apply(*tier, "tier:" + v1::PostTier_Name(post_tier), catalog); !st.ok()) {
      return st;
    }
  }
  if (const v1::Profile* sec = FindProfile(set, v1::POST_TIER_UNSPECIFIED, sector)) {
    if (auto st = Apply(*sec, "sector:" + v1::Sector_Name(sector), catalog); !st.ok()) {
      return st;
    }
  }
  double dimension_sum = 0;
  for (const v1::DimensionSpec& spec : catalog.dimensions()) {
    dimension_sum += spec.weight();
  }
  for (v1::DimensionSpec& spec : *catalog.mutable_dimensions()) {
    spec.set_weight(spec.weight() / dimension_sum);
    double criterion_sum = 0;
    for (const v1::Criterion& c : spec.criteria()) {
      criterion_sum += c.weight();
    }
    for (v1::Criterion& c : *spec.mutable_criteria()) {
      c.set_weight(c.weight() / criterion_sum);
    }
  }
  return catalog;
}

}  // namespace kaoping::indicators
