-- 0005: a large share is shown a page of tracks at a time (src/pager.rs),
-- the pages chosen by adding up its tracks' weights: an estimate of the
-- HTML each track's card writes. Kept on the track, so that choosing a page
-- reads one number per track instead of every credit and file of the
-- share (a share at the limits holds megabytes of them).
ALTER TABLE tracks ADD COLUMN weight INTEGER NOT NULL DEFAULT 0;

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

-- Tracks written before this migration.
UPDATE tracks SET weight = (SELECT weight FROM track_weights w WHERE w.id = tracks.id);
