//! The library: the producer's tracks, one track's edit form, its cover.

use serde_json::{json, Value};
use worker::console_error;

use super::super::api::tracks;
use super::super::{dropbox, store};
use super::{Desk, Signed};
use crate::api::ApiError;
use crate::art;
use crate::console::forms::{self, Form};
use crate::console::pages::{self, refusal};
use crate::http::Reply;
use crate::model::FileKind;

/// Tracks shown per library page.
const PER_PAGE: u32 = 50;

fn kinds() -> Vec<&'static str> {
    FileKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// `GET /console/library`.
pub async fn library(desk: &Desk<'_>, s: &Signed) -> Reply {
    let mut path = format!("/api/tracks?limit={PER_PAGE}");
    if let Some(cursor) = desk.query("cursor") {
        path.push_str("&cursor=");
        path.extend(url::form_urlencoded::byte_serialize(cursor.as_bytes()));
    }
    let listed = desk.view(tracks::list(&desk.call(&s.producer, &path, "")).await);
    match listed {
        Ok(page) => {
            let context = json!({
                "chrome": desk.chrome(s, "library"),
                "tracks": page["tracks"],
                "next_cursor": page["next_cursor"],
            });
            pages::page(200, "console/library.html", &context, desk.nonce)
        }
        Err(e) => desk.api_error_page(&e),
    }
}

/// `GET /console/tracks/{id}`, and the same form again when a change was
/// refused.
pub async fn track(desk: &Desk<'_>, s: &Signed, id: &str, refused: Option<&ApiError>) -> Reply {
    let call = desk.call(&s.producer, "/api/tracks", id);
    match desk.view(tracks::get(&call).await) {
        Ok(track) => {
            let context = json!({
                "chrome": desk.chrome(s, "library"),
                "track": track,
                "kinds": kinds(),
                "refusal": refused.map(refusal),
            });
            let status = refused.map_or(200, |e| e.status);
            pages::page(status, "console/track.html", &context, desk.nonce)
        }
        Err(e) => desk.api_error_page(&e),
    }
}

/// `POST /console/tracks/{id}`: the API's `PATCH /api/tracks/{id}`.
pub async fn update(desk: &Desk<'_>, s: &Signed, id: &str, form: &Form) -> Reply {
    let call = desk.call(&s.producer, "/api/tracks", id);
    match tracks::update(&call, &forms::track_update(form)).await {
        Ok(_) => Reply::see_other(&format!("/console/tracks/{id}?done=track_saved")),
        Err(e) if e.status == 404 => desk.api_error_page(&e),
        Err(e) => track(desk, s, id, Some(&e)).await,
    }
}

/// `POST /console/tracks/{id}/delete`: the API's `DELETE /api/tracks/{id}`.
pub async fn delete(desk: &Desk<'_>, s: &Signed, id: &str) -> Reply {
    let call = desk.call(&s.producer, "/api/tracks", id);
    match tracks::delete(&call).await {
        Ok(_) => Reply::see_other("/console/library?done=track_deleted"),
        Err(e) => desk.api_error_page(&e),
    }
}

/// `GET /console/art/{id}`: the track's cover from Dropbox, else its
/// generated pattern.
pub async fn artwork(desk: &Desk<'_>, s: &Signed, id: &str) -> Reply {
    let call = desk.call(&s.producer, "/api/tracks", id);
    let track: Value = match desk.view(tracks::get(&call).await) {
        Ok(track) => track,
        Err(e) => return desk.api_error_page(&e),
    };
    let placeholder = |cacheable| Reply::svg(art::placeholder_svg(id), cacheable);
    let Some(path) = track["artwork_path"].as_str() else {
        return placeholder(true);
    };
    let connection = match store::dropbox::of_producer(&desk.db, &s.producer).await {
        Ok(Some(c)) if c.is_ok() => c,
        Ok(_) => return placeholder(false),
        Err(e) => {
            console_error!("console: artwork: {e}");
            return placeholder(false);
        }
    };
    match dropbox::temporary_link(desk.env, desk.ctx, &desk.db, &connection, id, path).await {
        Ok(link) => Reply::redirect(&link),
        Err(answer) => {
            console_error!("console: artwork: {answer:?}");
            placeholder(false)
        }
    }
}
