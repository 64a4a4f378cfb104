-- Invitations: who rates (the rater's identity lives here and nowhere near
-- the answers), and their assignments: which subject in which rater group,
-- and which counted form answers it.
CREATE TABLE invitations (
  region_code TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  invitation_id TEXT NOT NULL,      -- random; reveals nothing about the rater
  state TEXT NOT NULL,              -- ACTIVE | REVOKED (progress is derived from assignments)
  principal TEXT NOT NULL,          -- the rater's JWT `sub` (invitation:{name} without an account)
  rater_cadre TEXT NOT NULL,        -- regions/{r}/cadres/{c}, or ''
  channel TEXT NOT NULL,
  revision BIGINT NOT NULL,
  create_micros BIGINT NOT NULL,
  update_micros BIGINT NOT NULL,
  code_hash TEXT,                   -- SHA-256 of the pending one-time code; NULL once redeemed or reset
  code_expire_micros BIGINT,
  content BLOB NOT NULL,            -- kaoping.v1.Invitation without assignments and code
  PRIMARY KEY (region_code, campaign_id, invitation_id)
);

CREATE UNIQUE INDEX invitations_principal ON invitations (region_code, campaign_id, principal);
CREATE UNIQUE INDEX invitations_cadre ON invitations (region_code, campaign_id, rater_cadre)
  WHERE rater_cadre <> '';
-- Codes are unique within a region: the gateway redeems by region and code.
CREATE UNIQUE INDEX invitations_code ON invitations (region_code, code_hash)
  WHERE code_hash IS NOT NULL;
CREATE INDEX invitations_by_principal ON invitations (region_code, principal);

CREATE TABLE assignments (
  region_code TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  invitation_id TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  rater_group TEXT NOT NULL,
  form_id TEXT,                     -- the counted form answering it; NULL while pending
  PRIMARY KEY (region_code, campaign_id, invitation_id, subject_id)
);

CREATE INDEX assignments_subject ON assignments (region_code, campaign_id, subject_id);
