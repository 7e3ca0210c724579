//! A producer's tracks with their files and collaborators. Deleting only
//! marks a track, so download history keeps naming it.

use worker::{D1Database, D1Result, Result};

use super::{batch, batch_then_read, changes, json_rows, run, Columns, Owned, SqlValue};
use crate::commands::{CollaboratorSpec, FileSpec, NewTrack, TrackUpdate};
use crate::model::{CollaboratorRow, FileRow, TrackRecord};
use crate::paging::PageQuery;
use crate::policy::Millis;

/// A track (or a page of them) with everything that belongs to it.
pub struct Tracks {
    pub tracks: Vec<TrackRecord>,
    pub files: Vec<FileRow>,
    pub collaborators: Vec<CollaboratorRow>,
}

/// The three reads of a set of tracks, given the SQL that selects their ids
/// (a scalar or a subquery), so one batch loads them all.
fn reads(tracks_sql: &str, ids_sql: &str) -> [String; 3] {
    [
        format!(
            "SELECT t.id, t.title, t.bpm, t.musical_key, t.artwork_path, t.created_at, t.updated_at
             FROM tracks t WHERE {tracks_sql}"
        ),
        format!(
            "SELECT f.id, f.track_id, f.kind, f.path, f.is_folder, f.label, f.size FROM track_files f
             WHERE f.track_id IN ({ids_sql}) ORDER BY f.track_id, f.position"
        ),
        format!(
            "SELECT c.track_id, c.name, c.role, c.avatar_url, c.url FROM collaborators c
             WHERE c.track_id IN ({ids_sql}) ORDER BY c.track_id, c.position"
        ),
    ]
}

fn tracks_of([tracks, files, collaborators]: [D1Result; 3]) -> Result<Tracks> {
    Ok(Tracks {
        tracks: tracks.results()?,
        files: files.results()?,
        collaborators: collaborators.results()?,
    })
}

const ONE: &str = "t.id = ?1 AND t.producer_id = ?2 AND t.deleted_at IS NULL";
const ONE_ID: &str =
    "SELECT t.id FROM tracks t WHERE t.id = ?1 AND t.producer_id = ?2 AND t.deleted_at IS NULL";

pub async fn get(db: &D1Database, producer: &str, id: &str) -> Result<Option<Tracks>> {
    let args = [id.into(), producer.into()];
    let [t, f, c] = reads(ONE, ONE_ID);
    let loaded = tracks_of(batch(db, [(&t, &args), (&f, &args), (&c, &args)]).await?)?;
    Ok((!loaded.tracks.is_empty()).then_some(loaded))
}

/// Newest first; one more row than asked tells whether a next page exists.
const PAGE: &str = "t.producer_id = ?1 AND t.deleted_at IS NULL
  AND (?2 IS NULL OR t.created_at < ?2 OR (t.created_at = ?2 AND t.id < ?3))
  ORDER BY t.created_at DESC, t.id DESC LIMIT ?4";

pub async fn list(db: &D1Database, producer: &str, page: &PageQuery) -> Result<Tracks> {
    let after = page.after.as_ref();
    let args = [
        producer.into(),
        after.map(|c| c.created_at).into(),
        SqlValue::from(after.map(|c| c.id.clone())),
        i64::from(page.limit + 1).into(),
    ];
    let ids = format!("SELECT t.id FROM tracks t WHERE {PAGE}");
    let [t, f, c] = reads(PAGE, &ids);
    tracks_of(batch(db, [(&t, &args), (&f, &args), (&c, &args)]).await?)
}

const INSERT_FILES: &str = "\
INSERT INTO track_files (id, track_id, position, kind, path, is_folder, label, size)
SELECT json_extract(value, '$.id'), ?1, key, json_extract(value, '$.kind'),
       json_extract(value, '$.path'), json_extract(value, '$.folder'), json_extract(value, '$.label'),
       json_extract(value, '$.size')
FROM json_each(?2) WHERE EXISTS (SELECT 1 FROM tracks WHERE id = ?1)
ON CONFLICT (id) DO UPDATE SET position = excluded.position, kind = excluded.kind,
  path = excluded.path, is_folder = excluded.is_folder, label = excluded.label,
  size = COALESCE(excluded.size, track_files.size)
WHERE track_files.track_id = ?1";

const INSERT_COLLABORATORS: &str = "\
INSERT INTO collaborators (track_id, position, name, role, avatar_url, url)
SELECT ?1, key, json_extract(value, '$.name'), json_extract(value, '$.role'),
       json_extract(value, '$.avatar_url'), json_extract(value, '$.url')
