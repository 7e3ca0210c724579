//! Shares and their statistics. Counts are aggregates over the append-only
//! event tables, each answered from an index on (share, …).

use worker::{D1Database, Result};

use super::{
    batch, batch_then_read, changes, first, json_rows, run, statement, Columns, Owned, SqlValue,
};
use crate::commands::{stored_kinds, NewShare, ShareUpdate};
use crate::model::{DropboxRow, ShareDetailsData, ShareRecord};
use crate::paging::PageQuery;
use crate::policy::Millis;

const RECORD: &str = "\
SELECT s.id, s.token, s.title, s.description, s.download_kinds, s.on_profile, s.created_at,
       s.expires_at, s.revoked_at,
       (SELECT json_group_array(track_id) FROM (
          SELECT st.track_id FROM share_tracks st JOIN tracks t ON t.id = st.track_id
          WHERE st.share_id = s.id AND t.deleted_at IS NULL ORDER BY st.position)) AS track_ids,
       (SELECT count(*) FROM view_events v WHERE v.share_id = s.id) AS views,
       (SELECT max(v.at) FROM view_events v WHERE v.share_id = s.id) AS last_viewed_at,
       (SELECT count(*) FROM download_events d WHERE d.share_id = s.id) AS total_downloads,
       (SELECT max(d.at) FROM download_events d WHERE d.share_id = s.id) AS last_downloaded_at
FROM shares s";

/// The producer's live tracks among `ids`, with their titles.
pub async fn owned_tracks(
    db: &D1Database,
    producer: &str,
    ids: &[String],
) -> Result<Vec<(String, String)>> {
    #[derive(serde::Deserialize)]
    struct Row {
        id: String,
        title: String,
    }
    let sql = "SELECT id, title FROM tracks WHERE producer_id = ?1 AND deleted_at IS NULL
               AND id IN (SELECT value FROM json_each(?2))";
    let rows: Vec<Row> = statement(db, sql, &[producer.into(), json_rows(&ids)])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(|r| (r.id, r.title)).collect())
}

/// Inserts the share under its new id and public token, and reads it back.
pub async fn create(
    db: &D1Database,
    producer: &str,
    id: &str,
    token: &str,
    new: &NewShare,
    now: Millis,
) -> Result<Option<ShareRecord>> {
    let insert: &[SqlValue] = &[
        id.into(),
        producer.into(),
        token.into(),
        new.title.as_str().into(),
        new.description.clone().into(),
        stored_kinds(&new.download_kinds).into(),
        new.on_profile.into(),
        now.into(),
        new.expires_at.into(),
    ];
    let read_sql = format!("{RECORD} WHERE s.id = ?1 AND s.producer_id = ?2");
    let [_, _, record] = batch(
        db,
        [
            (
                "INSERT INTO shares (id, producer_id, token, title, description, download_kinds,
                                     on_profile, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                insert,
            ),
            (
                "INSERT INTO share_tracks (share_id, track_id, position)
                 SELECT ?1, value, key FROM json_each(?2)",
                &[id.into(), json_rows(&new.track_ids)],
            ),
            (&read_sql, &[id.into(), producer.into()]),
        ],
    )
    .await?;
    first(&record)
}

pub async fn list(db: &D1Database, producer: &str, page: &PageQuery) -> Result<Vec<ShareRecord>> {
    let after = page.after.as_ref();
    let sql = format!(
        "{RECORD} WHERE s.producer_id = ?1
           AND (?2 IS NULL OR s.created_at < ?2 OR (s.created_at = ?2 AND s.id < ?3))
         ORDER BY s.created_at DESC, s.id DESC LIMIT ?4"
    );
    let args = [
        producer.into(),
        after.map(|c| c.created_at).into(),
        SqlValue::from(after.map(|c| c.id.clone())),
        i64::from(page.limit + 1).into(),
    ];
    statement(db, &sql, &args)?.all().await?.results()
}

fn columns(u: &ShareUpdate) -> Columns {
    let mut c = Columns::default();
    c.set("title", u.title.clone())
        .set("description", u.description.clone())
        .set("expires_at", u.expires_at)
        .set(
            "download_kinds",
            u.download_kinds.as_deref().map(stored_kinds),
        )
        .set("on_profile", u.on_profile);
    c
}

