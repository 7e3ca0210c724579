//! Producers: created by the operator, read and edited by themselves.

use worker::{D1Database, Result};

use super::{batch, changes, first, set_clause, statement};
use crate::api::requests::{Changes, NewProducer};
use crate::model::{AccountRow, SqlValue};
use crate::policy::Millis;

/// The producer and a first key, or nothing when the handle is taken: the
/// key is only inserted if its producer row was.
pub async fn create(
    db: &D1Database,
    id: &str,
    new: &NewProducer,
    key_id: &str,
    key_hash: &str,
    now: Millis,
) -> Result<bool> {
    let [producer, _key] = batch(
        db,
        [
            (
                "INSERT INTO producers (id, handle, display_name, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (handle) DO NOTHING",
                &[
                    id.into(),
                    new.handle.as_str().into(),
                    new.display_name.as_str().into(),
                    now.into(),
                ],
            ),
            (
                "INSERT INTO api_keys (id, producer_id, key_hash, created_at)
                 SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM producers WHERE id = ?2)",
                &[key_id.into(), id.into(), key_hash.into(), now.into()],
            ),
        ],
    )
    .await?;
    Ok(changes(&producer)? == 1)
}

const ACCOUNT: &str = "\
SELECT p.id, p.created_at, p.updated_at, p.handle, p.display_name, p.bio, p.avatar_url,
       p.header_url, p.theme_accent, p.theme_mode, p.public_profile,
       d.status AS dropbox_status, d.warning AS dropbox_warning
FROM producers p LEFT JOIN dropbox_connections d ON d.producer_id = p.id
WHERE p.id = ?1";

pub async fn account(db: &D1Database, producer: &str) -> Result<Option<AccountRow>> {
    first(&statement(db, ACCOUNT, &[producer.into()])?.all().await?)
}

/// Applies the changes and reads the account back, in one transaction.
pub async fn update(
    db: &D1Database,
    producer: &str,
    changes: Changes,
    now: Millis,
) -> Result<Option<AccountRow>> {
    if changes.is_empty() {
        return account(db, producer).await;
    }
    let (columns, mut args): (Vec<&str>, Vec<SqlValue>) = changes.into_iter().unzip();
    let sql = format!(
        "UPDATE producers SET {}, updated_at = ?{} WHERE id = ?{}",
        set_clause(&columns, 0),
        args.len() + 1,
        args.len() + 2
    );
    args.extend([now.into(), producer.into()]);
    let [_, account] = batch(db, [(&sql, &args), (ACCOUNT, &[producer.into()])]).await?;
    first(&account)
}
