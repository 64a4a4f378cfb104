#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "kaoping/v1/indicators.pb.h"

// Small hand-made indicator sets, easy to reason about: the tests change one
// thing in them and expect exactly one complaint.
namespace kaoping::indicators::testing {

// "loyalty", "steadfastness", …: the id stem of a dimension.
inline std::string Stem(v1::Dimension d) {
  switch (d) {
    case v1::LOYALTY:
      return "loyalty";
    case v1::STEADFASTNESS:
      return "steadfastness";
    case v1::RESPONSIBILITY:
      return "responsibility";
    case v1::CAPABILITY:
      return "capability";
    case v1::SELF_DISCIPLINE:
      return "self-discipline";
    default:
      return "unknown";
  }
}

// A valid, publishable set: the five dimensions in order, each weighted 0.2,
// each with criteria "<stem>-c1" and "<stem>-c2" (0.5 each; the enclosing
// dimension left implied) and one negative item "<stem>-n1" (LOYALTY: VETO,
// STEADFASTNESS: NOTE, the others: DEDUCT 5). No profiles.
inline v1::IndicatorSet SmallSet() {
  v1::IndicatorSet set;
  set.set_display_name("小型指标体系");
  set.set_description("a set for tests");
  for (int d = v1::LOYALTY; d <= v1::SELF_DISCIPLINE; ++d) {
    const auto dimension = static_cast<v1::Dimension>(d);
    v1::DimensionSpec* spec = set.add_dimensions();
    spec->set_dimension(dimension);
    spec->set_title(absl::StrCat(v1::Dimension_Name(dimension), " title"));
    spec->set_weight(0.2);
    for (int c = 1; c <= 2; ++c) {
      v1::Criterion* criterion = spec->add_criteria();
      criterion->set_id(absl::StrCat(Stem(dimension), "-c", c));
      criterion->set_title(absl::StrCat("criterion ", c, " of ", Stem(dimension)));
      criterion->set_weight(0.5);
    }
    v1::NegativeItem* item = spec->add_negative_items();
    item->set_id(absl::StrCat(Stem(dimension), "-n1"));
    item->set_title(absl::StrCat("negative item of ", Stem(dimension)));
    if (dimension == v1::LOYALTY) {
      item->set_severity(v1::VETO);
    } else if (dimension == v1::STEADFASTNESS) {
      item->set_severity(v1::NOTE);
    } else {
      item->set_severity(v1::DEDUCT);
      item->set_deduction(5);
    }
  }
  return set;
}

inline void SetDimensionWeights(v1::Profile& profile, double loyalty, double steadfastness,
                                double responsibility, double capability, double self_discipline) {
  profile.clear_dimension_weights();
  const double weights[] = {loyalty, steadfastness, responsibility, capability, self_discipline};
  for (int d = v1::LOYALTY; d <= v1::SELF_DISCIPLINE; ++d) {
    v1::DimensionWeight* w = profile.add_dimension_weights();
    w->set_dimension(static_cast<v1::Dimension>(d));
    w->set_weight(weights[d - 1]);
  }
}

// A PRINCIPAL tier profile: dimension weights 0.4/0.1/0.2/0.2/0.1,
// loyalty-c1 re-weighted to 1.5, adds criterion "principal-c1"
// (RESPONSIBILITY, 0.5) and negative item "principal-n1" (LOYALTY, DEDUCT 8).
inline v1::Profile PrincipalProfile() {
  v1::Profile profile;
  profile.set_post_tier(v1::PRINCIPAL);
  profile.set_title("一把手");
  SetDimensionWeights(profile, 0.4, 0.1, 0.2, 0.2, 0.1);
  v1::CriterionWeight* cw = profile.add_criterion_weights();
  cw->set_criterion_id("loyalty-c1");
  cw->set_weight(1.5);
  v1::Criterion* added = profile.add_added_criteria();
  added->set_id("principal-c1");
  added->set_dimension(v1::RESPONSIBILITY);
  added->set_title("把方向管大局");
  added->set_weight(0.5);
  v1::NegativeItem* item = profile.add_added_negative_items();
  item->set_id("principal-n1");
  item->set_dimension(v1::LOYALTY);
  item->set_title("搞一言堂");
  item->set_severity(v1::DEDUCT);
  item->set_deduction(8);
  return profile;
}

// An EDUCATION sector profile: capability-c2 re-weighted to 1.5, adds
// criterion "education-c1" (CAPABILITY, 1.0) and negative item
// "education-n1" (SELF_DISCIPLINE, VETO). No dimension weights.
inline v1::Profile EducationProfile() {
  v1::Profile profile;
  profile.set_sector(v1::EDUCATION);
  profile.set_title("教育");
  v1::CriterionWeight* cw = profile.add_criterion_weights();
  cw->set_criterion_id("capability-c2");
  cw->set_weight(1.5);
  v1::Criterion* added = profile.add_added_criteria();
  added->set_id("education-c1");
  added->set_dimension(v1::CAPABILITY);
  added->set_title("立德树人");
  added->set_weight(1.0);
  v1::NegativeItem* item = profile.add_added_negative_items();
  item->set_id("education-n1");
  item->set_dimension(v1::SELF_DISCIPLINE);
  item->set_title("违规收受家长礼金");
  item->set_severity(v1::VETO);
  return profile;
}

// SmallSet() with the EDUCATION profile listed before the PRINCIPAL one (the
// order of application must not depend on the order of listing).
inline v1::IndicatorSet SmallSetWithProfiles() {
  v1::IndicatorSet set = SmallSet();
  *set.add_profiles() = EducationProfile();
  *set.add_profiles() = PrincipalProfile();
  return set;
}

// Deterministic bytes of a message, for "byte-identical" comparisons.
inline std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&out);
  }
  return bytes;
}

}  // namespace kaoping::indicators::testing
