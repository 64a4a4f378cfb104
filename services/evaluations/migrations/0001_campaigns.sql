-- Campaigns, their frozen catalogs and their subjects. Contents are the
-- serialized kaoping.v1 messages; the columns beside them are what queries
-- select, order and count by.
CREATE TABLE campaigns (
  region_code TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  state TEXT NOT NULL,              -- DRAFT | OPEN | CLOSED | AGGREGATED
  kind TEXT NOT NULL,
  revision BIGINT NOT NULL,         -- of what an etag covers (counts excluded)
  create_micros BIGINT NOT NULL,
  open_day TEXT,                    -- YYYY-MM-DD (China Standard Time) of opening
  subject_count BIGINT NOT NULL DEFAULT 0,
  invitation_count BIGINT NOT NULL DEFAULT 0,
  form_count BIGINT NOT NULL DEFAULT 0,   -- counted: submitted, not voided
  content BLOB NOT NULL,            -- kaoping.v1.Campaign, counts left out
  PRIMARY KEY (region_code, campaign_id)
);

CREATE INDEX campaigns_newest ON campaigns (region_code, create_micros, campaign_id);

-- One per (post tier, sector) among a campaign's subjects, frozen when the
-- campaign opens (or when a subject with a new pair joins an open one).
CREATE TABLE campaign_catalogs (
  region_code TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  catalog_id TEXT NOT NULL,         -- "{tier}-{sector}", e.g. principal-education
  content BLOB NOT NULL,            -- kaoping.v1.CampaignCatalog, subject_count left out
  PRIMARY KEY (region_code, campaign_id, catalog_id)
);

CREATE TABLE subjects (
  region_code TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  cadre_id TEXT NOT NULL,
  unit TEXT NOT NULL,               -- regions/{r}/units/{u}, or '' when the roster has none
  display_name TEXT NOT NULL,
  post_tier TEXT NOT NULL,
  sector TEXT NOT NULL,
  catalog_id TEXT,                  -- NULL while the campaign is a DRAFT
  revision BIGINT NOT NULL,
  content BLOB NOT NULL,            -- kaoping.v1.Subject, counts left out
  overrides TEXT NOT NULL,          -- profile fields given by hand, kept when the roster is read again
  PRIMARY KEY (region_code, campaign_id, subject_id)
);

CREATE UNIQUE INDEX subjects_cadre ON subjects (region_code, campaign_id, cadre_id);
CREATE INDEX subjects_by_unit ON subjects (region_code, campaign_id, unit, display_name, subject_id);
