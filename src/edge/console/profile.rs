//! Profile and branding: the API's `PATCH /api/me`, with a preview of how
//! share pages open.

use serde_json::json;

use super::super::api::producers;
use super::{Desk, Signed};
use crate::api::ApiError;
use crate::console::forms::{self, Form};
use crate::console::pages::{self, refusal};
use crate::http::Reply;

/// `GET /console/profile`.
pub fn profile(desk: &Desk<'_>, s: &Signed, refused: Option<&ApiError>) -> Reply {
    let context = json!({
        "chrome": desk.chrome(s, "profile"),
        "refusal": refused.map(refusal),
    });
    let status = refused.map_or(200, |e| e.status);
    pages::page(status, "console/profile.html", &context, desk.nonce)
}

/// `POST /console/profile`.
pub async fn update(desk: &Desk<'_>, s: &Signed, form: &Form) -> Reply {
    let call = desk.call(&s.producer, "/api/me", "");
    match producers::update(&call, &forms::profile(form)).await {
        Ok(_) => Reply::see_other("/console/profile?done=profile_saved"),
        Err(e) => profile(desk, s, Some(&e)),
    }
}
