#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/db/database.h"
#include "services/results/archive_store.h"
#include "services/results/eligibility_rule.h"
#include "services/results/policy_store.h"
#include "services/results/roster_store.h"
#include "services/results/veto_store.h"

namespace kaoping::results {

// The facts of one cadre read from the store in the caller's transaction
// (nullopt when the cadre does not exist).
absl::StatusOr<std::optional<CadreFacts>> LoadCadreFacts(db::Transaction& tx,
                                                         const std::string& region_code,
                                                         const std::string& cadre_id);
// The region's policy: the stored one, or the defaults (revision 0).
absl::StatusOr<v1::Policy> LoadPolicy(db::Transaction& tx, const std::string& region_code);

// What eligibility reads, kept in memory and checked against the store on
// every read with one indexed statement (the cadres' facts_version and the
// policy's revision), so that an answer is never staler than the read
// transaction it is given in, on any instance: whatever changes a cadre's
// facts moves its version in the same transaction (RosterStore,
// ArchiveWriter). A cadre whose version moved is read again (three small
// statements); the rest is served from memory. Thread-safe.
class EligibilityView {
 public:
  // What one read needs: the facts of the cadres asked for (null for those
  // that do not exist), in order, and the policy, consistent with each
  // other.
  struct Snapshot {
    std::vector<std::shared_ptr<const CadreFacts>> cadres;
    std::shared_ptr<const v1::Policy> policy;
  };

  absl::StatusOr<Snapshot> Read(db::Database& db, const std::string& region_code,
                                const std::vector<std::string>& cadre_ids);

  // Cached cadres (for tests and the benchmark's report).
  size_t size() const;

  // Beyond this many cadres the cache starts again empty (a province's
  // worth of cadres stays well below it).
  static constexpr size_t kMaxCadres = 500000;

 private:
  absl::StatusOr<Snapshot> ReadIn(db::Transaction& tx, const std::string& region_code,
                                  const std::vector<std::string>& cadre_ids);
  std::shared_ptr<const CadreFacts> Cached(const std::string& key, int64_t version) const;
  void Keep(const std::string& key, std::shared_ptr<const CadreFacts> facts);
  absl::StatusOr<std::shared_ptr<const v1::Policy>> PolicyAt(db::Transaction& tx,
                                                             const std::string& region_code,
                                                             int64_t revision);

  mutable absl::Mutex mutex_;
  absl::flat_hash_map<std::string, std::shared_ptr<const CadreFacts>> cadres_
      ABSL_GUARDED_BY(mutex_);
  absl::flat_hash_map<std::string, std::shared_ptr<const v1::Policy>> policies_
      ABSL_GUARDED_BY(mutex_);
};

}  // namespace kaoping::results
