-- The roster: units and cadres of each region, as the cadre management
-- system pushes them (ImportRoster) and as corrected by hand. The content is
-- the serialized kaoping.v1.Unit / kaoping.v1.Cadre without its output-only
-- counts; the columns beside it are what queries filter and order by.
CREATE TABLE units (
  region_code TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  sector TEXT NOT NULL,
  state TEXT NOT NULL,              -- ACTIVE | DISSOLVED
  revision BIGINT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (region_code, unit_id)
);

CREATE INDEX units_by_display_name ON units (region_code, display_name, unit_id);

CREATE TABLE cadres (
  region_code TEXT NOT NULL,
  cadre_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  post_tier TEXT NOT NULL,
  sector TEXT NOT NULL,
  cadre_rank TEXT NOT NULL,
  status TEXT NOT NULL,             -- ACTIVE | TRANSFERRED_OUT | RETIRED | INACTIVE
  revision BIGINT NOT NULL,
  -- Increases whenever anything eligibility reads about the cadre changes
  -- (the row, an archive entry, a veto): the in-memory eligibility view
  -- compares it in one indexed read.
  facts_version BIGINT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (region_code, cadre_id)
);

CREATE INDEX cadres_by_unit ON cadres (region_code, unit_id, display_name, cadre_id);
