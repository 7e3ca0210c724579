//! What visitors' pages load: one batch per page, keyed by the address.

use worker::Result;

use super::{batch, first, Runs, SqlValue};
use crate::model::{ProfileData, SharePageData};

/// How every visitor statement resolves a token: `s` is the share whose
/// public token is `?1`, `st` its places, and `t` its tracks still in the
/// library; `joins` reach what is selected from them, and `rest` narrows or
/// orders. Whether the share may be seen is the core's decision
/// (`policy::access`), made on the share row loaded alongside.
macro_rules! live_tracks_of_token {
    ($columns:expr, $joins:literal, $rest:literal) => {
        concat!(
            "SELECT ",
            $columns,
            " FROM shares s JOIN share_tracks st ON st.share_id = s.id ",
            "JOIN tracks t ON t.id = st.track_id AND t.deleted_at IS NULL ",
            $joins,
            " WHERE s.token = ?1",
            $rest
        )
    };
}
pub(super) use live_tracks_of_token;

/// The columns of `model::TrackRow` and `model::FileRow`.
macro_rules! track_columns {
    () => {
        "t.id, t.title, t.bpm, t.musical_key, t.artwork_path"
    };
}
macro_rules! file_columns {
    () => {
        "f.id, f.track_id, f.kind, f.path, f.is_folder, f.label, f.size"
    };
}
pub(super) use {file_columns, track_columns};

/// The share a token names, with its owner's branding and Dropbox state.
pub(super) const SHARE_BY_TOKEN: &str = "\
SELECT s.id, s.title, s.description, s.download_kinds, s.expires_at, s.revoked_at,
       p.handle, p.display_name, p.bio, p.avatar_url, p.header_url,
       p.theme_accent, p.theme_mode, p.public_profile,
       (SELECT status FROM dropbox_connections WHERE producer_id = s.producer_id) AS dropbox_status
FROM shares s JOIN producers p ON p.id = s.producer_id
WHERE s.token = ?1";

// Each statement selects by token, so all four run in one batch: one round
// trip per page view, whatever the number of tracks. A large share is
// hundreds of rows, and moving them from D1 into the worker is most of its
// page's cost (measured in BENCHMARKS.md): each list comes back as one
// JSON array of positional arrays (no key repeated per row), in the order
// of the fields of `model::TrackRow`, `FileRow` and `CollaboratorRow`, and
// only what the page shows. A file's path is read only by its end, which
// holds the extension the page names (`model::FileRow::extension`, tested
// on such tails).
const TRACKS_BY_TOKEN: &str = concat!(
    "SELECT json_group_array(json_array(t.id, t.title, t.bpm, t.musical_key, t.artwork_path) ",
    "ORDER BY st.position) AS rows ",
    "FROM shares s JOIN share_tracks st ON st.share_id = s.id ",
    "JOIN tracks t ON t.id = st.track_id AND t.deleted_at IS NULL WHERE s.token = ?1"
);
const FILES_BY_TOKEN: &str = concat!(
    "SELECT json_group_array(json_array(f.id, f.track_id, f.kind, substr(f.path, -12), ",
    "f.is_folder, f.label, f.size) ORDER BY st.position, f.position) AS rows ",
    "FROM shares s JOIN share_tracks st ON st.share_id = s.id ",
    "JOIN tracks t ON t.id = st.track_id AND t.deleted_at IS NULL ",
    "JOIN track_files f ON f.track_id = t.id WHERE s.token = ?1"
);
const COLLABORATORS_BY_TOKEN: &str = concat!(
    "SELECT json_group_array(json_array(c.track_id, c.name, c.role, c.avatar_url, c.url) ",
    "ORDER BY st.position, c.position) AS rows ",
    "FROM shares s JOIN share_tracks st ON st.share_id = s.id ",
    "JOIN tracks t ON t.id = st.track_id AND t.deleted_at IS NULL ",
    "JOIN collaborators c ON c.track_id = t.id WHERE s.token = ?1"
);

/// The rows of a `json_group_array(...) AS rows` statement.
fn json_rows<T: serde::de::DeserializeOwned>(result: &worker::D1Result) -> Result<Vec<T>> {
    #[derive(serde::Deserialize)]
    struct Rows {
        rows: Option<String>,
    }
    match first::<Rows>(result)?.and_then(|r| r.rows) {
        None => Ok(Vec::new()),
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| worker::Error::RustError(format!("rows as JSON: {e}"))),
    }
}

pub async fn share_page(db: &impl Runs, token: &str) -> Result<Option<SharePageData>> {
    let token = &[SqlValue::from(token)];
    let [share, tracks, files, collaborators] = batch(
        db,
        [
            (SHARE_BY_TOKEN, token),
            (TRACKS_BY_TOKEN, token),
            (FILES_BY_TOKEN, token),
            (COLLABORATORS_BY_TOKEN, token),
        ],
    )
    .await?;
    let Some(share) = first(&share)? else {
        return Ok(None);
    };
    Ok(Some(SharePageData {
        share,
        tracks: json_rows(&tracks)?,
        files: json_rows(&files)?,
        collaborators: json_rows(&collaborators)?,
    }))
}

const PRODUCER_BY_HANDLE: &str = "\
SELECT handle, display_name, bio, avatar_url, header_url, theme_accent, theme_mode, public_profile
FROM producers WHERE handle = ?1";

/// Expiry is left to the core, which judges it at the request's instant.
const PROFILE_SHARES_BY_HANDLE: &str = "\
SELECT s.token, s.title, s.expires_at, s.revoked_at,
       (SELECT count(*) FROM share_tracks st JOIN tracks t ON t.id = st.track_id
         WHERE st.share_id = s.id AND t.deleted_at IS NULL) AS track_count,
       c.id AS cover_track_id, c.artwork_path AS cover_artwork_path
FROM shares s
JOIN producers p ON p.id = s.producer_id
LEFT JOIN tracks c ON c.id = (
  SELECT st.track_id FROM share_tracks st JOIN tracks t ON t.id = st.track_id
  WHERE st.share_id = s.id AND t.deleted_at IS NULL ORDER BY st.position LIMIT 1)
WHERE p.handle = ?1 AND s.on_profile = 1 AND s.revoked_at IS NULL
ORDER BY s.created_at DESC
LIMIT 100";

pub async fn profile(db: &impl Runs, handle: &str) -> Result<Option<ProfileData>> {
    let handle = &[SqlValue::from(handle)];
    let [producer, shares] = batch(
        db,
        [
            (PRODUCER_BY_HANDLE, handle),
            (PROFILE_SHARES_BY_HANDLE, handle),
        ],
    )
    .await?;
    let Some(producer) = first(&producer)? else {
        return Ok(None);
    };
    Ok(Some(ProfileData {
        producer,
        shares: shares.results()?,
    }))
}
