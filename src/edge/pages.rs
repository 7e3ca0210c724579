//! Visitors' pages: one D1 batch, the core's page, and for a share page a
//! view sent after the answer has gone out.

use worker::{Response, Result};

use super::events;
use super::respond::{respond, store_failed};
use super::store;
use super::visit::Visit;
use crate::events::What;
use crate::model::SharePageData;
use crate::pager;
use crate::pages;
use crate::policy;

/// `GET /s/{token}`.
pub async fn share(v: &Visit<'_>, token: &str) -> Result<Response> {
    let db = v.env.d1("DB")?;
    let query = v
        .req
        .url()
        .ok()
        .and_then(|url| url.query().map(str::to_owned));
    let page = pager::requested(query.as_deref());
    respond(
        match store::pages::share_page(&v.reads(&db), token, page).await {
            Ok(data) => {
                if let Some(data) = &data {
                    record_view(v, data);
                }
                pages::share(token, data.as_ref(), v.now, v.origin().as_deref(), v.nonce)
            }
            Err(e) => store_failed(e, v.nonce),
        },
    )
}

/// `GET /u/{handle}`.
pub async fn profile(v: &Visit<'_>, handle: &str) -> Result<Response> {
    let db = v.env.d1("DB")?;
    respond(match store::pages::profile(&v.reads(&db), handle).await {
        Ok(data) => pages::profile(data.as_ref(), v.now, v.nonce),
        Err(e) => store_failed(e, v.nonce),
    })
}

/// Counts a visitor's view of an open share, after the page has gone out.
/// A view is a load of the share's first page: its other pages are the
/// same visit going on (and `player.js` fetches them in the background).
fn record_view(v: &Visit<'_>, data: &SharePageData) {
    let share = &data.share;
    let open = policy::access(share.expires_at, share.revoked_at, v.now).is_open();
    if !(open && data.place.index == 0 && v.counts()) {
        return;
    }
    events::send(v, &share.id, What::View);
}
