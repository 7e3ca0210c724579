-- Demo data for `make dev`. Re-running replaces it.
-- Images are https URLs as the API requires; offline, pages fall back to the
-- producer's initials and generated artwork.

INSERT OR REPLACE INTO producers
  (id, handle, display_name, bio, avatar_url, header_url, theme_accent, theme_mode, public_profile, created_at, updated_at)
VALUES
  ('prd_demo', 'nightowl', 'Night Owl', 'Late-night house and downtempo from Lisbon.',
   'https://images.example.com/nightowl/avatar.jpg', 'https://images.example.com/nightowl/header.jpg',
   '#ff5c8a', 'dark', 1, 1764300000000, 1764300000000);

-- The demo producer's API key, for trying the API locally (never deploy it):
-- sp.demoNightowlKey0000001.DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD
INSERT OR REPLACE INTO api_keys (id, producer_id, key_hash, created_at, revoked_at)
VALUES ('demoNightowlKey0000001', 'prd_demo', '75acf4a0ea1edc165d0c021010d607f90aec4357e755ade2ff6fb47a1611fbd7', 1764300000000, NULL);

INSERT OR REPLACE INTO tracks (id, producer_id, title, bpm, musical_key, artwork_path, created_at, updated_at) VALUES
  ('trk_demo_midnight', 'prd_demo', 'Midnight Drive', 124, 'F# minor', NULL, 1764300000000, 1764300000000),
  ('trk_demo_sunrise', 'prd_demo', 'Sunrise Over Alfama', 98.5, 'C major', NULL, 1764300001000, 1764300001000),
  ('trk_demo_tide', 'prd_demo', 'Low Tide', 87, 'D minor', NULL, 1764300002000, 1764300002000),
  ('trk_demo_neon', 'prd_demo', 'Neon Rain (feat. Ada)', 128, 'A minor', NULL, 1764300003000, 1764300003000);

INSERT OR REPLACE INTO track_files (id, track_id, position, kind, path, is_folder, label) VALUES
  ('fil_demo_mid_master', 'trk_demo_midnight', 0, 'master', '/Night Owl/Masters/Midnight Drive.wav', 0, NULL),
  ('fil_demo_mid_bounce', 'trk_demo_midnight', 1, 'bounce', '/Night Owl/Bounces/Midnight Drive.mp3', 0, NULL),
  ('fil_demo_mid_stems', 'trk_demo_midnight', 2, 'stems', '/Night Owl/Stems/Midnight Drive', 1, NULL),
  ('fil_demo_sun_bounce', 'trk_demo_sunrise', 0, 'bounce', '/Night Owl/Bounces/Sunrise Over Alfama.mp3', 0, NULL),
  ('fil_demo_sun_master', 'trk_demo_sunrise', 1, 'master', '/Night Owl/Masters/Sunrise Over Alfama.wav', 0, NULL),
  ('fil_demo_tide_bounce', 'trk_demo_tide', 0, 'bounce', '/Night Owl/Bounces/Low Tide.m4a', 0, 'Rough mix'),
  ('fil_demo_neon_master', 'trk_demo_neon', 0, 'master', '/Night Owl/Masters/Neon Rain.wav', 0, NULL),
  ('fil_demo_neon_stems', 'trk_demo_neon', 1, 'stems', '/Night Owl/Stems/Neon Rain', 1, NULL);

INSERT OR REPLACE INTO collaborators (track_id, position, name, role, avatar_url, url) VALUES
  ('trk_demo_midnight', 0, 'Ada Marques', 'Vocals', NULL, 'https://example.com/ada'),
  ('trk_demo_midnight', 1, 'Bo Lindqvist', 'Mix engineer', NULL, NULL),
  ('trk_demo_sunrise', 0, 'Cleo Duarte', 'Guitar', NULL, NULL),
  ('trk_demo_neon', 0, 'Ada Marques', 'Vocals', NULL, 'https://example.com/ada');

INSERT OR REPLACE INTO shares (id, producer_id, token, title, description, download_kinds, on_profile, created_at, expires_at, revoked_at) VALUES
  ('shr_demo_featured', 'prd_demo', 'demo-featured-midnight', 'Midnight Drive',
   'Final master and stems for the label. Let me know if you need a clean version.',
   'master,bounce,stems', 1, 1764300000000, NULL, NULL),
  ('shr_demo_list', 'prd_demo', 'demo-list-summer-pack', 'Summer Pack',
   'Four ideas for the EP. Tell me which ones you like.', 'master,bounce', 1, 1764300000000, 4102444800000, NULL),
  ('shr_demo_expired', 'prd_demo', 'demo-expired-link', 'Old Demo', NULL, 'master', 0, 1764300000000, 1764300000000, NULL);

INSERT OR REPLACE INTO share_tracks (share_id, track_id, position) VALUES
  ('shr_demo_featured', 'trk_demo_midnight', 0),
  ('shr_demo_list', 'trk_demo_sunrise', 0),
  ('shr_demo_list', 'trk_demo_tide', 1),
  ('shr_demo_list', 'trk_demo_neon', 2),
  ('shr_demo_list', 'trk_demo_midnight', 3),
  ('shr_demo_expired', 'trk_demo_midnight', 0);

-- A little history, so the statistics in `GET /api/shares/{id}` have something
-- to show (fixed ids, so re-running replaces rather than adds).
INSERT OR REPLACE INTO view_events (id, share_id, at, country) VALUES
  (900001, 'shr_demo_featured', 1764310000000, 'PT'),
  (900002, 'shr_demo_featured', 1764320000000, 'GB'),
  (900003, 'shr_demo_featured', 1764330000000, 'US'),
  (900004, 'shr_demo_list', 1764340000000, 'DE');
INSERT OR REPLACE INTO download_events (id, share_id, track_id, file_id, at, country) VALUES
  (900001, 'shr_demo_featured', 'trk_demo_midnight', 'fil_demo_mid_master', 1764320500000, 'GB'),
  (900002, 'shr_demo_featured', 'trk_demo_midnight', 'fil_demo_mid_stems', 1764320600000, 'GB'),
  (900003, 'shr_demo_list', 'trk_demo_tide', 'fil_demo_tide_bounce', 1764340500000, 'DE');
