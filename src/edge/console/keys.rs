//! API keys in the console: the API's own key handlers. A new key is shown
//! on the page that made it and never again.

use serde_json::{json, Value};

use super::super::api::keys;
use super::{Desk, Signed};
use crate::api::ApiError;
use crate::console::pages::{self, refusal};
use crate::http::Reply;

/// `GET /console/keys`; after a new key, the page showing it once; after a
/// refusal, the API's reason.
pub async fn keys(
    desk: &Desk<'_>,
    s: &Signed,
    created: Option<&Value>,
    refused: Option<&ApiError>,
) -> Reply {
    let listed = desk.view(keys::list(&desk.call(&s.producer, "/api/keys", "")).await);
    match listed {
        Ok(listed) => {
            let context = json!({
                "chrome": desk.chrome(s, "keys"),
                "keys": listed["keys"],
                "this_key": s.key_id,
                "created": created,
                "refusal": refused.map(refusal),
            });
            let status = refused.map_or(200, |e| e.status);
            pages::page(status, "console/keys.html", &context, desk.nonce)
        }
        Err(e) => desk.api_error_page(&e),
    }
}

/// `POST /console/keys`: the API's `POST /api/keys`.
pub async fn create(desk: &Desk<'_>, s: &Signed) -> Reply {
    let call = desk.call(&s.producer, "/api/keys", "");
    match desk.view(keys::create(&call).await) {
        Ok(created) => keys(desk, s, Some(&created), None).await,
        Err(e) => keys(desk, s, None, Some(&e)).await,
    }
}

/// `POST /console/keys/{id}/revoke`: the API's `DELETE /api/keys/{id}`.
pub async fn revoke(desk: &Desk<'_>, s: &Signed, id: &str) -> Reply {
    let call = desk.call(&s.producer, "/api/keys", id);
    match keys::revoke(&call).await {
        Ok(_) => Reply::see_other("/console/keys?done=key_revoked"),
        Err(e) if e.status == 404 => desk.api_error_page(&e),
        Err(e) => keys(desk, s, None, Some(&e)).await,
    }
}
