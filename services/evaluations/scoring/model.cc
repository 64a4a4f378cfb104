#include "services/evaluations/scoring/model.h"

#include "absl/strings/str_cat.h"

namespace kaoping::scoring {
namespace {

std::string Unknown(int value) { return absl::StrCat("UNKNOWN(", value, ")"); }

}  // namespace

std::string GradeName(Grade grade) {
  switch (grade) {
    case Grade::kUnspecified:
      return "UNSPECIFIED";
    case Grade::kGood:
      return "GOOD";
    case Grade::kFairlyGood:
      return "FAIRLY_GOOD";
    case Grade::kAverage:
      return "AVERAGE";
    case Grade::kPoor:
      return "POOR";
  }
  return Unknown(static_cast<int>(grade));
}

std::string RaterGroupName(RaterGroup group) {
  switch (group) {
    case RaterGroup::kSuperior:
      return "SUPERIOR";
    case RaterGroup::kPeer:
      return "PEER";
    case RaterGroup::kSubordinate:
      return "SUBORDINATE";
    case RaterGroup::kPublic:
      return "PUBLIC";
  }
  return Unknown(static_cast<int>(group));
}

std::string DimensionName(Dimension dimension) {
  switch (dimension) {
    case Dimension::kLoyalty:
      return "LOYALTY";
    case Dimension::kSteadfastness:
      return "STEADFASTNESS";
    case Dimension::kResponsibility:
      return "RESPONSIBILITY";
    case Dimension::kCapability:
      return "CAPABILITY";
    case Dimension::kSelfDiscipline:
      return "SELF_DISCIPLINE";
  }
  return Unknown(static_cast<int>(dimension));
}

std::string SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kNote:
      return "NOTE";
    case Severity::kDeduct:
      return "DEDUCT";
    case Severity::kVeto:
      return "VETO";
  }
  return Unknown(static_cast<int>(severity));
}

std::string PostTierName(PostTier tier) {
  switch (tier) {
    case PostTier::kPrincipal:
      return "PRINCIPAL";
    case PostTier::kDeputy:
      return "DEPUTY";
    case PostTier::kFrontline:
      return "FRONTLINE";
    case PostTier::kStaff:
      return "STAFF";
  }
  return Unknown(static_cast<int>(tier));
}

}  // namespace kaoping::scoring
