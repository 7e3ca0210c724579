//! Dropbox connections and the OAuth `state` values that create them. Every
//! write after a token refresh is guarded by the refresh token it used, so a
//! refresh that finishes after a reconnect cannot overwrite the new tokens.

use worker::{D1Database, Result};

use super::{batch, changes, first, run, statement};
use crate::model::ConnectionRow;
use crate::policy::Millis;

/// Remembers a new `state` for the producer, and forgets the expired ones.
pub async fn create_state(
    db: &D1Database,
    state: &str,
    producer: &str,
    session_hash: Option<&str>,
    expires_at: Millis,
    now: Millis,
) -> Result<()> {
    batch(
        db,
        [
            (
                "DELETE FROM oauth_states WHERE expires_at <= ?1",
                &[now.into()],
            ),
            (
                "INSERT INTO oauth_states (state, producer_id, expires_at, session_hash)
                 VALUES (?1, ?2, ?3, ?4)",
                &[
                    state.into(),
                    producer.into(),
                    expires_at.into(),
                    session_hash.map(str::to_owned).into(),
                ],
            ),
        ],
    )
    .await
    .map(drop)
}

#[derive(serde::Deserialize)]
pub struct TakenState {
    pub producer_id: String,
    pub expires_at: Millis,
    pub session_hash: Option<String>,
}

/// Consumes a `state`: whoever deletes it first owns it, so it works once
/// even when the callback is opened twice at the same instant.
pub async fn take_state(db: &D1Database, state: &str) -> Result<Option<TakenState>> {
    let sql = "DELETE FROM oauth_states WHERE state = ?1
               RETURNING producer_id, expires_at, session_hash";
    first(&statement(db, sql, &[state.into()])?.all().await?)
}

/// Binds a producer's live, unbound `state` to the browser session that
/// opened its link; false when there is no such state.
pub async fn bind_state(
    db: &D1Database,
    state: &str,
    producer: &str,
    session_hash: &str,
    now: Millis,
) -> Result<bool> {
    let sql = "UPDATE oauth_states SET session_hash = ?3
               WHERE state = ?1 AND producer_id = ?2 AND expires_at > ?4
                 AND (session_hash IS NULL OR session_hash = ?3)";
    let args = [
        state.into(),
        producer.into(),
        session_hash.into(),
        now.into(),
    ];
    Ok(changes(&run(db, sql, &args).await?)? == 1)
}

/// The producer's connection, as sessions use it.
pub async fn of_producer(db: &D1Database, producer: &str) -> Result<Option<ConnectionRow>> {
    let sql = "\
SELECT producer_id, account_id, status, refresh_token_enc, access_token_enc, access_expires_at
FROM dropbox_connections WHERE producer_id = ?1";
    first(&statement(db, sql, &[producer.into()])?.all().await?)
}

/// Forgets the producer's connection and its tokens.
pub async fn disconnect(db: &D1Database, producer: &str) -> Result<bool> {
    let sql = "DELETE FROM dropbox_connections WHERE producer_id = ?1";
    Ok(changes(&run(db, sql, &[producer.into()]).await?)? == 1)
}

/// Stores a (re)connection: new tokens, who the account is, status ok,
/// warning cleared. Nothing is stored, and the answer is `false`, when the
/// Dropbox account is already linked to another producer: the check and the
/// write are one statement, so two producers cannot both take it.
pub async fn connect(db: &D1Database, row: &ConnectionRow, now: Millis) -> Result<bool> {
    let sql = "\
INSERT INTO dropbox_connections (producer_id, account_id, account_name, account_email,
  refresh_token_enc, access_token_enc, access_expires_at, status, warning, connected_at, updated_at)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, 'ok', NULL, ?8, ?8
WHERE NOT EXISTS (SELECT 1 FROM dropbox_connections WHERE account_id = ?2 AND producer_id <> ?1)
ON CONFLICT (producer_id) DO UPDATE SET account_id = excluded.account_id,
  account_name = excluded.account_name, account_email = excluded.account_email,
  refresh_token_enc = excluded.refresh_token_enc, access_token_enc = excluded.access_token_enc,
  access_expires_at = excluded.access_expires_at, status = 'ok', warning = NULL,
  connected_at = excluded.connected_at, updated_at = excluded.updated_at";
    let args = [
        row.producer_id.as_str().into(),
        row.account_id.clone().into(),
        row.account_name.clone().into(),
        row.account_email.clone().into(),
        row.refresh_token_enc.as_str().into(),
        row.access_token_enc.clone().into(),
        row.access_expires_at.into(),
        now.into(),
    ];
    Ok(changes(&run(db, sql, &args).await?)? == 1)
}

/// Stores a refreshed access token, unless the connection changed since
/// (`guard`: the refresh token's ciphertext it was made from).
pub async fn store_access(
    db: &D1Database,
    producer_id: &str,
    guard: &str,
    access_token_enc: &str,
    access_expires_at: Millis,
    now: Millis,
) -> Result<bool> {
    let sql = "\
UPDATE dropbox_connections SET access_token_enc = ?3, access_expires_at = ?4, updated_at = ?5
WHERE producer_id = ?1 AND refresh_token_enc = ?2 AND status = 'ok'";
    let args = [
        producer_id.into(),
        guard.into(),
        access_token_enc.into(),
        access_expires_at.into(),
        now.into(),
    ];
    Ok(changes(&run(db, sql, &args).await?)? == 1)
}

/// Dropbox refused the refresh token: the producer must reconnect, unless
/// they already did (the guard).
pub async fn mark_revoked(
    db: &D1Database,
    producer_id: &str,
    guard: &str,
    warning: &str,
    now: Millis,
) -> Result<bool> {
    let sql = "\
UPDATE dropbox_connections
SET status = 'needs_reconnect', warning = ?3, access_token_enc = NULL, updated_at = ?4
WHERE producer_id = ?1 AND refresh_token_enc = ?2";
    let args = [producer_id.into(), guard.into(), warning.into(), now.into()];
    Ok(changes(&run(db, sql, &args).await?)? == 1)
}

/// Connections whose access token expires before `before` (or has none).
pub async fn due_for_refresh(db: &D1Database, before: Millis) -> Result<Vec<ConnectionRow>> {
    let sql = "\
SELECT producer_id, account_id, status, refresh_token_enc, access_token_enc, access_expires_at
FROM dropbox_connections
WHERE status = 'ok' AND (access_expires_at IS NULL OR access_expires_at < ?1)
ORDER BY access_expires_at
LIMIT 500";
    statement(db, sql, &[before.into()])?.all().await?.results()
}
