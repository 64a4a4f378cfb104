#include "services/evaluations/frozen_catalog.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace kaoping::evaluations {
namespace {

std::string Lower(absl::string_view name) {
  return absl::StrReplaceAll(absl::AsciiStrToLower(name), {{"_", "-"}});
}

std::string Key(const CampaignKey& campaign, absl::string_view id) {
  return absl::StrCat(campaign.region_code, "/", campaign.campaign_id, "/", id);
}

}  // namespace

std::string CatalogId(v1::PostTier tier, v1::Sector sector) {
  return absl::StrCat(
      Lower(v1::PostTier_Name(tier)), "-",
      sector == v1::SECTOR_UNSPECIFIED ? "general" : Lower(v1::Sector_Name(sector)));
}

const FrozenCatalog::Item* FrozenCatalog::FindItem(const std::string& id) const {
  auto it = items.find(id);
  return it == items.end() ? nullptr : &it->second;
}

std::shared_ptr<const FrozenCatalog> Index(std::string id, v1::CampaignCatalog catalog) {
  auto frozen = std::make_shared<FrozenCatalog>();
  frozen->id = std::move(id);
  frozen->catalog = std::move(catalog);
  for (const v1::DimensionSpec& spec : frozen->catalog.catalog().dimensions()) {
    if (spec.dimension() > 0 && spec.dimension() < 6) {
      frozen->dimension_weights[spec.dimension()] = spec.weight();
    }
    for (const v1::Criterion& criterion : spec.criteria()) {
      frozen->criterion_index.emplace(criterion.id(), static_cast<int>(frozen->criteria.size()));
      frozen->criteria.push_back(&criterion);
      frozen->criterion_dimensions.push_back(spec.dimension());
    }
    for (const v1::NegativeItem& item : spec.negative_items()) {
      frozen->items.emplace(item.id(), FrozenCatalog::Item{&item, spec.dimension()});
    }
  }
  return frozen;
}

std::shared_ptr<const FrozenCatalog> CatalogCache::Find(const CampaignKey& campaign,
                                                        const std::string& catalog_id) const {
  absl::MutexLock lock(&mutex_);
  auto it = catalogs_.find(Key(campaign, catalog_id));
  return it == catalogs_.end() ? nullptr : it->second;
}

void CatalogCache::Put(const CampaignKey& campaign,
                       std::shared_ptr<const FrozenCatalog> catalog) const {
  const std::string key = Key(campaign, catalog->id);
  absl::MutexLock lock(&mutex_);
  if (catalogs_.size() >= kCatalogLimit) {
    catalogs_.clear();
  }
  catalogs_.emplace(key, std::move(catalog));
}

std::string CatalogCache::SubjectCatalog(const CampaignKey& campaign,
                                         const std::string& subject_id) const {
  absl::MutexLock lock(&mutex_);
  auto it = subjects_.find(Key(campaign, subject_id));
  return it == subjects_.end() ? "" : it->second;
}

void CatalogCache::PutSubject(const CampaignKey& campaign, const std::string& subject_id,
                              const std::string& catalog_id) const {
  const std::string key = Key(campaign, subject_id);
  absl::MutexLock lock(&mutex_);
  if (subjects_.size() >= kSubjectLimit) {
    subjects_.clear();
  }
  subjects_.emplace(key, catalog_id);
}

}  // namespace kaoping::evaluations
