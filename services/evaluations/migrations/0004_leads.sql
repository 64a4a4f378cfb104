-- Leads (线索) and their verification. The reporter is kept in a column of
-- its own, apart from the content every reader gets.
CREATE TABLE leads (
  region_code TEXT NOT NULL,
  lead_id TEXT NOT NULL,
  source TEXT NOT NULL,
  state TEXT NOT NULL,
  cadre_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL,        -- '' when attached to none
  subject_id TEXT NOT NULL,         -- '' when attached to none
  negative_item_id TEXT NOT NULL,   -- '' until classified
  severity TEXT NOT NULL,           -- of the alleged (or, once verified, the confirmed) item
  source_system TEXT NOT NULL,      -- JWT `sub` of the pushing system, or ''
  external_id TEXT NOT NULL,
  tick_count BIGINT NOT NULL,       -- FORM leads: counted forms that ticked it
  -- Sort keys of the verification order (ListLeads order_by=priority), as
  -- the team sees it and as everyone else does (FORM leads: ticks below 3
  -- count as none, times by the day), so that an order reveals no hidden count.
  priority TEXT NOT NULL,
  shown_priority TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  update_micros BIGINT NOT NULL,
  shown_update_micros BIGINT NOT NULL,  -- coarsened to the day for FORM leads
  revision BIGINT NOT NULL,
  content BLOB NOT NULL,            -- kaoping.v1.Lead without reporter, ticks and remarks
  reporter BLOB,                    -- kaoping.v1.Reporter, sealed
  PRIMARY KEY (region_code, lead_id)
);

CREATE UNIQUE INDEX leads_external ON leads (region_code, source_system, external_id)
  WHERE external_id <> '';
-- One undecided FORM lead per (subject, item); a tick on a decided one opens another.
CREATE UNIQUE INDEX leads_open_form ON leads (region_code, campaign_id, subject_id, negative_item_id)
  WHERE source = 'FORM' AND state IN ('OPEN', 'VERIFYING');
CREATE INDEX leads_updated ON leads (region_code, update_micros, lead_id);
CREATE INDEX leads_shown_updated ON leads (region_code, shown_update_micros, lead_id);
CREATE INDEX leads_priority ON leads (region_code, priority, lead_id);
CREATE INDEX leads_shown_priority ON leads (region_code, shown_priority, lead_id);
CREATE INDEX leads_campaign ON leads (region_code, campaign_id, subject_id);

-- The ticks of FORM leads: which form, with which remark (sealed: the forms
-- are shown to the team and auditors only).
CREATE TABLE lead_ticks (
  region_code TEXT NOT NULL,
  lead_id TEXT NOT NULL,
  form_id TEXT NOT NULL,
  remark TEXT NOT NULL,
  counted BIGINT NOT NULL,          -- 0 once its form is voided
  tick_micros BIGINT NOT NULL,
  PRIMARY KEY (region_code, lead_id, form_id)
);

-- Receipt numbers of public reports: 510114-2026-000123, per region and year.
CREATE TABLE receipt_counters (
  region_code TEXT NOT NULL,
  year BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (region_code, year)
);
