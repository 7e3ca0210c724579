-- sharepage data model (D1 / SQLite). Idempotent: applying it again to a
-- database that already has it changes nothing.
--
-- Conventions: ids are opaque text chosen by the worker; instants are Unix
-- epoch milliseconds (INTEGER); booleans are 0/1; nothing a visitor does ever
-- updates a row in place (views and downloads are appended as events).

CREATE TABLE IF NOT EXISTS producers (
  id             TEXT PRIMARY KEY,
  handle         TEXT NOT NULL UNIQUE CHECK (length(handle) BETWEEN 3 AND 32),
  display_name   TEXT NOT NULL,
  bio            TEXT,
  avatar_url     TEXT,
  header_url     TEXT,
  theme_accent   TEXT,                       -- '#rrggbb'; validated again on read
  theme_mode     TEXT,                       -- 'dark' | 'light'; likewise
  public_profile INTEGER NOT NULL DEFAULT 0 CHECK (public_profile IN (0, 1)),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);

-- API keys are stored only as SHA-256 hashes; a producer may hold several.
CREATE TABLE IF NOT EXISTS api_keys (
  id           TEXT PRIMARY KEY,
  producer_id  TEXT NOT NULL REFERENCES producers(id) ON DELETE CASCADE,
  key_hash     TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
);
CREATE INDEX IF NOT EXISTS api_keys_by_producer ON api_keys (producer_id);

-- One Dropbox account per producer. Tokens are AES-256-GCM ciphertexts
-- (base64 of nonce || ciphertext) under TOKEN_ENCRYPTION_KEY.
CREATE TABLE IF NOT EXISTS dropbox_connections (
  producer_id       TEXT PRIMARY KEY REFERENCES producers(id) ON DELETE CASCADE,
  account_id        TEXT,
  account_name      TEXT,                    -- as Dropbox names the account
  account_email     TEXT,
  refresh_token_enc TEXT NOT NULL,
  access_token_enc  TEXT,
  access_expires_at INTEGER,
  status            TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'needs_reconnect')),
  warning           TEXT,
  connected_at      INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
-- One Dropbox account serves one producer: connecting looks it up.
CREATE INDEX IF NOT EXISTS dropbox_connections_by_account ON dropbox_connections (account_id);
-- The cron looks for tokens about to expire.
CREATE INDEX IF NOT EXISTS dropbox_connections_by_expiry
  ON dropbox_connections (access_expires_at) WHERE status = 'ok';

-- Single-use OAuth `state` values, bound to the producer who asked and,
-- once a signed-in browser opens the link, to that browser's session: the
-- callback links an account only in that very session.
CREATE TABLE IF NOT EXISTS oauth_states (
  state        TEXT PRIMARY KEY,
  producer_id  TEXT NOT NULL REFERENCES producers(id) ON DELETE CASCADE,
  expires_at   INTEGER NOT NULL,
  session_hash TEXT
);

