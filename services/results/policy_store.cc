#include "services/results/policy_store.h"

#include "services/common/status_macros.h"
#include "services/results/store_values.h"

namespace kaoping::results {

absl::StatusOr<std::optional<v1::Policy>> PolicyStore::Find(db::Transaction& tx,
                                                            const std::string& region_code) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT content FROM policies WHERE region_code = $1", {region_code}));
  if (rows.empty()) {
    return std::optional<v1::Policy>();
  }
  ASSIGN_OR_RETURN(v1::Policy policy, DecodeContent<v1::Policy>(rows[0][0]));
  return std::optional<v1::Policy>(std::move(policy));
}

absl::Status PolicyStore::Put(db::Transaction& tx, const std::string& region_code,
                              const v1::Policy& policy, int64_t expected_revision) const {
  const db::Blob content{policy.SerializeAsString()};
  if (expected_revision == 0) {
    auto inserted =
        tx.Execute("INSERT INTO policies (region_code, revision, content) VALUES ($1, $2, $3)",
                   {region_code, policy.revision(), content});
    if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
      return ChangedOne(0, policy.name());
    }
    return inserted.status();
  }
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE policies SET revision = $2, content = $3"
                              " WHERE region_code = $1 AND revision = $4",
                              {region_code, policy.revision(), content, expected_revision}));
  return ChangedOne(changed, policy.name());
}

}  // namespace kaoping::results
