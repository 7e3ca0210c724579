//! Signing in with an API key, and out (here or everywhere). Failed
//! sign-ins are counted per client by Cloudflare's rate limiter.

use serde_json::json;
use worker::{console_error, Request};

use super::super::store::{keys, sessions};
use super::super::throttle;
use super::{Desk, Signed};
use crate::console::forms::Form;
use crate::console::pages;
use crate::console::session;
use crate::crypto::{self, ApiKey};
use crate::http::Reply;
use crate::pages::ErrorPage;
use crate::throttle::{Limit, RETRY_AFTER_S};

/// The sign-in form; `next` is where it continues once signed in.
pub fn form(desk: &Desk<'_>, next: &str, failed: bool, status: u16) -> Reply {
    let next = session::next_target(Some(next));
    let context = json!({
        "next": next,
        "failed": failed,
        "connecting": next.starts_with("/console/dropbox/connect"),
    });
    pages::page(status, "console/signin.html", &context, desk.nonce)
}

/// `POST /console/sign-in`: a valid key opens a session; anything else is
/// the form again, and too many failures from one client a 429.
pub async fn sign_in(desk: &Desk<'_>, req: &Request, form: &Form) -> Reply {
    let origin_header = req.headers().get("origin").ok().flatten();
    if session::check_origin(origin_header.as_deref(), &desk.origin).is_err() {
        return desk.error(ErrorPage::FormRefused);
    }
    let next = session::next_target(form.get("next"));
    let key = form.get("api_key").map(str::trim).unwrap_or("");
    let owner = match key_owner(desk, key).await {
        Ok(owner) => owner,
        Err(e) => {
            console_error!("console: sign-in: {e}");
            return desk.error(ErrorPage::Unavailable);
        }
    };
    let Some((producer, key_id)) = owner else {
        let key = Limit::SignIn.key(&throttle::client(req), "");
        if throttle::over(desk.env, Limit::SignIn, key).await {
            return desk.error(ErrorPage::TooManySignIns {
                retry_after_s: RETRY_AFTER_S,
            });
        }
        return form_again(desk, next);
    };
    let Ok(token) = crypto::random_token() else {
        return desk.error(ErrorPage::Unavailable);
    };
    let stale = desk.now - session::IDLE_MS;
    let id_hash = session::stored_id(&token);
    if let Err(e) = sessions::create(&desk.db, &id_hash, &producer, &key_id, desk.now, stale).await
    {
        console_error!("console: opening a session: {e}");
        return desk.error(ErrorPage::Unavailable);
    }
    let target = if next == "/console" {
        "/console?done=signed_in"
    } else {
        next
    };
    Reply::see_other(target).with_header("set-cookie", session::cookie(&token, &desk.origin))
}

fn form_again(desk: &Desk<'_>, next: &str) -> Reply {
    form(desk, next, true, 401)
}

/// The producer and key id a presented key belongs to, if it is a live key.
async fn key_owner(desk: &Desk<'_>, key: &str) -> worker::Result<Option<(String, String)>> {
    let Some(key_id) = ApiKey::claimed_id(key) else {
        return Ok(None);
    };
    let row = keys::for_auth(&desk.db, key_id).await?;
    Ok(row
        .filter(|row| row.revoked_at.is_none() && crypto::matches_hash(key, &row.key_hash))
        .map(|row| (row.producer_id, key_id.to_owned())))
}

/// `POST /console/sign-out` (this browser) and
/// `POST /console/sign-out-everywhere` (every session of the producer).
pub async fn sign_out(desk: &Desk<'_>, s: &Signed, everywhere: bool) -> Reply {
    let result = if everywhere {
        sessions::delete_all(&desk.db, &s.producer).await.map(drop)
    } else {
        sessions::delete(&desk.db, &s.id_hash).await
    };
    if let Err(e) = result {
        console_error!("console: signing out: {e}");
        return desk.error(ErrorPage::Unavailable);
    }
    Reply::see_other("/console").with_header("set-cookie", session::cleared_cookie(&desk.origin))
}
