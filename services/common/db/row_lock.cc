#include "services/common/db/row_lock.h"

namespace kaoping::db {

absl::Status LockKey(Transaction& tx, absl::string_view scope, absl::string_view region_code,
                     absl::string_view key) {
  return tx
      .Execute(
          "INSERT INTO row_locks (region_code, scope, lock_key, generation) VALUES ($1, $2, $3, 1)"
          " ON CONFLICT (region_code, scope, lock_key)"
          " DO UPDATE SET generation = row_locks.generation + 1",
          {region_code, scope, key})
      .status();
}

}  // namespace kaoping::db
