-- Appraisals (综合鉴定表): one row per subject appraised. The signed content
-- (the exact bytes both signatures cover) and the summary snapshot (the
-- exact bytes evaluations returned) are stored as they are and never
-- re-encoded; the readable content is parsed from them. `record` is the
-- serialized kaoping.v1.Appraisal without them (state, section records,
-- signatures, times); the columns beside it are what queries filter on.
CREATE TABLE appraisals (
  region_code TEXT NOT NULL,
  appraisal_id TEXT NOT NULL,
  subject TEXT NOT NULL,            -- regions/{r}/campaigns/{c}/subjects/{s}
  campaign TEXT NOT NULL,
  cadre TEXT NOT NULL,
  unit TEXT NOT NULL,
  state TEXT NOT NULL,              -- DRAFT | CONCLUDED
  grade TEXT NOT NULL,              -- content.grade; '' until the conclusion is written
  awaiting TEXT NOT NULL,           -- ',CADRE,PARTY_SECRETARY,': roles that still have to act
  revision BIGINT NOT NULL,         -- every change; guards writes and makes the etag
  create_micros BIGINT NOT NULL,
  record BLOB NOT NULL,
  signed_content BLOB NOT NULL,
  summary_snapshot BLOB NOT NULL,
  PRIMARY KEY (region_code, appraisal_id)
);

-- One appraisal per subject.
CREATE UNIQUE INDEX appraisals_subject ON appraisals (region_code, subject);
-- Lists: newest first.
CREATE INDEX appraisals_newest ON appraisals (region_code, create_micros, appraisal_id);

-- Signer keys: public keys only, one row per key; a key is registered once
-- per region (by fingerprint).
CREATE TABLE signer_keys (
  region_code TEXT NOT NULL,
  key_id TEXT NOT NULL,
  person TEXT NOT NULL,             -- JWT `sub` of the holder
  role TEXT NOT NULL,               -- PARTY_SECRETARY | DISCIPLINE_SECRETARY
  state TEXT NOT NULL,              -- ACTIVE | REVOKED
  fingerprint TEXT NOT NULL,        -- hex SHA-256 of the DER SubjectPublicKeyInfo
  revision BIGINT NOT NULL,
  create_micros BIGINT NOT NULL,
  content BLOB NOT NULL,            -- kaoping.v1.SignerKey
  PRIMARY KEY (region_code, key_id)
);

CREATE UNIQUE INDEX signer_keys_fingerprint ON signer_keys (region_code, fingerprint);
-- Lists: by person, then creation.
CREATE INDEX signer_keys_person ON signer_keys (region_code, person, create_micros, key_id);
