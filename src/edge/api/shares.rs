//! `GET|POST /api/shares`, `GET|PATCH|DELETE /api/shares/{id}`.

use serde_json::Value;

use super::super::store::shares as store;
use super::{new_id, Call};
use crate::api::listing::page_query;
use crate::api::shares::{self, SharePage};
use crate::api::{self, ApiError};
use crate::http::Reply;
use crate::paging::{next_page, Cursor};

pub async fn list(call: &Call<'_>) -> Result<Reply, ApiError> {
    let page = page_query(call.url.query())?;
    let origin = call.origin()?;
    let mut rows = store::list(call.db, &call.producer, &page).await?;
    let next_cursor = next_page(&mut rows, page.limit, |s| Cursor {
        created_at: s.created_at,
        id: s.id.clone(),
    });
    let shares = rows
        .iter()
        .map(|s| shares::share(s, &origin, call.now))
        .collect();
    Ok(api::ok(
        200,
        &SharePage {
            shares,
            next_cursor,
        },
    ))
}

pub async fn create(call: &Call<'_>, body: &Value) -> Result<Reply, ApiError> {
    let mut new = shares::new_share(body, call.now)?;
    let origin = call.origin()?;
    let owned = store::owned_tracks(call.db, &call.producer, &new.track_ids).await?;
    shares::check_tracks(&mut new, &owned)?;
    let (id, token) = (new_id()?, new_id()?);
    let record = store::create(call.db, &call.producer, &id, &token, &new, call.now)
        .await?
        .ok_or_else(ApiError::unavailable)?;
    Ok(api::ok(201, &shares::share(&record, &origin, call.now))
        .with_header("location", format!("/api/shares/{id}")))
}

pub async fn get(call: &Call<'_>) -> Result<Reply, ApiError> {
    let origin = call.origin()?;
    let details = store::details(call.db, &call.producer, call.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(api::ok(
        200,
        &shares::share_details(&details, &origin, call.now),
    ))
}

pub async fn update(call: &Call<'_>, body: &Value) -> Result<Reply, ApiError> {
    let update = shares::share_update(body, call.now)?;
    let origin = call.origin()?;
    if let Some(ids) = &update.track_ids {
        let owned = store::owned_tracks(call.db, &call.producer, ids).await?;
        shares::check_owned_tracks(ids, &owned)?;
    }
    // The update leaves a revoked share alone; reading it back tells which.
    let record = store::update(call.db, &call.producer, call.id, &update)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if record.revoked_at.is_some() {
        return Err(shares::revoked());
    }
    Ok(api::ok(200, &shares::share(&record, &origin, call.now)))
}

pub async fn revoke(call: &Call<'_>) -> Result<Reply, ApiError> {
    if store::revoke(call.db, &call.producer, call.id, call.now).await? {
        Ok(Reply::no_content())
    } else {
        Err(ApiError::not_found())
    }
}
