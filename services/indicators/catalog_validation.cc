#include "services/indicators/catalog_validation.h"

#include <cmath>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/api/resource_name.h"
#include "services/common/status_macros.h"

namespace kaoping::indicators {
namespace {

constexpr int kDimensionCount = 5;
constexpr size_t kMaxTitle = 200;
constexpr size_t kMaxDescription = 2000;
constexpr int kMaxCriteriaPerDimension = 100;
constexpr int kMaxItemsPerDimension = 200;
constexpr int kMaxProfiles = 64;
// Per profile (indicators.proto, Profile): additions of one tier or sector,
// and re-weightings of the base criteria and those additions.
constexpr int kMaxAddedCriteria = 100;
constexpr int kMaxAddedItems = 200;
constexpr int kMaxCriterionWeights = 600;
// The whole set in its binary encoding (IndicatorSet): one set always fits
// one response, and a page of them stays bounded.
constexpr size_t kMaxSetBytes = size_t{1} << 20;

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// Counts characters, not bytes: titles are Chinese.
size_t Utf8Length(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    n += (c & 0xC0) != 0x80;
  }
  return n;
}

absl::Status CheckText(absl::string_view field, absl::string_view text, bool required,
                       size_t max_chars) {
  if (required && text.empty()) {
    return Invalid(field, "required");
  }
  if (Utf8Length(text) > max_chars) {
    return Invalid(field, absl::StrCat("at most ", max_chars, " characters"));
  }
  return absl::OkStatus();
}

// A repeated field a client sends: its documented limit, checked before its
// entries so that a huge list is refused at once, naming the field.
absl::Status CheckCount(absl::string_view field, int count, int max) {
  if (count > max) {
    return Invalid(field, absl::StrCat("at most ", max, " entries, got ", count));
  }
  return absl::OkStatus();
}

absl::Status CheckWeight(absl::string_view field, double weight) {
  if (!std::isfinite(weight) || weight <= 0 || weight > 1000) {
    return Invalid(field, absl::StrFormat("must be a number > 0, got %g", weight));
  }
  return absl::OkStatus();
}

absl::Status CheckSum(absl::string_view field, double sum, absl::string_view what) {
  if (std::fabs(sum - 1.0) > kWeightSumTolerance) {
    return Invalid(field, absl::StrFormat("%s weights sum to %.6g; they must sum to 1", what, sum));
  }
  return absl::OkStatus();
}

bool IsKnownDimension(v1::Dimension d) {
  return d != v1::DIMENSION_UNSPECIFIED && v1::Dimension_IsValid(d);
}

// Ids must be unique across the whole set, profiles included: a form refers
// to criteria and negative items by id alone.
class IdRegistry {
 public:
  absl::Status Add(absl::string_view field, absl::string_view id) {
    if (!IsValidResourceId(id)) {
      return Invalid(field, absl::StrCat("\"", id,
                                         "\" must be 1-63 lowercase letters, digits or '-',"
                                         " not starting with '-'"));
    }
    auto [it, inserted] = first_use_.emplace(std::string(id), std::string(field));
    if (!inserted) {
      return Invalid(field, absl::StrCat("id \"", id, "\" is already used at ", it->second));
    }
    return absl::OkStatus();
  }
  bool Contains(absl::string_view id) const { return first_use_.contains(id); }