/// Applies a checked update unless the share is revoked, and reads it back
/// (with `revoked_at` set when nothing was applied).
pub async fn update(
    db: &D1Database,
    producer: &str,
    id: &str,
    update: &ShareUpdate,
) -> Result<Option<ShareRecord>> {
    let columns = columns(update);
    let track_ids = update.track_ids.as_deref();
    const LIVE: &str =
        "EXISTS (SELECT 1 FROM shares WHERE id = ?1 AND producer_id = ?2 AND revoked_at IS NULL)";
    let mut statements: Vec<Owned> = Vec::new();
    if !columns.is_empty() {
        let (set, mut values) = columns.split(2);
        let mut args = vec![id.into(), producer.into()];
        args.append(&mut values);
        statements.push((
            format!(
                "UPDATE shares SET {set} WHERE id = ?1 AND producer_id = ?2 AND revoked_at IS NULL"
            ),
            args,
        ));
    }
    if let Some(ids) = track_ids {
        statements.push((
            format!("DELETE FROM share_tracks WHERE share_id = ?1 AND {LIVE}"),
            vec![id.into(), producer.into()],
        ));
        statements.push((
            format!(
                "INSERT INTO share_tracks (share_id, track_id, position)
                 SELECT ?1, value, key FROM json_each(?3) WHERE {LIVE}"
            ),
            vec![id.into(), producer.into(), json_rows(&ids)],
        ));
    }
    statements.push((
        format!("{RECORD} WHERE {SCOPE}"),
        vec![id.into(), producer.into()],
    ));
    let [record] = batch_then_read(db, &statements).await?;
    first(&record)
}

/// Every statement is scoped to the share and its owner, so another
/// producer's id finds nothing at all.
const SCOPE: &str = "s.id = ?1 AND s.producer_id = ?2";

pub async fn details(
    db: &D1Database,
    producer: &str,
    id: &str,
) -> Result<Option<ShareDetailsData>> {
    let args: &[SqlValue] = &[id.into(), producer.into()];
    let record = format!("{RECORD} WHERE {SCOPE}");
    let tracks = format!(
        "SELECT st.track_id, t.title, t.deleted_at IS NOT NULL AS deleted,
                (SELECT count(*) FROM download_events d
                 WHERE d.share_id = s.id AND d.track_id = st.track_id) AS downloads
         FROM shares s JOIN share_tracks st ON st.share_id = s.id JOIN tracks t ON t.id = st.track_id
         WHERE {SCOPE} ORDER BY st.position"
    );
    let files = format!(
        "SELECT f.id AS file_id, f.track_id, f.kind, f.path,
                (SELECT count(*) FROM download_events d
                 WHERE d.share_id = s.id AND d.file_id = f.id) AS downloads
         FROM shares s JOIN share_tracks st ON st.share_id = s.id
         JOIN track_files f ON f.track_id = st.track_id
         WHERE {SCOPE} ORDER BY st.position, f.position"
    );
    let dropbox = format!(
        "SELECT d.status, d.warning, d.account_name, d.account_email FROM shares s
         JOIN dropbox_connections d ON d.producer_id = s.producer_id WHERE {SCOPE}"
    );
    let [record, tracks, files, dropbox] = batch(
        db,
        [
            (&record, args),
            (&tracks, args),
            (&files, args),
            (&dropbox, args),
        ],
    )
    .await?;
    let Some(share) = first(&record)? else {
        return Ok(None);
    };
    Ok(Some(ShareDetailsData {
        share,
        tracks: tracks.results()?,
        files: files.results()?,
        dropbox: first::<DropboxRow>(&dropbox)?,
    }))
}

/// Revoking twice keeps the first instant; false when there is no such share.
pub async fn revoke(db: &D1Database, producer: &str, id: &str, now: Millis) -> Result<bool> {
    let sql = "UPDATE shares SET revoked_at = coalesce(revoked_at, ?3)
               WHERE id = ?1 AND producer_id = ?2";
    let result = run(db, sql, &[id.into(), producer.into(), now.into()]).await?;
    Ok(changes(&result)? == 1)
}

/// Views and downloads per UTC day since `since`, for the console's chart.
pub async fn daily(
    db: &D1Database,
    producer: &str,
    id: &str,
    since: Millis,
) -> Result<Vec<crate::console::chart::DayCount>> {
    let sql = format!(
        "SELECT day, sum(views) AS views, sum(downloads) AS downloads FROM (
           SELECT v.at / 86400000 AS day, 1 AS views, 0 AS downloads
           FROM shares s JOIN view_events v ON v.share_id = s.id WHERE {SCOPE} AND v.at >= ?3
           UNION ALL
           SELECT d.at / 86400000, 0, 1
           FROM shares s JOIN download_events d ON d.share_id = s.id WHERE {SCOPE} AND d.at >= ?3)
         GROUP BY day ORDER BY day"
    );
    statement(db, &sql, &[id.into(), producer.into(), since.into()])?
        .all()
        .await?
        .results()
}
