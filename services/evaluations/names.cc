#include "services/evaluations/names.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/api/resource_name.h"
#include "services/common/crypto.h"
#include "services/common/region.h"

namespace kaoping::evaluations {
namespace {

bool IsVariable(absl::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::string CampaignKey::Name() const { return CampaignName(region_code, campaign_id); }

absl::StatusOr<std::vector<std::string>> NameVariables(absl::string_view field,
                                                       absl::string_view name,
                                                       absl::string_view pattern, int wildcard) {
  const std::vector<absl::string_view> want = absl::StrSplit(pattern, '/');
  const std::vector<absl::string_view> got = absl::StrSplit(name, '/');
  bool ok = want.size() == got.size();
  std::vector<std::string> variables;
  for (size_t i = 0; ok && i < want.size(); ++i) {
    if (!IsVariable(want[i])) {
      ok = want[i] == got[i];
      continue;
    }
    const int position = static_cast<int>(variables.size());
    if (position == 0) {
      ok = IsValidRegionCode(got[i]);
    } else {
      ok = IsValidResourceId(got[i]) || (position == wildcard && got[i] == "-");
    }
    variables.emplace_back(got[i]);
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", QuoteInput(name), " is not a name of the form ", pattern));
  }
  return variables;
}

absl::StatusOr<CampaignKey> ParseCampaign(absl::string_view field, absl::string_view name) {
  absl::StatusOr<std::vector<std::string>> vars = NameVariables(field, name, kCampaignPattern);
  if (!vars.ok()) {
    return vars.status();
  }
  return CampaignKey{(*vars)[0], (*vars)[1]};
}

absl::StatusOr<CampaignChild> ParseCampaignChild(absl::string_view field, absl::string_view name,
                                                 absl::string_view pattern) {
  absl::StatusOr<std::vector<std::string>> vars = NameVariables(field, name, pattern);
  if (!vars.ok()) {
    return vars.status();
  }
  return CampaignChild{CampaignKey{(*vars)[0], (*vars)[1]}, vars->size() > 2 ? (*vars)[2] : ""};
}

std::string CampaignName(absl::string_view region_code, absl::string_view campaign_id) {
  return absl::StrCat("regions/", region_code, "/campaigns/", campaign_id);
}

std::string CampaignChildName(const CampaignKey& campaign, absl::string_view collection,
                              absl::string_view id) {
  return absl::StrCat(campaign.Name(), "/", collection, "/", id);
}

std::string SubjectName(const CampaignKey& campaign, absl::string_view subject_id) {
  return CampaignChildName(campaign, "subjects", subject_id);
}

std::string CadreName(absl::string_view region_code, absl::string_view cadre_id) {
  return absl::StrCat("regions/", region_code, "/cadres/", cadre_id);
}

std::string LeadName(absl::string_view region_code, absl::string_view lead_id) {
  return absl::StrCat("regions/", region_code, "/leads/", lead_id);
}

std::string LastSegment(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

std::string RandomId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  const std::string bytes = RandomBytes(10);
  std::string id;
  id.reserve(16);
  uint64_t bits = 0;
  int have = 0;
  for (unsigned char byte : bytes) {
    bits = (bits << 8) | byte;
    have += 8;
    while (have >= 5) {
      have -= 5;
      id.push_back(kAlphabet[(bits >> have) & 31]);
    }
  }
  return id;
}

}  // namespace kaoping::evaluations
