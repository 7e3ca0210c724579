//! `GET|POST /api/keys`, `DELETE /api/keys/{id}`.

use super::super::store::keys as store;
use super::Call;
use crate::api::keys::{self, key};
use crate::api::{self, ApiError};
use crate::crypto::{self, ApiKey};
use crate::http::Reply;
use crate::limits;

pub async fn list(call: &Call<'_>) -> Result<Reply, ApiError> {
    let rows = store::list(call.db, &call.producer).await?;
    Ok(api::ok(200, &keys::keys(&rows)))
}

pub async fn create(call: &Call<'_>) -> Result<Reply, ApiError> {
    let new = ApiKey::generate()?;
    let hash = crypto::hash(&new.key);
    let row = store::create(
        call.db,
        &call.producer,
        &new.id,
        &hash,
        limits::ACTIVE_KEYS,
        call.now,
    )
    .await?
    .ok_or_else(keys::too_many_keys)?;
    Ok(api::ok(201, &key(&row, Some(new.key))))
}

pub async fn revoke(call: &Call<'_>) -> Result<Reply, ApiError> {
    if !store::revoke(call.db, &call.producer, call.id, call.now).await? {
        // Nothing changed: say why.
        keys::unrevoked(&store::list(call.db, &call.producer).await?, call.id)?;
    }
    Ok(Reply::no_content())
}
