-- Aggregation runs (the long-running part of :aggregate) and what a
-- successful one produces: each subject's summary, versioned, and the
-- campaign's diagnostics.
CREATE TABLE aggregation_runs (
  region_code TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  run_number BIGINT NOT NULL,       -- the aggregation revision it produces
  state TEXT NOT NULL,              -- RUNNING | SUCCEEDED | FAILED
  lease_micros BIGINT NOT NULL,     -- a RUNNING run not renewed by then was interrupted
  create_micros BIGINT NOT NULL,
  content BLOB NOT NULL,            -- kaoping.v1.AggregationRun
  diagnostics BLOB,                 -- kaoping.v1.CampaignDiagnostics of a SUCCEEDED run
  PRIMARY KEY (region_code, campaign_id, run_number)
);

CREATE INDEX aggregation_runs_running ON aggregation_runs (state, lease_micros);

-- Every version of every summary: a new aggregation, or a lead verified
-- after one, writes a new revision; `current` marks the one readers get.
CREATE TABLE subject_summaries (
  region_code TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  revision BIGINT NOT NULL,
  aggregation_revision BIGINT NOT NULL,
  current BIGINT NOT NULL,
  unit TEXT NOT NULL,
  final_composite DOUBLE PRECISION NOT NULL,
  proposed_grade TEXT NOT NULL,
  vetoed BIGINT NOT NULL,
  content BLOB NOT NULL,            -- kaoping.v1.SubjectSummary: aggregates only
  PRIMARY KEY (region_code, campaign_id, subject_id, revision)
);

CREATE INDEX subject_summaries_ranked
  ON subject_summaries (region_code, campaign_id, current, final_composite, subject_id);
