//! Console sessions, found by the hash of the cookie's token. A session is
//! valid only while the key that opened it is not revoked: the lookup joins
//! the key, so revoking it ends its sessions at once.

use serde::Deserialize;
use worker::{D1Database, Result};

use super::{changes, first, run, statement};
use crate::policy::Millis;

#[derive(Debug, Deserialize)]
pub struct SessionRow {
    pub producer_id: String,
    /// The key that opened the session.
    pub key_id: String,
    pub last_seen_at: Millis,
}

pub async fn find(db: &D1Database, id_hash: &str) -> Result<Option<SessionRow>> {
    let sql = "SELECT s.producer_id, s.key_id, s.last_seen_at FROM console_sessions s
               JOIN api_keys k ON k.id = s.key_id AND k.revoked_at IS NULL
               WHERE s.id_hash = ?1";
    first(&statement(db, sql, &[id_hash.into()])?.all().await?)
}

/// Opens a session, and forgets the producer's sessions idle since `stale`.
pub async fn create(
    db: &D1Database,
    id_hash: &str,
    producer: &str,
    key_id: &str,
    now: Millis,
    stale: Millis,
) -> Result<()> {
    super::batch(
        db,
        [
            (
                "DELETE FROM console_sessions WHERE producer_id = ?1 AND last_seen_at <= ?2",
                &[producer.into(), stale.into()],
            ),
            (
                "INSERT INTO console_sessions (id_hash, producer_id, key_id, created_at, last_seen_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
                &[id_hash.into(), producer.into(), key_id.into(), now.into()],
            ),
        ],
    )
    .await
    .map(drop)
}

pub async fn touch(db: &D1Database, id_hash: &str, now: Millis) -> Result<()> {
    let sql = "UPDATE console_sessions SET last_seen_at = ?2 WHERE id_hash = ?1";
    run(db, sql, &[id_hash.into(), now.into()]).await.map(drop)
}

pub async fn delete(db: &D1Database, id_hash: &str) -> Result<()> {
    let sql = "DELETE FROM console_sessions WHERE id_hash = ?1";
    run(db, sql, &[id_hash.into()]).await.map(drop)
}

/// Ends every session of the producer; answers how many.
pub async fn delete_all(db: &D1Database, producer: &str) -> Result<usize> {
    let sql = "DELETE FROM console_sessions WHERE producer_id = ?1";
    changes(&run(db, sql, &[producer.into()]).await?)
}
