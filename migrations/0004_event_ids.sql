-- 0004: events arrive through a queue, which may deliver a batch twice.
-- Each event carries the id it was given where it happened; a second
-- delivery finds it taken and inserts nothing. Rows written before this
-- migration keep a NULL id (NULLs never clash in a UNIQUE index).
ALTER TABLE view_events ADD COLUMN event_id TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS view_events_by_event ON view_events (event_id);
ALTER TABLE download_events ADD COLUMN event_id TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS download_events_by_event ON download_events (event_id);