 private:
  absl::flat_hash_map<std::string, std::string> first_use_;
};

absl::Status CheckCriterion(const std::string& field, const v1::Criterion& c,
                            v1::Dimension enclosing, IdRegistry& ids) {
  RETURN_IF_ERROR(ids.Add(field + ".id", c.id()));
  if (enclosing == v1::DIMENSION_UNSPECIFIED) {
    if (!IsKnownDimension(c.dimension())) {
      return Invalid(field + ".dimension",
                     "required: one of LOYALTY, STEADFASTNESS,"
                     " RESPONSIBILITY, CAPABILITY, SELF_DISCIPLINE");
    }
  } else if (c.dimension() != v1::DIMENSION_UNSPECIFIED && c.dimension() != enclosing) {
    return Invalid(field + ".dimension",
                   absl::StrCat(v1::Dimension_Name(c.dimension()), " differs from the enclosing ",
                                v1::Dimension_Name(enclosing)));
  }
  RETURN_IF_ERROR(CheckText(field + ".title", c.title(), true, kMaxTitle));
  RETURN_IF_ERROR(CheckText(field + ".description", c.description(), false, kMaxDescription));
  return CheckWeight(field + ".weight", c.weight());
}

absl::Status CheckNegativeItem(const std::string& field, const v1::NegativeItem& item,
                               v1::Dimension enclosing, IdRegistry& ids) {
  RETURN_IF_ERROR(ids.Add(field + ".id", item.id()));
  if (enclosing == v1::DIMENSION_UNSPECIFIED) {
    if (!IsKnownDimension(item.dimension())) {
      return Invalid(field + ".dimension",
                     "required: one of LOYALTY, STEADFASTNESS,"
                     " RESPONSIBILITY, CAPABILITY, SELF_DISCIPLINE");
    }
  } else if (item.dimension() != v1::DIMENSION_UNSPECIFIED && item.dimension() != enclosing) {
    return Invalid(field + ".dimension",
                   absl::StrCat(v1::Dimension_Name(item.dimension()),
                                " differs from the enclosing ", v1::Dimension_Name(enclosing)));
  }
  RETURN_IF_ERROR(CheckText(field + ".title", item.title(), true, kMaxTitle));
  RETURN_IF_ERROR(CheckText(field + ".description", item.description(), false, kMaxDescription));
  switch (item.severity()) {
    case v1::DEDUCT:
      if (!std::isfinite(item.deduction()) || item.deduction() <= 0 || item.deduction() > 100) {
        return Invalid(
            field + ".deduction",
            absl::StrFormat("a DEDUCT item needs 0 < deduction ≤ 100, got %g", item.deduction()));
      }
      break;
    case v1::NOTE:
    case v1::VETO:
      if (item.deduction() != 0) {
        return Invalid(
            field + ".deduction",
            absl::StrCat("must be 0 for a ", v1::Severity_Name(item.severity()), " item"));
      }
      break;
    default:
      return Invalid(field + ".severity", "required: one of NOTE, DEDUCT, VETO");
  }
  return absl::OkStatus();
}

absl::Status CheckDimensionWeights(
    const std::string& field,
    const google::protobuf::RepeatedPtrField<v1::DimensionWeight>& weights) {
  absl::flat_hash_set<int> seen;
  double sum = 0;
  for (int i = 0; i < weights.size(); ++i) {
    const std::string f = absl::StrCat(field, "[", i, "]");
    if (!IsKnownDimension(weights[i].dimension())) {
      return Invalid(f + ".dimension", "unknown dimension");
    }
    if (!seen.insert(weights[i].dimension()).second) {
      return Invalid(f + ".dimension",
                     absl::StrCat(v1::Dimension_Name(weights[i].dimension()), " appears twice"));
    }
    RETURN_IF_ERROR(CheckWeight(f + ".weight", weights[i].weight()));
    sum += weights[i].weight();
  }
  if (static_cast<int>(seen.size()) != kDimensionCount) {
    return Invalid(field, "must name all five dimensions");
  }
  return CheckSum(field, sum, "dimension");
}

}  // namespace

