-- Public notices (考察预告), one per campaign.
CREATE TABLE public_notices (
  region_code TEXT NOT NULL,
  notice_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  state TEXT NOT NULL,
  publish_micros BIGINT NOT NULL,     -- 0 until published
  display_end_micros BIGINT NOT NULL, -- listed publicly until then
  revision BIGINT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (region_code, notice_id)
);

CREATE UNIQUE INDEX public_notices_campaign ON public_notices (region_code, campaign_id);
CREATE INDEX public_notices_published ON public_notices (state, publish_micros, region_code, notice_id);
