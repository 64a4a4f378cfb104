#include "services/evaluations/profiles.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/status_macros.h"
#include "services/evaluations/frozen_catalog.h"

namespace kaoping::evaluations {
namespace {

bool Overrides(const StoredSubject& s, absl::string_view field) {
  return std::find(s.overrides.begin(), s.overrides.end(), field) != s.overrides.end();
}

void CopyProfile(const v1::Cadre& cadre, StoredSubject& s) {
  v1::Subject& subject = s.subject;
  subject.set_display_name(cadre.display_name());
  if (!Overrides(s, "unit")) subject.set_unit(cadre.unit());
  if (!Overrides(s, "post_title")) subject.set_post_title(cadre.post_title());
  if (!Overrides(s, "post_tier")) subject.set_post_tier(cadre.post_tier());
  if (!Overrides(s, "rank")) subject.set_rank(cadre.rank());
  if (!Overrides(s, "sector")) subject.set_sector(cadre.sector());
}

}  // namespace

absl::StatusOr<std::string> Profiles::UnitName(
    absl::string_view token, const std::string& unit,
    absl::flat_hash_map<std::string, std::string>& seen) const {
  if (unit.empty()) {
    return std::string();
  }
  if (auto it = seen.find(unit); it != seen.end()) {
    return it->second;
  }
  absl::StatusOr<v1::Unit> found = ctx_.downstream.roster->GetUnit(token, unit);
  std::string name;
  if (found.ok()) {
    name = found->display_name();
  } else if (found.status().code() != absl::StatusCode::kNotFound) {
    return found.status();
  }
  seen[unit] = name;
  return name;
}

absl::Status Profiles::Refresh(absl::string_view token, const std::string& region_code,
                               std::vector<StoredSubject*> subjects,
                               absl::string_view field) const {
  std::vector<std::string> fields;
  for (const StoredSubject* s : subjects) {
    fields.push_back(field.empty() ? s->subject.name() : std::string(field));
  }
  ASSIGN_OR_RETURN(std::vector<absl::Status> each,
                   RefreshEach(token, region_code, std::move(subjects), fields));
  for (const absl::Status& status : each) {
    RETURN_IF_ERROR(status);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<absl::Status>> Profiles::RefreshEach(
    absl::string_view token, const std::string& region_code, std::vector<StoredSubject*> subjects,
    const std::vector<std::string>& fields) const {
  std::vector<absl::Status> each(subjects.size());
  if (subjects.empty()) {
    return each;
  }
  std::vector<std::string> names;
  for (const StoredSubject* s : subjects) {
    names.push_back(s->subject.cadre());
  }
  ASSIGN_OR_RETURN(v1::BatchGetCadresResponse found,
                   ctx_.downstream.roster->BatchGetCadres(token, region_code, names));
  absl::flat_hash_map<std::string, const v1::Cadre*> by_name;
  for (const v1::Cadre& cadre : found.cadres()) {
    by_name[cadre.name()] = &cadre;
  }
  absl::flat_hash_map<std::string, std::string> units;
  for (size_t i = 0; i < subjects.size(); ++i) {
    StoredSubject& s = *subjects[i];
    auto it = by_name.find(s.subject.cadre());
    if (it == by_name.end()) {
      each[i] = absl::NotFoundError(absl::StrCat(fields[i], ": ", s.subject.cadre(),
                                                 " is not in the roster of ", region_code));
      continue;
    }
    if (it->second->status() != v1::Cadre::ACTIVE &&
        it->second->status() != v1::Cadre::STATUS_UNSPECIFIED) {
      each[i] = absl::FailedPreconditionError(
          absl::StrCat(fields[i], ": ", s.subject.cadre(), " is ",
                       v1::Cadre::Status_Name(it->second->status()), " on the roster"));
      continue;
    }
    CopyProfile(*it->second, s);
    ASSIGN_OR_RETURN(std::string unit_name, UnitName(token, s.subject.unit(), units));
    s.subject.set_unit_display_name(unit_name);
  }
  return each;
}

absl::StatusOr<v1::CampaignCatalog> Profiles::FreezeCatalog(absl::string_view token,
                                                            const CampaignKey& campaign,
                                                            absl::CivilDay day, v1::PostTier tier,
                                                            v1::Sector sector) const {
  if (tier == v1::POST_TIER_UNSPECIFIED) {
    return absl::FailedPreconditionError(
        "a subject has no post tier (neither given nor on the roster): set subject.post_tier");
  }
  v1::ResolveCatalogRequest request;
  request.set_region(RegionName(campaign.region_code));
  request.set_post_tier(tier);
  request.set_sector(sector);
  *request.mutable_date() = CivilDayToDate(day);
  absl::StatusOr<v1::ResolvedCatalog> resolved = ctx_.downstream.catalogs->Resolve(token, request);
  if (!resolved.ok()) {
    if (resolved.status().code() == absl::StatusCode::kFailedPrecondition) {
      return absl::FailedPreconditionError(absl::StrCat(
          "no published catalog effective on ", FormatDay(day), " for ", v1::PostTier_Name(tier),
          "/", sector == v1::SECTOR_UNSPECIFIED ? "no sector" : v1::Sector_Name(sector), " (",
          resolved.status().message(), ")"));
    }
    return resolved.status();
  }
  const std::string id = CatalogId(tier, sector);
  v1::CampaignCatalog catalog;
  catalog.set_name(CampaignChildName(campaign, "catalogs", id));
  v1::CatalogRef* ref = catalog.mutable_ref();
  ref->set_indicator_set(resolved->indicator_set());
  ref->set_indicator_set_revision(resolved->indicator_set_revision());
  ref->set_post_tier(tier);
  ref->set_sector(sector);
  *ref->mutable_applied_profiles() = resolved->applied_profiles();
  ref->set_campaign_catalog(catalog.name());
  *catalog.mutable_catalog() = *std::move(resolved);
  *catalog.mutable_freeze_time() = ToProtoTimestamp(ctx_.Now());
  return catalog;
}

}  // namespace kaoping::evaluations
