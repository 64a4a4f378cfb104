#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// The resource names of the evaluations service (protos/README.md,
// "EvaluationService"): their patterns, and the keys the store uses.
namespace kaoping::evaluations {

inline constexpr absl::string_view kRegionPattern = "regions/{region}";
inline constexpr absl::string_view kCampaignPattern = "regions/{region}/campaigns/{campaign}";
inline constexpr absl::string_view kSubjectPattern =
    "regions/{region}/campaigns/{campaign}/subjects/{subject}";
inline constexpr absl::string_view kSummaryPattern =
    "regions/{region}/campaigns/{campaign}/subjectSummaries/{subject}";
inline constexpr absl::string_view kInvitationPattern =
    "regions/{region}/campaigns/{campaign}/invitations/{invitation}";
inline constexpr absl::string_view kFormPattern =
    "regions/{region}/campaigns/{campaign}/forms/{form}";
inline constexpr absl::string_view kCatalogPattern =
    "regions/{region}/campaigns/{campaign}/catalogs/{catalog}";
inline constexpr absl::string_view kRunPattern =
    "regions/{region}/campaigns/{campaign}/aggregationRuns/{run}";
inline constexpr absl::string_view kProgressPattern =
    "regions/{region}/campaigns/{campaign}/progress";
inline constexpr absl::string_view kDiagnosticsPattern =
    "regions/{region}/campaigns/{campaign}/diagnostics";
inline constexpr absl::string_view kInterviewPattern =
    "regions/{region}/campaigns/{campaign}/subjects/{subject}/interviews/{interview}";
inline constexpr absl::string_view kReviewPattern =
    "regions/{region}/campaigns/{campaign}/subjects/{subject}/documentReviews/{review}";
inline constexpr absl::string_view kLeadPattern = "regions/{region}/leads/{lead}";
inline constexpr absl::string_view kNoticePattern = "regions/{region}/publicNotices/{notice}";
inline constexpr absl::string_view kStatisticsPattern = "regions/{region}/evaluationStatistics";
inline constexpr absl::string_view kCadrePattern = "regions/{region}/cadres/{cadre}";
inline constexpr absl::string_view kUnitPattern = "regions/{region}/units/{unit}";

// A campaign, as the store keys it.
struct CampaignKey {
  std::string region_code;
  std::string campaign_id;

  std::string Name() const;
  bool operator==(const CampaignKey&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const CampaignKey& k) {
    return H::combine(std::move(h), k.region_code, k.campaign_id);
  }
};

// Something directly inside a campaign (a subject, form, invitation, …).
struct CampaignChild {
  CampaignKey campaign;
  std::string id;
};

// The variables of `name` (found at `field`) matched against `pattern`, in
// order (the region first); INVALID_ARGUMENT naming the field when it does
// not match. `wildcard` lets the variable at that position be "-" (a List
// across a collection, e.g. campaigns/-/invitations).
absl::StatusOr<std::vector<std::string>> NameVariables(absl::string_view field,
                                                       absl::string_view name,
                                                       absl::string_view pattern,
                                                       int wildcard = -1);

absl::StatusOr<CampaignKey> ParseCampaign(absl::string_view field, absl::string_view name);
// regions/{r}/campaigns/{c}/<collection>/{id} (a singleton's name when
// `collection` is "progress" or "diagnostics": then id is empty).
absl::StatusOr<CampaignChild> ParseCampaignChild(absl::string_view field, absl::string_view name,
                                                 absl::string_view pattern);

std::string CampaignName(absl::string_view region_code, absl::string_view campaign_id);
std::string CampaignChildName(const CampaignKey& campaign, absl::string_view collection,
                              absl::string_view id);
std::string SubjectName(const CampaignKey& campaign, absl::string_view subject_id);
std::string CadreName(absl::string_view region_code, absl::string_view cadre_id);
std::string LeadName(absl::string_view region_code, absl::string_view lead_id);

// The last segment of a name.
std::string LastSegment(absl::string_view name);

// A random id for what the server names: 16 lowercase base32 characters
// (80 bits), revealing nothing about who or when.
std::string RandomId();

}  // namespace kaoping::evaluations
