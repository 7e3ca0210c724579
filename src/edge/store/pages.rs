//! What visitors' pages load: one batch per page, keyed by the address.

use worker::Result;

use super::{batch, first, Runs, SqlValue};
use crate::model::{Place, ProfileData, SharePageData};
use crate::pager;

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

// Both statements select by token, so they run in one batch: one round trip
// per page view. A large share is shown a page of tracks at a time
// (`pager`): tracks fill a page in share order until the next one would
// take its weight past ?3, and that one starts the next page. A track's
// weight is an estimate of the HTML its card writes, kept on the track by
// the schema (migrations/0005_track_weight.sql). Only the asked page's rows
// leave D1: moving rows into the worker, rendering and sending them is most
// of a page's cost (BENCHMARKS.md), so a page's cost has a bound whatever
// its tracks hold. (D1 binds numbers as REAL, hence the casts.) Each list
// comes back as one JSON array of positional arrays (no key repeated per
// row), in the order of the fields of `model::TrackRow`, `FileRow` and
// `CollaboratorRow`. A file's path is read only by its end, which holds the
// extension the page names (`model::FileRow::extension`, tested on such
// tails).
const PAGE_BY_TOKEN: &str = "\
WITH RECURSIVE listed AS MATERIALIZED (
  SELECT st.position, t.id, t.title, t.bpm, t.musical_key, t.artwork_path, t.weight,
         row_number() OVER so_far AS number,
         sum(t.weight) OVER so_far AS reach
  FROM shares s JOIN share_tracks st ON st.share_id = s.id
  JOIN tracks t ON t.id = st.track_id AND t.deleted_at IS NULL
  WHERE s.token = ?1
  WINDOW so_far AS (ORDER BY st.position ROWS UNBOUNDED PRECEDING)
),
-- One step per page (most shares have one): the next page starts at the
-- first track that would take this one past ?3, whose weight starts at base.
pages(page, first, base) AS (
  SELECT 0, 1, 0
  UNION ALL
  SELECT p.page + 1, l.number, l.reach - l.weight
  FROM pages p JOIN listed l ON l.number = (
    SELECT min(number) FROM listed
    WHERE number > p.first AND reach - p.base > CAST(?3 AS INTEGER))
),
bounds AS MATERIALIZED (
  SELECT page, first, lead(first) OVER (ORDER BY page) AS next FROM pages
),
shown AS MATERIALIZED (
  SELECT l.* FROM listed l JOIN bounds b ON b.page = CAST(?2 AS INTEGER)
  WHERE l.number >= b.first AND (b.next IS NULL OR l.number < b.next)
)
SELECT
  (SELECT count(*) FROM listed) AS total,
  (SELECT count(*) FROM bounds) AS pages,
  (SELECT coalesce(min(number), 1) FROM shown) AS first,
  (SELECT json_group_array(json_array(id, title, bpm, musical_key, artwork_path)
            ORDER BY position) FROM shown) AS tracks,
  (SELECT json_group_array(json_array(f.id, f.track_id, f.kind, substr(f.path, -12),
                                      f.is_folder, f.label, f.size)
            ORDER BY sh.position, f.position)
     FROM shown sh JOIN track_files f ON f.track_id = sh.id) AS files,
  (SELECT json_group_array(json_array(c.track_id, c.name, c.role, c.avatar_url, c.url)
            ORDER BY sh.position, c.position)
     FROM shown sh JOIN collaborators c ON c.track_id = sh.id) AS collaborators";

/// The one row of `PAGE_BY_TOKEN`.
#[derive(serde::Deserialize)]
struct PageRow {
    total: usize,
    pages: usize,
    first: usize,
    tracks: Option<String>,
    files: Option<String>,
    collaborators: Option<String>,
}

/// A list read as one JSON array of positional arrays.
fn json_rows<T: serde::de::DeserializeOwned>(text: Option<&str>) -> Result<Vec<T>> {
    match text {
        None => Ok(Vec::new()),
        Some(text) => serde_json::from_str(text)
            .map_err(|e| worker::Error::RustError(format!("rows as JSON: {e}"))),
    }
}

/// The share a token names and its `page`th page of tracks (from 0), as
/// `pager::PAGE_WEIGHT` divides them.
pub async fn share_page(db: &impl Runs, token: &str, page: usize) -> Result<Option<SharePageData>> {
    let by_token = &[SqlValue::from(token)];
    let paged = &[
        SqlValue::from(token),
        SqlValue::from(i64::try_from(page).unwrap_or(i64::MAX)),
        SqlValue::from(pager::PAGE_WEIGHT),
    ];
    let [share, listed] = batch(db, [(SHARE_BY_TOKEN, by_token), (PAGE_BY_TOKEN, paged)]).await?;
    let Some(share) = first(&share)? else {
        return Ok(None);
    };
    let Some(listed) = first::<PageRow>(&listed)? else {
        return Err(worker::Error::RustError(
            "a page query without its row".into(),
        ));
    };
    Ok(Some(SharePageData {
        share,
        place: Place {
            index: page,
            pages: listed.pages,
            first: listed.first,
            total: listed.total,
        },
        tracks: json_rows(listed.tracks.as_deref())?,
        files: json_rows(listed.files.as_deref())?,
        collaborators: json_rows(listed.collaborators.as_deref())?,
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
