//! What visitors' play, file and artwork requests load: the share, what it
//! asks for, and the owner's Dropbox connection, in one batch (one round
//! trip). Files and tracks are found only through the share's live tracks,
//! so an id from another share finds nothing.

use worker::Result;

use super::pages::{file_columns, live_tracks_of_token, track_columns, SHARE_BY_TOKEN};
use super::{batch, first, Runs, SqlValue};
use crate::model::DeliveryData;

const CONNECTION: &str = "\
SELECT d.producer_id, d.account_id, d.status, d.refresh_token_enc, d.access_token_enc,
       d.access_expires_at
FROM shares s JOIN dropbox_connections d ON d.producer_id = s.producer_id
WHERE s.token = ?1";

const FILE: &str = live_tracks_of_token!(
    file_columns!(),
    "JOIN track_files f ON f.track_id = t.id",
    " AND f.id = ?2"
);
const TRACK_FILES: &str = live_tracks_of_token!(
    file_columns!(),
    "JOIN track_files f ON f.track_id = t.id",
    " AND t.id = ?2 ORDER BY f.position"
);
const TRACK: &str = live_tracks_of_token!(track_columns!(), "", " AND t.id = ?2");

/// The one file asked for.
pub async fn file(db: &impl Runs, token: &str, file_id: &str) -> Result<DeliveryData> {
    load(db, token, FILE, file_id, false).await
}

/// Every file of the track, in order: the player picks one.
pub async fn track_files(db: &impl Runs, token: &str, track_id: &str) -> Result<DeliveryData> {
    load(db, token, TRACK_FILES, track_id, false).await
}

/// The track, for its artwork.
pub async fn track(db: &impl Runs, token: &str, track_id: &str) -> Result<DeliveryData> {
    load(db, token, TRACK, track_id, true).await
}

async fn load(
    db: &impl Runs,
    token: &str,
    target_sql: &str,
    id: &str,
    is_track: bool,
) -> Result<DeliveryData> {
    let token_only = &[SqlValue::from(token)];
    let [share, target, connection] = batch(
        db,
        [
            (SHARE_BY_TOKEN, token_only),
            (target_sql, &[token.into(), id.into()]),
            (CONNECTION, token_only),
        ],
    )
    .await?;
    Ok(DeliveryData {
        share: first(&share)?,
        files: if is_track {
            Vec::new()
        } else {
            target.results()?
        },
        track: if is_track { first(&target)? } else { None },
        connection: first(&connection)?,
    })
}
