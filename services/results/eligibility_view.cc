#include "services/results/eligibility_view.h"

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/results/use_policy.h"

namespace kaoping::results {

absl::StatusOr<std::optional<CadreFacts>> LoadCadreFacts(db::Transaction& tx,
                                                         const std::string& region_code,
                                                         const std::string& cadre_id) {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT content, facts_version FROM cadres"
                                           " WHERE region_code = $1 AND cadre_id = $2",
                                           {region_code, cadre_id}));
  if (rows.empty()) {
    return std::optional<CadreFacts>();
  }
  ASSIGN_OR_RETURN(v1::Cadre cadre, DecodeContent<v1::Cadre>(rows[0][0]));
  CadreFacts facts;
  facts.region_code = region_code;
  facts.cadre_id = cadre_id;
  facts.version = rows[0][1].AsInt();
  facts.status = cadre.status();
  facts.display_name = cadre.display_name();
  ASSIGN_OR_RETURN(std::vector<GradeFact> entries,
                   ArchiveStore().GradeFacts(tx, region_code, cadre_id));
  facts.grades = CurrentGrades(entries);
  ASSIGN_OR_RETURN(facts.vetoes, VetoStore().ForCadre(tx, region_code, cadre_id));
  return std::optional<CadreFacts>(std::move(facts));
}

absl::StatusOr<v1::Policy> LoadPolicy(db::Transaction& tx, const std::string& region_code) {
  ASSIGN_OR_RETURN(std::optional<v1::Policy> stored, PolicyStore().Find(tx, region_code));
  return stored.has_value() ? *std::move(stored) : DefaultPolicy(region_code);
}

absl::StatusOr<EligibilityView::Snapshot> EligibilityView::Read(
    db::Database& db, const std::string& region_code, const std::vector<std::string>& cadre_ids) {
  return db::RunInTransaction(db, db::Access::kReadOnly, [&](db::Transaction& tx) {
    return ReadIn(tx, region_code, cadre_ids);
  });
}

absl::StatusOr<EligibilityView::Snapshot> EligibilityView::ReadIn(
    db::Transaction& tx, const std::string& region_code,
    const std::vector<std::string>& cadre_ids) {
  ASSIGN_OR_RETURN(RosterStore::Versions versions,
                   RosterStore().FactsVersions(tx, region_code, cadre_ids));
  absl::flat_hash_map<std::string, int64_t> version_of(versions.cadres.begin(),
                                                       versions.cadres.end());
  Snapshot snapshot;
  ASSIGN_OR_RETURN(snapshot.policy, PolicyAt(tx, region_code, versions.policy_revision));
  snapshot.cadres.reserve(cadre_ids.size());
  for (const std::string& cadre_id : cadre_ids) {
    auto it = version_of.find(cadre_id);
    if (it == version_of.end()) {
      snapshot.cadres.push_back(nullptr);
      continue;
    }
    const std::string key = absl::StrCat(region_code, "/", cadre_id);
    std::shared_ptr<const CadreFacts> facts = Cached(key, it->second);
    if (facts == nullptr) {
      ASSIGN_OR_RETURN(std::optional<CadreFacts> loaded, LoadCadreFacts(tx, region_code, cadre_id));
      if (loaded.has_value()) {
        facts = std::make_shared<const CadreFacts>(*std::move(loaded));
        Keep(key, facts);
      }
    }
    snapshot.cadres.push_back(std::move(facts));
  }
  return snapshot;
}

std::shared_ptr<const CadreFacts> EligibilityView::Cached(const std::string& key,
                                                          int64_t version) const {
  absl::ReaderMutexLock lock(&mutex_);
  auto it = cadres_.find(key);
  if (it == cadres_.end() || it->second->version != version) {
    return nullptr;
  }
  return it->second;
}

void EligibilityView::Keep(const std::string& key, std::shared_ptr<const CadreFacts> facts) {
  absl::MutexLock lock(&mutex_);
  auto it = cadres_.find(key);
  if (it != cadres_.end()) {
    // A reader on an older snapshot never replaces newer facts.
    if (it->second->version < facts->version) {
      it->second = std::move(facts);
    }
    return;
  }
  if (cadres_.size() >= kMaxCadres) {
    cadres_.clear();
  }
  cadres_.emplace(key, std::move(facts));
}

absl::StatusOr<std::shared_ptr<const v1::Policy>> EligibilityView::PolicyAt(
    db::Transaction& tx, const std::string& region_code, int64_t revision) {
  {
    absl::ReaderMutexLock lock(&mutex_);
    auto it = policies_.find(region_code);
    if (it != policies_.end() && it->second->revision() == revision) {
      return it->second;
    }
  }
  ASSIGN_OR_RETURN(v1::Policy policy, LoadPolicy(tx, region_code));
  auto shared = std::make_shared<const v1::Policy>(std::move(policy));
  absl::MutexLock lock(&mutex_);
  auto [it, inserted] = policies_.try_emplace(region_code, shared);
  if (!inserted && it->second->revision() < shared->revision()) {
    it->second = shared;
  }
  return shared;
}

size_t EligibilityView::size() const {
  absl::ReaderMutexLock lock(&mutex_);
  return cadres_.size();
}

}  // namespace kaoping::results
