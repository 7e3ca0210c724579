//! `POST /admin/producers`, `GET|PATCH /api/me`.

use serde_json::Value;

use super::super::store::producers as store;
use super::{new_id, Call};
use crate::api::producers::{self, CreatedProducer};
use crate::api::{self, ApiError};
use crate::crypto::{self, ApiKey};
use crate::http::Reply;

pub async fn create(call: &Call<'_>, body: &Value) -> Result<Reply, ApiError> {
    let new = producers::new_producer(body)?;
    let id = new_id()?;
    let key = ApiKey::generate()?;
    let created = store::create(
        call.db,
        &id,
        &new,
        &key.id,
        &crypto::hash(&key.key),
        call.now,
    )
    .await?;
    if !created {
        return Err(producers::handle_taken(&new.handle));
    }
    let created = CreatedProducer {
        id: &id,
        handle: &new.handle,
        api_key: &key.key,
    };
    Ok(api::ok(201, &created))
}

pub async fn me(call: &Call<'_>) -> Result<Reply, ApiError> {
    let account = store::account(call.db, &call.producer)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    Ok(api::ok(200, &producers::profile(&account, &call.origin()?)))
}

pub async fn update(call: &Call<'_>, body: &Value) -> Result<Reply, ApiError> {
    let update = producers::profile_update(body)?;
    let origin = call.origin()?;
    let account = store::update(call.db, &call.producer, &update, call.now)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    Ok(api::ok(200, &producers::profile(&account, &origin)))
}
