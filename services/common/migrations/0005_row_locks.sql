-- Rows that transactions lock before checking an invariant that spans rows
-- ("one form per rater and subject", "at most N top grades", "two different
-- signers"): db::LockKey upserts (region_code, scope, lock_key), which holds
-- a row lock on PostgreSQL until the transaction ends; on SQLite writers are
-- serialized already. One row per key ever locked, never deleted.
CREATE TABLE row_locks (
  region_code TEXT NOT NULL,
  scope TEXT NOT NULL,
  lock_key TEXT NOT NULL,
  generation BIGINT NOT NULL,
  PRIMARY KEY (region_code, scope, lock_key)
);