FROM json_each(?2) WHERE EXISTS (SELECT 1 FROM tracks WHERE id = ?1)";

/// Inserts a track whose files all carry their new ids, unless the library
/// already holds `max_tracks` live tracks, and reads it back: `None` when
/// the library was full.
pub async fn create(
    db: &D1Database,
    producer: &str,
    id: &str,
    new: &NewTrack,
    max_tracks: i64,
    now: Millis,
) -> Result<Option<Tracks>> {
    let insert = "INSERT INTO tracks (id, producer_id, created_at, updated_at,
                                      title, bpm, musical_key, artwork_path)
                  SELECT ?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7
                  WHERE (SELECT count(*) FROM tracks
                         WHERE producer_id = ?2 AND deleted_at IS NULL) < ?8";
    let args = vec![
        id.into(),
        producer.into(),
        now.into(),
        new.title.as_str().into(),
        new.bpm.into(),
        new.key.clone().into(),
        new.artwork_path.clone().into(),
        max_tracks.into(),
    ];
    let mut statements = vec![(insert.to_owned(), args)];
    statements.extend(replace_children(
        id,
        Some(&new.files),
        Some(&new.collaborators),
    ));
    statements.extend(read_back(producer, id));
    let loaded = tracks_of(batch_then_read(db, &statements).await?)?;
    Ok((!loaded.tracks.is_empty()).then_some(loaded))
}

fn columns(u: &TrackUpdate) -> Columns {
    let mut c = Columns::default();
    c.set("title", u.title.clone())
        .set("bpm", u.bpm)
        .set("musical_key", u.key.clone())
        .set("artwork_path", u.artwork_path.clone());
    c
}

/// Applies a checked update and reads the track back, in one transaction.
/// Its `files` already carry ids (kept or new) for every file.
pub async fn update(
    db: &D1Database,
    producer: &str,
    id: &str,
    update: &TrackUpdate,
    now: Millis,
) -> Result<Tracks> {
    let (set, mut values) = columns(update).split(3);
    let set = if set.is_empty() {
        "updated_at = ?3".to_owned()
    } else {
        format!("updated_at = ?3, {set}")
    };
    let update_sql = format!(
        "UPDATE tracks SET {set} WHERE id = ?1 AND producer_id = ?2 AND deleted_at IS NULL"
    );
    let mut args = vec![id.into(), producer.into(), now.into()];
    args.append(&mut values);
    let mut statements = vec![(update_sql, args)];
    statements.extend(replace_children(
        id,
        update.files.as_deref(),
        update.collaborators.as_deref(),
    ));
    statements.extend(read_back(producer, id));
    tracks_of(batch_then_read(db, &statements).await?)
}

/// Files not listed are removed, listed ones inserted or updated in place
/// (keeping their ids); collaborators are replaced as a whole.
fn replace_children(
    id: &str,
    files: Option<&[FileSpec]>,
    collaborators: Option<&[CollaboratorSpec]>,
) -> Vec<Owned> {
    let mut statements = Vec::new();
    if let Some(files) = files {
        let rows = json_rows(&files);
        statements.push((
            "DELETE FROM track_files WHERE track_id = ?1
             AND id NOT IN (SELECT json_extract(value, '$.id') FROM json_each(?2))"
                .into(),
            vec![id.into(), rows.clone()],
        ));
        statements.push((INSERT_FILES.into(), vec![id.into(), rows]));
    }
    if let Some(people) = collaborators {
        statements.push((
            "DELETE FROM collaborators WHERE track_id = ?1".into(),
            vec![id.into()],
        ));
        statements.push((
            INSERT_COLLABORATORS.into(),
            vec![id.into(), json_rows(&people)],
        ));
    }
    statements
}

fn read_back(producer: &str, id: &str) -> [Owned; 3] {
    let args: Vec<SqlValue> = vec![id.into(), producer.into()];
    reads(ONE, ONE_ID).map(|sql| (sql, args.clone()))
}

pub async fn delete(db: &D1Database, producer: &str, id: &str, now: Millis) -> Result<bool> {
    let sql = "UPDATE tracks SET deleted_at = ?3
               WHERE id = ?1 AND producer_id = ?2 AND deleted_at IS NULL";
    let result = run(db, sql, &[id.into(), producer.into(), now.into()]).await?;
    Ok(changes(&result)? == 1)
}
