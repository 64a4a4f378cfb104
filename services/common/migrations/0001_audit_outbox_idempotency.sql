-- Tables every service keeps beside its own (services/common).

-- Hash-chained audit log, one chain per region: each entry carries the hash
-- of the one before, so an edited or deleted entry breaks the chain.
CREATE TABLE audit_head (
  region_code TEXT NOT NULL PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE audit_log (
  region_code TEXT NOT NULL,
  seq BIGINT NOT NULL,
  time_micros BIGINT NOT NULL,
  principal TEXT NOT NULL,
  method TEXT NOT NULL,
  resource TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (region_code, seq)
);

-- Transactional outbox: events are written with the change that caused
-- them and relayed to a Redis Stream afterwards.
CREATE TABLE outbox_head (
  region_code TEXT NOT NULL PRIMARY KEY,
  seq BIGINT NOT NULL
);

CREATE TABLE outbox (
  region_code TEXT NOT NULL,
  seq BIGINT NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  event BLOB NOT NULL,
  created_micros BIGINT NOT NULL,
  published_micros BIGINT,
  PRIMARY KEY (region_code, seq)
);

CREATE INDEX outbox_pending ON outbox (created_micros, region_code, seq)
  WHERE published_micros IS NULL;

-- request_id → first response, per caller and method.
CREATE TABLE idempotency_keys (
  region_code TEXT NOT NULL,
  principal TEXT NOT NULL,
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response BLOB NOT NULL,
  created_micros BIGINT NOT NULL,
  PRIMARY KEY (region_code, principal, method, request_id)
);

-- Events a consumer of this service has applied (idempotent consumption).
CREATE TABLE consumed_events (
  region_code TEXT NOT NULL,
  consumer TEXT NOT NULL,
  event_id TEXT NOT NULL,
  applied_micros BIGINT NOT NULL,
  PRIMARY KEY (region_code, consumer, event_id)
);
