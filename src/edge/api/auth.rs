//! Who is calling: the operator (by the deployment's `ADMIN_TOKEN`) or a
//! producer (by one of their API keys).

use worker::{console_error, Context, D1Database, Env, Request};

use super::super::settings::setting;
use super::super::store::keys;
use crate::api::{keys::use_worth_recording, ApiError};
use crate::crypto::{self, ApiKey};
use crate::policy::Millis;

fn authorization(req: &Request) -> Option<String> {
    req.headers().get("authorization").ok().flatten()
}

/// The operator's token is a secret of the deployment; without one, the
/// operator API is closed.
pub fn operator(req: &Request, env: &Env) -> Result<(), ApiError> {
    let expected = setting(env, "ADMIN_TOKEN").filter(|t| !t.is_empty());
    let header = authorization(req);
    match (expected, crypto::bearer(header.as_deref())) {
        (Some(expected), Some(given)) if crypto::matches_hash(given, &crypto::hash(&expected)) => {
            Ok(())
        }
        _ => Err(ApiError::unauthorized()),
    }
}

/// The producer whose key the request carries. A key is found by its id,
/// then its hash compared in constant time.
pub async fn producer(
    req: &Request,
    env: &Env,
    ctx: &Context,
    db: &D1Database,
    now: Millis,
) -> Result<String, ApiError> {
    let header = authorization(req);
    let key = crypto::bearer(header.as_deref()).ok_or_else(ApiError::unauthorized)?;
    let key_id = ApiKey::claimed_id(key).ok_or_else(ApiError::unauthorized)?;
    let row = keys::for_auth(db, key_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    if row.revoked_at.is_some() || !crypto::matches_hash(key, &row.key_hash) {
        return Err(ApiError::unauthorized());
    }
    if use_worth_recording(row.last_used_at, now) {
        let db = env.d1("DB")?;
        let key_id = key_id.to_string();
        ctx.wait_until(async move {
            if let Err(e) = keys::touch(&db, &key_id, now).await {
                console_error!("api: recording key use: {e}");
            }
        });
    }
    Ok(row.producer_id)
}
