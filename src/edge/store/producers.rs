//! Producers: created by the operator, read and edited by themselves.

use worker::{D1Database, Result};

use super::{batch, changes, first, statement, Columns, SqlValue};
use crate::commands::{NewProducer, ProfileUpdate};
use crate::model::AccountRow;
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
       d.status AS dropbox_status, d.warning AS dropbox_warning,
       d.account_name AS dropbox_account_name, d.account_email AS dropbox_account_email
FROM producers p LEFT JOIN dropbox_connections d ON d.producer_id = p.id
WHERE p.id = ?1";

pub async fn account(db: &D1Database, producer: &str) -> Result<Option<AccountRow>> {
    first(&statement(db, ACCOUNT, &[producer.into()])?.all().await?)
}

fn columns(u: &ProfileUpdate) -> Columns {
    let mut c = Columns::default();
    c.set("display_name", u.display_name.clone())
        .set("bio", u.bio.clone())
        .set("avatar_url", u.avatar_url.clone())
        .set("header_url", u.header_url.clone())
        .set("theme_accent", u.theme_accent.clone())
        .set("theme_mode", u.theme_mode.clone())
        .set("public_profile", u.public_profile);
    c
}

/// Applies the update and reads the account back, in one transaction.
pub async fn update(
    db: &D1Database,
    producer: &str,
    update: &ProfileUpdate,
    now: Millis,
) -> Result<Option<AccountRow>> {
    let columns = columns(update);
    if columns.is_empty() {
        return account(db, producer).await;
    }
    let (set, mut args) = columns.split(0);
    let sql = format!(
        "UPDATE producers SET {set}, updated_at = ?{} WHERE id = ?{}",
        args.len() + 1,
        args.len() + 2
    );
    args.extend([now.into(), producer.into()]);
    let [_, account] = batch(db, [(&sql, &args), (ACCOUNT, &[SqlValue::from(producer)])]).await?;
    first(&account)
}
