#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/evaluations/names.h"

namespace kaoping::evaluations {

// "{tier}-{sector}" in lowercase with '-' for '_', "general" for no sector:
// "principal-law-enforcement", "staff-general" (CampaignCatalog.name).
std::string CatalogId(v1::PostTier tier, v1::Sector sector);

// A catalog frozen into a campaign, indexed for checking and storing forms:
// a form's marks are kept as one byte per criterion in `criteria` order
// (the dimensions in order, each dimension's criteria in order).
struct FrozenCatalog {
  std::string id;
  v1::CampaignCatalog catalog;
  std::vector<const v1::Criterion*> criteria;
  std::vector<v1::Dimension> criterion_dimensions;
  absl::flat_hash_map<std::string, int> criterion_index;
  struct Item {
    const v1::NegativeItem* item;
    v1::Dimension dimension;
  };
  absl::flat_hash_map<std::string, Item> items;
  // Dimension weights by Dimension value (the tier profile applied).
  std::vector<double> dimension_weights = std::vector<double>(6, 0.0);

  // A negative item with its dimension filled in, or null.
  const Item* FindItem(const std::string& id) const;
};

std::shared_ptr<const FrozenCatalog> Index(std::string id, v1::CampaignCatalog catalog);

// Frozen catalogs never change, and neither does the catalog of a subject
// once set (subjects change only while DRAFT, when they have none): both are
// cached, so that a form is checked without reading them again. Bounded by
// clearing when full.
class CatalogCache {
 public:
  std::shared_ptr<const FrozenCatalog> Find(const CampaignKey& campaign,
                                            const std::string& catalog_id) const;
  void Put(const CampaignKey& campaign, std::shared_ptr<const FrozenCatalog> catalog) const;
  // The catalog id of a subject ("" when unknown).
  std::string SubjectCatalog(const CampaignKey& campaign, const std::string& subject_id) const;
  void PutSubject(const CampaignKey& campaign, const std::string& subject_id,
                  const std::string& catalog_id) const;

 private:
  static constexpr size_t kCatalogLimit = 4096;
  static constexpr size_t kSubjectLimit = 200000;
  mutable absl::Mutex mutex_;
  mutable absl::flat_hash_map<std::string, std::shared_ptr<const FrozenCatalog>> catalogs_
      ABSL_GUARDED_BY(mutex_);
  mutable absl::flat_hash_map<std::string, std::string> subjects_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace kaoping::evaluations
