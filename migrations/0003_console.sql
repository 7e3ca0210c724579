-- 0003: the producer console.
-- Browser sessions, stored only as hashes of the cookie's token. A session
-- lives while it is used (30 days idle) and while the key that opened it is
-- not revoked; signing out deletes it.
CREATE TABLE IF NOT EXISTS console_sessions (
  id_hash      TEXT PRIMARY KEY,
  producer_id  TEXT NOT NULL REFERENCES producers(id) ON DELETE CASCADE,
  key_id       TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS console_sessions_by_producer ON console_sessions (producer_id);
-- A Dropbox link is finished only in the browser session that started it:
-- the hash of that session, set when a signed-in browser opens the link.
ALTER TABLE oauth_states ADD COLUMN session_hash TEXT;
-- File sizes as Dropbox reported them at import (NULL when not known), so
-- pages can show them.
ALTER TABLE track_files ADD COLUMN size INTEGER;
