-- Seals of what an audit chain could otherwise lose without a trace (keyed
-- like the links, see services/common/audit/audit_log.h): each chain head,
-- so that cutting entries off the end and rewriting the head is found, and
-- the set of regions that have a chain, so that deleting a whole chain is
-- found. Heads written before this migration are sealed once at start-up,
-- after their chains verify.
ALTER TABLE audit_head ADD COLUMN seal TEXT NOT NULL DEFAULT '';

CREATE TABLE audit_region_set (
  singleton BIGINT NOT NULL PRIMARY KEY,
  regions BIGINT NOT NULL,
  seal TEXT NOT NULL
);

INSERT INTO audit_region_set (singleton, regions, seal) VALUES (1, 0, '');
