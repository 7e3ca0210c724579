//! API keys: looked up by id on every authenticated request.

use worker::{D1Database, Result};

use super::{changes, first, run, statement};
use crate::model::{KeyAuthRow, KeyRow};
use crate::policy::Millis;

pub async fn for_auth(db: &D1Database, key_id: &str) -> Result<Option<KeyAuthRow>> {
    let sql = "SELECT producer_id, key_hash, last_used_at, revoked_at FROM api_keys WHERE id = ?1";
    first(&statement(db, sql, &[key_id.into()])?.all().await?)
}

pub async fn touch(db: &D1Database, key_id: &str, now: Millis) -> Result<()> {
    let sql = "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1";
    run(db, sql, &[key_id.into(), now.into()]).await.map(drop)
}

pub async fn list(db: &D1Database, producer: &str) -> Result<Vec<KeyRow>> {
    let sql = "SELECT id, created_at, last_used_at, revoked_at FROM api_keys
               WHERE producer_id = ?1 ORDER BY created_at, id";
    statement(db, sql, &[producer.into()])?
        .all()
        .await?
        .results()
}

/// Adds a key unless the producer already holds `max_active` active ones.
pub async fn create(
    db: &D1Database,
    producer: &str,
    key_id: &str,
    key_hash: &str,
    max_active: i64,
    now: Millis,
) -> Result<Option<KeyRow>> {
    let sql = "INSERT INTO api_keys (id, producer_id, key_hash, created_at)
               SELECT ?1, ?2, ?3, ?4
               WHERE (SELECT count(*) FROM api_keys WHERE producer_id = ?2 AND revoked_at IS NULL) < ?5";
    let args = [
        key_id.into(),
        producer.into(),
        key_hash.into(),
        now.into(),
        max_active.into(),
    ];
    let inserted = changes(&run(db, sql, &args).await?)? == 1;
    Ok(inserted.then(|| KeyRow {
        id: key_id.to_string(),
        created_at: now,
        last_used_at: None,
        revoked_at: None,
    }))
}

/// Revokes a key unless it is its producer's last active one (checked in the
/// same statement, so two concurrent revocations cannot lock a producer out).
pub async fn revoke(db: &D1Database, producer: &str, key_id: &str, now: Millis) -> Result<bool> {
    let sql = "UPDATE api_keys SET revoked_at = ?3
               WHERE id = ?1 AND producer_id = ?2 AND revoked_at IS NULL
                 AND EXISTS (SELECT 1 FROM api_keys k WHERE k.producer_id = ?2
                             AND k.revoked_at IS NULL AND k.id <> ?1)";
    let result = run(db, sql, &[key_id.into(), producer.into(), now.into()]).await?;
    Ok(changes(&result)? == 1)
}
