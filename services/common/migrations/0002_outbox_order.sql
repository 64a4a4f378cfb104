-- Each region's events get creation times that increase with their sequence
-- (even across instances whose clocks differ), so that relaying oldest first
-- keeps every region's order.
ALTER TABLE outbox_head ADD COLUMN last_micros BIGINT NOT NULL DEFAULT 0;