absl::Status ValidateIndicatorSet(absl::string_view prefix, const v1::IndicatorSet& set) {
  const std::string p(prefix);
  RETURN_IF_ERROR(CheckCount(p + ".dimensions", set.dimensions_size(), kDimensionCount));
  RETURN_IF_ERROR(CheckCount(p + ".profiles", set.profiles_size(), kMaxProfiles));
  for (int i = 0; i < set.profiles_size(); ++i) {
    const v1::Profile& profile = set.profiles(i);
    const std::string f = absl::StrCat(p, ".profiles[", i, "]");
    RETURN_IF_ERROR(
        CheckCount(f + ".added_criteria", profile.added_criteria_size(), kMaxAddedCriteria));
    RETURN_IF_ERROR(CheckCount(f + ".added_negative_items", profile.added_negative_items_size(),
                               kMaxAddedItems));
    RETURN_IF_ERROR(CheckCount(f + ".criterion_weights", profile.criterion_weights_size(),
                               kMaxCriterionWeights));
    RETURN_IF_ERROR(
        CheckCount(f + ".dimension_weights", profile.dimension_weights_size(), kDimensionCount));
  }
  if (const size_t bytes = set.ByteSizeLong(); bytes > kMaxSetBytes) {
    return Invalid(p, absl::StrFormat("%.2f MiB encoded; a set holds at most 1 MiB",
                                      static_cast<double>(bytes) / (1 << 20)));
  }
  RETURN_IF_ERROR(CheckText(p + ".display_name", set.display_name(), true, kMaxTitle));
  RETURN_IF_ERROR(CheckText(p + ".description", set.description(), false, kMaxDescription));

  IdRegistry ids;
  absl::flat_hash_map<std::string, v1::Dimension> criterion_dimension;
  if (set.dimensions_size() > 0) {
    const std::string dims = p + ".dimensions";
    absl::flat_hash_set<int> seen;
    double dimension_sum = 0;
    for (int d = 0; d < set.dimensions_size(); ++d) {
      const v1::DimensionSpec& spec = set.dimensions(d);
      const std::string f = absl::StrCat(dims, "[", d, "]");
      if (!IsKnownDimension(spec.dimension())) {
        return Invalid(f + ".dimension",
                       "unknown dimension: one of LOYALTY, STEADFASTNESS,"
                       " RESPONSIBILITY, CAPABILITY, SELF_DISCIPLINE");
      }
      if (!seen.insert(spec.dimension()).second) {
        return Invalid(f + ".dimension",
                       absl::StrCat(v1::Dimension_Name(spec.dimension()), " appears twice"));
      }
      RETURN_IF_ERROR(CheckText(f + ".title", spec.title(), true, kMaxTitle));
      RETURN_IF_ERROR(CheckText(f + ".description", spec.description(), false, kMaxDescription));
      RETURN_IF_ERROR(CheckWeight(f + ".weight", spec.weight()));
      dimension_sum += spec.weight();
      if (spec.criteria_size() == 0) {
        return Invalid(f + ".criteria", "a dimension needs at least one criterion");
      }
      RETURN_IF_ERROR(CheckCount(f + ".criteria", spec.criteria_size(), kMaxCriteriaPerDimension));
      RETURN_IF_ERROR(
          CheckCount(f + ".negative_items", spec.negative_items_size(), kMaxItemsPerDimension));
      double criterion_sum = 0;
      for (int c = 0; c < spec.criteria_size(); ++c) {
        RETURN_IF_ERROR(CheckCriterion(absl::StrCat(f, ".criteria[", c, "]"), spec.criteria(c),
                                       spec.dimension(), ids));
        criterion_sum += spec.criteria(c).weight();
        criterion_dimension[spec.criteria(c).id()] = spec.dimension();
      }
      RETURN_IF_ERROR(CheckSum(f + ".criteria", criterion_sum, "criterion"));
      for (int n = 0; n < spec.negative_items_size(); ++n) {
        RETURN_IF_ERROR(CheckNegativeItem(absl::StrCat(f, ".negative_items[", n, "]"),
                                          spec.negative_items(n), spec.dimension(), ids));
      }
    }
    if (static_cast<int>(seen.size()) != kDimensionCount) {
      for (int d = v1::LOYALTY; d <= v1::SELF_DISCIPLINE; ++d) {
        if (!seen.contains(d)) {
          return Invalid(dims, absl::StrCat(v1::Dimension_Name(static_cast<v1::Dimension>(d)),
                                            " is missing: a set has all five dimensions"));
        }
      }
    }
    RETURN_IF_ERROR(CheckSum(dims, dimension_sum, "dimension"));
  }

  if (set.profiles_size() > 0 && set.dimensions_size() == 0) {
    return Invalid(p + ".profiles", "profiles modify the base dimensions; add those first");
  }
  absl::flat_hash_set<std::string> profile_targets;
  for (int i = 0; i < set.profiles_size(); ++i) {
    const v1::Profile& profile = set.profiles(i);
    const std::string f = absl::StrCat(p, ".profiles[", i, "]");
    // The target is a oneof: at most one is set; an unspecified value is none.
    const bool has_tier = profile.post_tier() != v1::POST_TIER_UNSPECIFIED;
    const bool has_sector = profile.sector() != v1::SECTOR_UNSPECIFIED;
    if (!has_tier && !has_sector) {
      return Invalid(f, "set one of post_tier and sector");
    }
    if (has_tier && !v1::PostTier_IsValid(profile.post_tier())) {
      return Invalid(f + ".post_tier", "unknown post tier");
    }
    if (has_sector && !v1::Sector_IsValid(profile.sector())) {
      return Invalid(f + ".sector", "unknown sector");
    }
    const std::string target = has_tier ? "tier:" + v1::PostTier_Name(profile.post_tier())
                                        : "sector:" + v1::Sector_Name(profile.sector());
    if (!profile_targets.insert(target).second) {
      return Invalid(f, absl::StrCat("a second profile for ", target));
    }
    RETURN_IF_ERROR(CheckText(f + ".title", profile.title(), true, kMaxTitle));
    RETURN_IF_ERROR(CheckText(f + ".description", profile.description(), false, kMaxDescription));
    if (profile.dimension_weights_size() > 0) {
      RETURN_IF_ERROR(CheckDimensionWeights(f + ".dimension_weights", profile.dimension_weights()));
    }
    absl::flat_hash_set<std::string> own_additions;
    for (int c = 0; c < profile.added_criteria_size(); ++c) {
      RETURN_IF_ERROR(CheckCriterion(absl::StrCat(f, ".added_criteria[", c, "]"),
                                     profile.added_criteria(c), v1::DIMENSION_UNSPECIFIED, ids));
      own_additions.insert(profile.added_criteria(c).id());
    }
    for (int n = 0; n < profile.added_negative_items_size(); ++n) {
      RETURN_IF_ERROR(CheckNegativeItem(absl::StrCat(f, ".added_negative_items[", n, "]"),
                                        profile.added_negative_items(n), v1::DIMENSION_UNSPECIFIED,
                                        ids));
    }
    absl::flat_hash_set<std::string> reweighted;
    for (int c = 0; c < profile.criterion_weights_size(); ++c) {
      const v1::CriterionWeight& cw = profile.criterion_weights(c);
      const std::string cf = absl::StrCat(f, ".criterion_weights[", c, "]");
      if (!criterion_dimension.contains(cw.criterion_id()) &&
          !own_additions.contains(cw.criterion_id())) {
        return Invalid(cf + ".criterion_id",
                       absl::StrCat("\"", cw.criterion_id(),
                                    "\" is neither a base criterion nor added by this profile"));
      }
      if (!reweighted.insert(cw.criterion_id()).second) {
        return Invalid(cf + ".criterion_id",
                       absl::StrCat("\"", cw.criterion_id(), "\" is re-weighted twice"));
      }
      RETURN_IF_ERROR(CheckWeight(cf + ".weight", cw.weight()));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePublishable(absl::string_view prefix, const v1::IndicatorSet& set) {
  if (set.dimensions_size() == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        prefix, ".dimensions: the draft has no dimensions yet; a published set has all five"));
  }
  return ValidateIndicatorSet(prefix, set);
}

}  // namespace kaoping::indicators
