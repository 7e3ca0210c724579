//! Shares in the console: the overview (most active first), a new share, one
//! share's statistics and edit form, revoking. Writes go through the API's
//! share handlers.

use serde_json::{json, Value};
use worker::console_error;

use super::super::api::{shares, tracks};
use super::super::store;
use super::{Desk, Signed};
use crate::api::ApiError;
use crate::console::chart;
use crate::console::forms::{self, Form};
use crate::console::pages::{
    self, allowed_kinds, by_activity, kind_choices, refusal, track_choices,
};
use crate::http::Reply;

/// Shares and tracks a console page lists at most.
const LISTED: u32 = 100;

/// `GET /console`: every share with its counts, most active first.
pub async fn home(desk: &Desk<'_>, s: &Signed) -> Reply {
    let call = desk.call(&s.producer, &format!("/api/shares?limit={LISTED}"), "");
    let mut listed = match desk.view(shares::list(&call).await) {
        Ok(page) => page["shares"].as_array().cloned().unwrap_or_default(),
        Err(e) => return desk.api_error_page(&e),
    };
    by_activity(&mut listed);
    let context = json!({"chrome": desk.chrome(s, "home"), "shares": listed});
    pages::page(200, "console/home.html", &context, desk.nonce)
}

/// The producer's library, for picking a share's tracks.
async fn library(desk: &Desk<'_>, s: &Signed) -> Result<Vec<Value>, ApiError> {
    let call = desk.call(&s.producer, &format!("/api/tracks?limit={LISTED}"), "");
    let page = desk.view(tracks::list(&call).await)?;
    Ok(page["tracks"].as_array().cloned().unwrap_or_default())
}

/// `GET /console/shares/new`, and the form again with what was sent when
/// the API refused it.
pub async fn new(desk: &Desk<'_>, s: &Signed, refused: Option<(&Form, &ApiError)>) -> Reply {
    let library = match library(desk, s).await {
        Ok(library) => library,
        Err(e) => return desk.api_error_page(&e),
    };
    let (share, picked, kinds) = match refused {
        Some((form, _)) => (
            json!({
                "title": form.get("title"),
                "description": form.get("description"),
                "on_profile": form.checked("on_profile"),
            }),
            form.all("track").into_iter().map(str::to_owned).collect(),
            kind_choices(&form.all("kind")),
        ),
        None => (Value::Null, Vec::new(), kind_choices(&["master", "bounce"])),
    };
    let context = json!({
        "chrome": desk.chrome(s, "new"),
        "share": share,
        "tracks": track_choices(&library, &picked),
        "kinds": kinds,
        "refusal": refused.map(|(_, e)| refusal(e)),
    });
    let status = refused.map_or(200, |(_, e)| e.status);
    pages::page(status, "console/share_new.html", &context, desk.nonce)
}

/// `POST /console/shares`: the API's `POST /api/shares`.
pub async fn create(desk: &Desk<'_>, s: &Signed, form: &Form) -> Reply {
    let call = desk.call(&s.producer, "/api/shares", "");
    match desk.view(shares::create(&call, &forms::new_share(form)).await) {
        Ok(created) => match created["id"].as_str() {
            Some(id) => Reply::see_other(&format!("/console/shares/{id}?done=share_created")),
            None => desk.api_error_page(&ApiError::unavailable()),
        },
        Err(e) => new(desk, s, Some((form, &e))).await,
    }
}

/// `GET /console/shares/{id}`: statistics (chart and tables) and the edit
/// form, with the API's refusal when an edit failed.
pub async fn share(desk: &Desk<'_>, s: &Signed, id: &str, refused: Option<&ApiError>) -> Reply {
    let call = desk.call(&s.producer, "/api/shares", id);
    let details = match desk.view(shares::get(&call).await) {
        Ok(details) => details,
        Err(e) => return desk.api_error_page(&e),
    };
    let library = match library(desk, s).await {
        Ok(library) => library,
        Err(e) => return desk.api_error_page(&e),
    };
    let counts = match store::shares::daily(&desk.db, &s.producer, id, chart::since(desk.now)).await
    {
        Ok(counts) => counts,
        Err(e) => {
            console_error!("console: daily counts: {e}");
            Vec::new()
        }
    };
    let days = chart::days(&counts, desk.now);
    let picked: Vec<String> = details["track_ids"]
        .as_array()
        .map(|ids| {
            ids.iter()
                .filter_map(|id| id.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let context = json!({
        "chrome": desk.chrome(s, "home"),
        "chart": chart::svg(&days),
        "quiet": chart::is_quiet(&days),
        "days": days,
        "tracks": track_choices(&library, &picked),
        "kinds": kind_choices(&allowed_kinds(&details)),
        "share": details,
        "refusal": refused.map(refusal),
    });
    let status = refused.map_or(200, |e| e.status);
    pages::page(status, "console/share.html", &context, desk.nonce)
}

/// `POST /console/shares/{id}`: the API's `PATCH /api/shares/{id}`.
pub async fn update(desk: &Desk<'_>, s: &Signed, id: &str, form: &Form) -> Reply {
    let call = desk.call(&s.producer, "/api/shares", id);
    match shares::update(&call, &forms::share_update(form)).await {
        Ok(_) => Reply::see_other(&format!("/console/shares/{id}?done=share_saved")),
        Err(e) if e.status == 404 => desk.api_error_page(&e),
        Err(e) => share(desk, s, id, Some(&e)).await,
    }
}

/// `POST /console/shares/{id}/revoke`: the API's `DELETE /api/shares/{id}`.
pub async fn revoke(desk: &Desk<'_>, s: &Signed, id: &str) -> Reply {
    let call = desk.call(&s.producer, "/api/shares", id);
    match shares::revoke(&call).await {
        Ok(_) => Reply::see_other(&format!("/console/shares/{id}?done=share_revoked")),
        Err(e) => desk.api_error_page(&e),
    }
}
