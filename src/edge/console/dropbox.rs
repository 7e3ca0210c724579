//! Connecting Dropbox from the console. A link is finished only in the
//! browser session that started it: the console's button makes a `state`
//! bound to this session; the link the API hands out is bound to a session
//! when a browser signed in as that producer opens it. The callback
//! (`edge::connect`) checks the binding.

use worker::console_error;

use super::super::settings::dropbox_app;
use super::super::store;
use super::{Desk, Signed};
use crate::dropbox::oauth;
use crate::http::Reply;
use crate::ids::is_token;
use crate::pages::ErrorPage;

/// `GET /console/dropbox/connect?state=…`: the link `GET /api/dropbox/connect`
/// answers. Signed out, it asks to sign in; signed in as the producer who
/// asked, it binds the state to this session and goes on to Dropbox.
pub async fn link(desk: &Desk<'_>, signed: Option<&Signed>) -> Reply {
    let Some(state) = desk.query("state").filter(|s| is_token(s)) else {
        return desk.error(ErrorPage::BadConnectLink);
    };
    let Some(s) = signed else {
        let next = format!("/console/dropbox/connect?state={state}");
        return super::sign_in::form(desk, &next, false, 200);
    };
    match store::dropbox::bind_state(&desk.db, &state, &s.producer, &s.id_hash, desk.now).await {
        Ok(true) => to_dropbox(desk, &state),
        // Expired, used, or made for another producer: nothing is linked.
        Ok(false) => desk.error(ErrorPage::BadConnectLink),
        Err(e) => {
            console_error!("console: connect: {e}");
            desk.error(ErrorPage::Unavailable)
        }
    }
}

/// `POST /console/dropbox/connect`: the Connect button.
pub async fn connect(desk: &Desk<'_>, s: &Signed) -> Reply {
    let Ok(state) = crate::crypto::random_token() else {
        return desk.error(ErrorPage::Unavailable);
    };
    let expires_at = desk.now + oauth::STATE_TTL_MS;
    let created = store::dropbox::create_state(
        &desk.db,
        &state,
        &s.producer,
        Some(&s.id_hash),
        expires_at,
        desk.now,
    )
    .await;
    match created {
        Ok(()) => to_dropbox(desk, &state),
        Err(e) => {
            console_error!("console: connect: {e}");
            desk.error(ErrorPage::Unavailable)
        }
    }
}

fn to_dropbox(desk: &Desk<'_>, state: &str) -> Reply {
    match dropbox_app(desk.env) {
        Some(app) => Reply::see_other(&oauth::authorize_url(
            &app.config,
            &oauth::redirect_uri(&desk.origin),
            state,
        )),
        None => desk.error(ErrorPage::Unavailable),
    }
}

/// `POST /console/dropbox/disconnect`: forgets the tokens; shares stay, and
/// say that visitors cannot play or download until Dropbox is connected.
pub async fn disconnect(desk: &Desk<'_>, s: &Signed) -> Reply {
    match store::dropbox::disconnect(&desk.db, &s.producer).await {
        Ok(_) => Reply::see_other("/console?done=disconnected"),
        Err(e) => {
            console_error!("console: disconnect: {e}");
            desk.error(ErrorPage::Unavailable)
        }
    }
}
