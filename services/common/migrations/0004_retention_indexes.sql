-- The retention purger deletes idempotency records and consumed-event marks
-- by age, oldest first, in small batches: each batch finds its rows by index.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_micros);
CREATE INDEX consumed_events_applied ON consumed_events (applied_micros);
CREATE INDEX outbox_published ON outbox (published_micros) WHERE published_micros IS NOT NULL;
