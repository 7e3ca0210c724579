//! D1: every SQL statement the worker runs, and the mapping of its rows.

use worker::{D1Database, D1Result, Result};

use crate::model::SharePageData;

/// Each statement selects by token, so all four run in one batch: one round
/// trip per page view, whatever the number of tracks.
const SHARE_BY_TOKEN: &str = "\
SELECT s.id, s.title, s.description, s.download_kinds, s.expires_at, s.revoked_at,
       p.handle, p.display_name, p.bio, p.avatar_url, p.header_url,
       p.theme_accent, p.theme_mode, p.public_profile
FROM shares s JOIN producers p ON p.id = s.producer_id
WHERE s.token = ?1";

const TRACKS_BY_TOKEN: &str = "\
SELECT t.id, t.title, t.bpm, t.musical_key, t.artwork_path
FROM shares s
JOIN share_tracks st ON st.share_id = s.id
JOIN tracks t ON t.id = st.track_id AND t.deleted_at IS NULL
WHERE s.token = ?1
ORDER BY st.position";

const FILES_BY_TOKEN: &str = "\
SELECT f.id, f.track_id, f.kind, f.path, f.is_folder, f.label
FROM shares s
JOIN share_tracks st ON st.share_id = s.id
JOIN track_files f ON f.track_id = st.track_id
WHERE s.token = ?1
ORDER BY st.position, f.position";

const COLLABORATORS_BY_TOKEN: &str = "\
SELECT c.track_id, c.name, c.role, c.avatar_url, c.url
FROM shares s
JOIN share_tracks st ON st.share_id = s.id
JOIN collaborators c ON c.track_id = st.track_id
WHERE s.token = ?1
ORDER BY st.position, c.position";

pub async fn share_page(db: &D1Database, token: &str) -> Result<Option<SharePageData>> {
    let statements = [
        SHARE_BY_TOKEN,
        TRACKS_BY_TOKEN,
        FILES_BY_TOKEN,
        COLLABORATORS_BY_TOKEN,
    ]
    .into_iter()
    .map(|sql| db.prepare(sql).bind(&[token.into()]))
    .collect::<Result<Vec<_>>>()?;
    let [share, tracks, files, collaborators]: [D1Result; 4] = db
        .batch(statements)
        .await?
        .try_into()
        .map_err(|_| worker::Error::RustError("D1 batch returned a short result".into()))?;
    let Some(share) = share.results()?.into_iter().next() else {
        return Ok(None);
    };
    Ok(Some(SharePageData {
        share,
        tracks: tracks.results()?,
        files: files.results()?,
        collaborators: collaborators.results()?,
    }))
}
