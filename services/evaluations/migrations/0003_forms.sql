-- Forms hold the answers and nothing about who gave them; form_seals holds
-- the sealed link from a form to its invitation (the rater), apart, read
-- only for the county's assessment team and auditors and for the rater's
-- own forms (EvaP's anonymity by construction: what was answered is stored
-- apart from who answered).
CREATE TABLE forms (
  region_code TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  form_id TEXT NOT NULL,            -- random
  subject_id TEXT NOT NULL,
  rater_group TEXT NOT NULL,
  channel TEXT NOT NULL,
  state TEXT NOT NULL,              -- SUBMITTED | VOIDED
  submit_micros BIGINT NOT NULL,
  grades BLOB NOT NULL,             -- one byte per criterion of the frozen catalog, in its order; 0 = cannot judge
  overall_grade BIGINT NOT NULL,
  straight_lined BIGINT NOT NULL,
  content BLOB NOT NULL,            -- kaoping.v1.Form: negative marks, comment, leads, void; no marks, no rater
  PRIMARY KEY (region_code, campaign_id, form_id)
);

CREATE INDEX forms_by_time ON forms (region_code, campaign_id, submit_micros, form_id);
CREATE INDEX forms_by_subject ON forms (region_code, campaign_id, subject_id, state);

CREATE TABLE form_seals (
  region_code TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  form_id TEXT NOT NULL,
  invitation_id TEXT NOT NULL,
  transcriber TEXT NOT NULL,        -- JWT `sub` of the team member who keyed it in, or ''
  paper_reference TEXT NOT NULL,    -- the slip's serial number, or ''
  counted BIGINT NOT NULL,          -- 1 until voided
  PRIMARY KEY (region_code, campaign_id, form_id)
);

CREATE INDEX form_seals_invitation ON form_seals (region_code, campaign_id, invitation_id);
-- A slip keyed in twice counts once.
CREATE UNIQUE INDEX form_seals_paper ON form_seals (region_code, campaign_id, paper_reference)
  WHERE paper_reference <> '' AND counted = 1;
