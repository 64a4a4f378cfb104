#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/common/db/database.h"

namespace kaoping::db {

// Serializes, until `tx` ends, every read-write transaction that locks the
// same (scope, region_code, key), on both stores: take it before reading the
// rows an invariant is about, then check and write. For example, at most
// one form per rater and subject:
//
//   RETURN_IF_ERROR(db::LockKey(tx, "form", region_code, absl::StrCat(rater, "/", subject)));
//   ASSIGN_OR_RETURN(bool exists, store.FormExists(tx, …));  // sees every committed form
//
// PostgreSQL: an upsert of a `row_locks` row, which holds its row lock;
// statements after it see what the previous holder committed (read-write
// transactions are READ COMMITTED). SQLite: writers already hold the one
// write lock, the upsert only keeps the SQL the same. `scope` names the
// invariant, so that unrelated invariants never wait for each other.
// Needs the common migrations (table row_locks).
absl::Status LockKey(Transaction& tx, absl::string_view scope, absl::string_view region_code,
                     absl::string_view key);

}  // namespace kaoping::db
