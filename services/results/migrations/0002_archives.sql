-- Archives (政治素质档案): append-only entries per cadre. The content is the
-- serialized kaoping.v1.ArchiveEntry as written and never changes; only
-- superseded_by is set later, when a CORRECTION supersedes the entry.
CREATE TABLE archive_entries (
  region_code TEXT NOT NULL,
  cadre_id TEXT NOT NULL,
  entry_seq BIGINT NOT NULL,        -- the entry id; a cadre's newest is the highest
  kind TEXT NOT NULL,               -- APPRAISAL | VERIFIED_LEAD | CORRECTION
  grade TEXT NOT NULL,
  conclude_date TEXT,               -- YYYY-MM-DD, China Standard Time
  vetoed BIGINT NOT NULL,
  unit_id TEXT NOT NULL,            -- the cadre's unit when written
  supersedes BIGINT,
  superseded_by BIGINT,
  record_micros BIGINT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (region_code, cadre_id, entry_seq)
);

CREATE INDEX archive_entries_by_conclusion ON archive_entries (region_code, kind, conclude_date);

-- Concluded appraisals applied (by event or by hand): keyed by appraisal,
-- with the SHA-256 of the signed content applied.
CREATE TABLE applied_appraisals (
  region_code TEXT NOT NULL,
  appraisal_id TEXT NOT NULL,
  content_sha256 BLOB NOT NULL,
  cadre_id TEXT NOT NULL,
  entry_seq BIGINT NOT NULL,
  PRIMARY KEY (region_code, appraisal_id)
);

-- Verified leads archived as VERIFIED_LEAD entries (LeadVerified), keyed by lead.
CREATE TABLE applied_leads (
  region_code TEXT NOT NULL,
  lead_id TEXT NOT NULL,
  cadre_id TEXT NOT NULL,
  entry_seq BIGINT,                 -- NULL when the lead was unfounded: nothing archived
  PRIMARY KEY (region_code, lead_id)
);
