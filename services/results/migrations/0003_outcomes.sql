-- What results lead to: the policy, vetoes, handlings and decisions. Each
-- content is the serialized resource; the columns are what queries filter,
-- order and count by. unit_id is the cadre's unit when the row was written
-- (usage statistics count by it).
CREATE TABLE policies (
  region_code TEXT NOT NULL,
  revision BIGINT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (region_code)
);

-- One veto per lead; the id is the lead's.
CREATE TABLE vetoes (
  region_code TEXT NOT NULL,
  veto_id TEXT NOT NULL,
  cadre_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  start_date TEXT NOT NULL,         -- blocks promotion on [start_date, end_date)
  end_date TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (region_code, veto_id)
);

CREATE INDEX vetoes_by_cadre ON vetoes (region_code, cadre_id, start_date);
CREATE INDEX vetoes_by_start ON vetoes (region_code, start_date);

CREATE TABLE handlings (
  region_code TEXT NOT NULL,
  handling_id TEXT NOT NULL,
  cadre_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  kind TEXT NOT NULL,               -- the decided kind once DECIDED, else the proposed one
  state TEXT NOT NULL,
  due_date TEXT,                    -- set once DECIDED
  create_micros BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (region_code, handling_id)
);

CREATE INDEX handlings_by_time ON handlings (region_code, create_micros, handling_id);
CREATE INDEX handlings_by_due_date ON handlings (region_code, state, due_date);
CREATE INDEX handlings_by_cadre ON handlings (region_code, cadre_id);

CREATE TABLE decisions (
  region_code TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  cadre_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  decision_date TEXT NOT NULL,
  based_on_result BIGINT NOT NULL,  -- names an archive entry
  deviation BIGINT NOT NULL,        -- a PROMOTION or RANK_ADVANCEMENT of a cadre not eligible then
  create_micros BIGINT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (region_code, decision_id)
);

CREATE INDEX decisions_by_date ON decisions (region_code, decision_date, decision_id);
CREATE INDEX decisions_by_cadre ON decisions (region_code, cadre_id);
