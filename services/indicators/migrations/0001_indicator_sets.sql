-- Indicator sets: one row per version of a region's catalog. The content
-- is the serialized kaoping.v1.IndicatorSet; the columns beside it are what
-- queries select and order by.
CREATE TABLE indicator_sets (
  region_code TEXT NOT NULL,
  set_id TEXT NOT NULL,
  state TEXT NOT NULL,              -- DRAFT | PUBLISHED | RETIRED
  revision BIGINT NOT NULL,
  effective_from TEXT,              -- YYYY-MM-DD (China Standard Time), set on publish
  effective_until TEXT,             -- first day no longer effective, set on retire
  publish_micros BIGINT,
  content BLOB NOT NULL,
  PRIMARY KEY (region_code, set_id)
);

CREATE INDEX indicator_sets_effective
  ON indicator_sets (region_code, state, effective_from);