-- Console sessions, stored only as SHA-256 hashes of the cookie's token. A
-- session lives while it is used (30 days idle) and while the key that
-- opened it is not revoked; signing out deletes it.
CREATE TABLE IF NOT EXISTS console_sessions (
  id_hash      TEXT PRIMARY KEY,
  producer_id  TEXT NOT NULL REFERENCES producers(id) ON DELETE CASCADE,
  key_id       TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS console_sessions_by_producer ON console_sessions (producer_id);

-- Deleting a track sets deleted_at: it leaves every share page at once, while
-- the download history that names it stays whole.
CREATE TABLE IF NOT EXISTS tracks (
  id           TEXT PRIMARY KEY,
  producer_id  TEXT NOT NULL REFERENCES producers(id) ON DELETE CASCADE,
  title        TEXT NOT NULL,
  bpm          REAL CHECK (bpm IS NULL OR (bpm >= 1 AND bpm <= 400)),
  musical_key  TEXT,
  artwork_path TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  deleted_at   INTEGER,
  -- An estimate of the HTML the track's card writes on a share page, kept
  -- by the triggers below; a large share's pages add these up (src/pager.rs).
  weight       INTEGER NOT NULL DEFAULT 0
);
-- Newest-first listing with a (created_at, id) cursor.
CREATE INDEX IF NOT EXISTS tracks_by_producer
  ON tracks (producer_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE IF NOT EXISTS track_files (
  id        TEXT PRIMARY KEY,
  track_id  TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
  position  INTEGER NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('master', 'bounce', 'stems', 'project', 'other')),
  path      TEXT NOT NULL,
  is_folder INTEGER NOT NULL DEFAULT 0 CHECK (is_folder IN (0, 1)),
  label     TEXT,
  size      INTEGER                          -- bytes, as Dropbox reported at import
);
CREATE INDEX IF NOT EXISTS track_files_by_track ON track_files (track_id, position);

CREATE TABLE IF NOT EXISTS collaborators (
  track_id   TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  name       TEXT NOT NULL,
  role       TEXT,
  avatar_url TEXT,
  url        TEXT,
  PRIMARY KEY (track_id, position)
);

-- `token` is the public part of the share URL; `expires_at` is epoch
-- milliseconds or NULL for never (operators may set it directly).
-- `download_kinds` lists the file kinds visitors may download, comma
-- separated; '' means listening only.
CREATE TABLE IF NOT EXISTS shares (
  id             TEXT PRIMARY KEY,
  producer_id    TEXT NOT NULL REFERENCES producers(id) ON DELETE CASCADE,
  token          TEXT NOT NULL UNIQUE,
  title          TEXT NOT NULL,
  description    TEXT,
  download_kinds TEXT NOT NULL DEFAULT 'master,bounce',
  on_profile     INTEGER NOT NULL DEFAULT 0 CHECK (on_profile IN (0, 1)),
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER,
  revoked_at     INTEGER
);
CREATE INDEX IF NOT EXISTS shares_by_producer ON shares (producer_id, created_at DESC);
CREATE INDEX IF NOT EXISTS shares_on_profile
  ON shares (producer_id, created_at DESC) WHERE on_profile = 1 AND revoked_at IS NULL;

CREATE TABLE IF NOT EXISTS share_tracks (
  share_id TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
  track_id TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  PRIMARY KEY (share_id, track_id),
  UNIQUE (share_id, position)
);
CREATE INDEX IF NOT EXISTS share_tracks_by_track ON share_tracks (track_id);

-- Append-only events: counts are aggregates over these, never counters that
-- could lose an update under concurrency. Ids of tracks and files are kept as
-- plain text so history outlives what it names. `event_id` is the id an
-- event was given where it happened: the queue may deliver it twice, and
-- the second insert finds it taken (NULL for rows older than the queue).
CREATE TABLE IF NOT EXISTS view_events (
  id       INTEGER PRIMARY KEY,
  share_id TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
  at       INTEGER NOT NULL,
  country  TEXT,
  event_id TEXT
);
CREATE INDEX IF NOT EXISTS view_events_by_share ON view_events (share_id, at);
CREATE UNIQUE INDEX IF NOT EXISTS view_events_by_event ON view_events (event_id);

CREATE TABLE IF NOT EXISTS download_events (
  id       INTEGER PRIMARY KEY,
  share_id TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
  track_id TEXT NOT NULL,
  file_id  TEXT NOT NULL,
  at       INTEGER NOT NULL,
  country  TEXT,
  event_id TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS download_events_by_event ON download_events (event_id);
-- A share's statistics count per file and per track, and take the latest
-- instant, each from its own index: one round trip even with 100 000 events.
CREATE INDEX IF NOT EXISTS download_events_by_share_file ON download_events (share_id, file_id);
CREATE INDEX IF NOT EXISTS download_events_by_share_track ON download_events (share_id, track_id);
CREATE INDEX IF NOT EXISTS download_events_by_share_time ON download_events (share_id, at);

-- A large share is shown a page of tracks at a time, the pages chosen by
-- adding up tracks' weights (src/pager.rs), so that choosing a page reads one
-- number per track.
-- What a weight is, defined once: a card's ~600 bytes of markup and its
-- texts, ~120 bytes per file and ~100 per credit plus their texts.
CREATE VIEW IF NOT EXISTS track_weights AS
SELECT t.id,
  600 + length(t.title) + coalesce(length(t.musical_key), 0)
  + coalesce((SELECT sum(120 + coalesce(length(f.label), 0))
              FROM track_files f WHERE f.track_id = t.id), 0)
  + coalesce((SELECT sum(100 + length(c.name) + coalesce(length(c.role), 0)
                         + coalesce(length(c.avatar_url), 0) + coalesce(length(c.url), 0))
              FROM collaborators c WHERE c.track_id = t.id), 0) AS weight
FROM tracks t;

-- Every write that changes what a track shows weighs it again, whichever
-- code path made it.
CREATE TRIGGER IF NOT EXISTS weigh_new_track AFTER INSERT ON tracks BEGIN
  UPDATE tracks SET weight = (SELECT weight FROM track_weights WHERE id = NEW.id) WHERE id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS weigh_edited_track AFTER UPDATE OF title, musical_key ON tracks BEGIN
  UPDATE tracks SET weight = (SELECT weight FROM track_weights WHERE id = NEW.id) WHERE id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS weigh_added_file AFTER INSERT ON track_files BEGIN
  UPDATE tracks SET weight = (SELECT weight FROM track_weights WHERE id = NEW.track_id) WHERE id = NEW.track_id;
END;
CREATE TRIGGER IF NOT EXISTS weigh_edited_file AFTER UPDATE ON track_files BEGIN
  UPDATE tracks SET weight = (SELECT weight FROM track_weights WHERE id = NEW.track_id) WHERE id = NEW.track_id;
END;
CREATE TRIGGER IF NOT EXISTS weigh_removed_file AFTER DELETE ON track_files BEGIN
  UPDATE tracks SET weight = (SELECT weight FROM track_weights WHERE id = OLD.track_id) WHERE id = OLD.track_id;
END;
CREATE TRIGGER IF NOT EXISTS weigh_added_credit AFTER INSERT ON collaborators BEGIN
  UPDATE tracks SET weight = (SELECT weight FROM track_weights WHERE id = NEW.track_id) WHERE id = NEW.track_id;
END;
CREATE TRIGGER IF NOT EXISTS weigh_edited_credit AFTER UPDATE ON collaborators BEGIN
  UPDATE tracks SET weight = (SELECT weight FROM track_weights WHERE id = NEW.track_id) WHERE id = NEW.track_id;
END;
CREATE TRIGGER IF NOT EXISTS weigh_removed_credit AFTER DELETE ON collaborators BEGIN
  UPDATE tracks SET weight = (SELECT weight FROM track_weights WHERE id = OLD.track_id) WHERE id = OLD.track_id;
END;
