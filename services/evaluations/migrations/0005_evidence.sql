-- Interviews (谈心谈话) and document reviews (查阅资料) about subjects.
CREATE TABLE interviews (
  region_code TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  interview_id TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (region_code, campaign_id, subject_id, interview_id)
);

CREATE INDEX interviews_by_time ON interviews (region_code, campaign_id, create_micros, interview_id);

CREATE TABLE document_reviews (
  region_code TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  review_id TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (region_code, campaign_id, subject_id, review_id)
);

CREATE INDEX document_reviews_by_time
  ON document_reviews (region_code, campaign_id, create_micros, review_id);
