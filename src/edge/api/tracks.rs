//! `GET|POST /api/tracks`, `GET|PATCH|DELETE /api/tracks/{id}`.

use serde_json::Value;

use super::super::store::tracks::{self as store, Tracks};
use super::{new_id, Call};
use crate::api::listing::page_query;
use crate::api::tracks::{self, TrackPage};
use crate::api::{self, ApiError};
use crate::commands::FileSpec;
use crate::http::Reply;
use crate::limits;
use crate::paging::{next_page, Cursor};

pub async fn list(call: &Call<'_>) -> Result<Reply, ApiError> {
    let page = page_query(call.url.query())?;
    let mut loaded = store::list(call.db, &call.producer, &page).await?;
    let next_cursor = next_page(&mut loaded.tracks, page.limit, |t| Cursor {
        created_at: t.created_at,
        id: t.track.id.clone(),
    });
    let tracks = loaded
        .tracks
        .iter()
        .map(|t| tracks::track(t, &loaded.files, &loaded.collaborators))
        .collect();
    Ok(api::ok(
        200,
        &TrackPage {
            tracks,
            next_cursor,
        },
    ))
}

/// Answers the one track a create, read or update loaded.
fn one_track(status: u16, loaded: &Tracks) -> Result<Reply, ApiError> {
    let track = loaded.tracks.first().ok_or_else(ApiError::not_found)?;
    Ok(api::ok(
        status,
        &tracks::track(track, &loaded.files, &loaded.collaborators),
    ))
}

/// Gives every file that has no id yet a new one.
fn with_ids(files: &mut [FileSpec]) -> Result<(), ApiError> {
    for file in files.iter_mut().filter(|f| f.id.is_none()) {
        file.id = Some(new_id()?);
    }
    Ok(())
}

pub async fn create(call: &Call<'_>, body: &Value) -> Result<Reply, ApiError> {
    let mut new = tracks::new_track(body)?;
    with_ids(&mut new.files)?;
    let id = new_id()?;
    let max = limits::TRACKS_PER_PRODUCER;
    let loaded = store::create(call.db, &call.producer, &id, &new, max, call.now)
        .await?
        .ok_or_else(tracks::too_many_tracks)?;
    Ok(one_track(201, &loaded)?.with_header("location", format!("/api/tracks/{id}")))
}

pub async fn get(call: &Call<'_>) -> Result<Reply, ApiError> {
    let loaded = store::get(call.db, &call.producer, call.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    one_track(200, &loaded)
}

pub async fn update(call: &Call<'_>, body: &Value) -> Result<Reply, ApiError> {
    let mut update = tracks::track_update(body)?;
    let current = store::get(call.db, &call.producer, call.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if let Some(files) = &mut update.files {
        let known: Vec<&str> = current.files.iter().map(|f| f.id.as_str()).collect();
        tracks::check_kept_files(files, &known)?;
        with_ids(files)?;
    }
    let loaded = store::update(call.db, &call.producer, call.id, &update, call.now).await?;
    one_track(200, &loaded)
}

pub async fn delete(call: &Call<'_>) -> Result<Reply, ApiError> {
    if store::delete(call.db, &call.producer, call.id, call.now).await? {
        Ok(Reply::no_content())
    } else {
        Err(ApiError::not_found())
    }
}
