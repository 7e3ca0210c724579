//! Connecting a producer's Dropbox: the API hands out a link to the
//! console with a single-use `state`, which a browser signed in as that
//! producer follows on to Dropbox (binding the state to its session);
//! Dropbox sends it back to the callback, which trades the code for tokens
//! and stores them sealed, only in that same session.

use worker::{console_error, D1Database, Env};

use super::dropbox::drive;
use super::settings::{dropbox_app, public_origin};
use super::store;
use super::throttle;
use super::visit::Visit;
use crate::api::dropbox::connect_link;
use crate::api::{self, ApiError};
use crate::dropbox::answer::Answer;
use crate::dropbox::oauth::{self, Callback};
use crate::dropbox::session::{Goal, Outcome, Session};
use crate::dropbox::users::{self, Account};
use crate::dropbox::{App, VISITOR_BUDGET_MS};
use crate::http::Reply;
use crate::model::ConnectionRow;
use crate::pages::{self, ErrorPage};
use crate::policy::Millis;
use crate::throttle::{Limit, RETRY_AFTER_S};
use crate::vault::Slot;

/// `GET /api/dropbox/connect`: the link works only in a browser signed in
/// to the console as this producer (see `console::dropbox`).
pub async fn start(
    env: &Env,
    db: &D1Database,
    producer: &str,
    origin: &str,
    now: Millis,
) -> Result<Reply, ApiError> {
    // The link leads to the console, which needs the app only later; a
    // deployment without one says so now.
    if dropbox_app(env).is_none() {
        return Err(ApiError::new(
            503,
            "dropbox_not_configured",
            "This deployment has no Dropbox app configured yet; ask its operator",
        ));
    }
    let state = crate::crypto::random_token()?;
    let expires_at = now + oauth::STATE_TTL_MS;
    store::dropbox::create_state(db, &state, producer, None, expires_at, now).await?;
    let url = format!("{origin}/console/dropbox/connect?state={state}");
    Ok(api::ok(200, &connect_link(&url, expires_at)))
}

/// `GET /oauth/dropbox/callback`: the state authenticates; anything wrong
/// with it is a 400 page and nothing is stored. It must come back to the
/// console session it was bound to, signed in as its producer: a code
/// brought by any other browser is refused (403) and links nothing.
pub async fn callback(v: &Visit<'_>) -> Reply {
    let page = |kind| pages::error(kind, None, v.nonce);
    let key = Limit::Callback.key(&throttle::client(v.req), "");
    if throttle::over(v.env, Limit::Callback, key).await {
        return page(ErrorPage::Throttled {
            retry_after_s: RETRY_AFTER_S,
        });
    }
    let Ok(url) = v.req.url() else {
        return page(ErrorPage::BadConnectLink);
    };
    let Ok(db) = v.env.d1("DB") else {
        return page(ErrorPage::Unavailable);
    };
    let (code, state) = match oauth::callback(url.query_pairs()) {
        Callback::Malformed => return page(ErrorPage::BadConnectLink),
        Callback::Declined { state } => {
            // Spend the state: a declined link cannot be replayed later.
            let _ = store::dropbox::take_state(&db, &state).await;
            return page(ErrorPage::ConnectDeclined);
        }
        Callback::Granted { code, state } => (code, state),
    };
    let taken = match store::dropbox::take_state(&db, &state).await {
        Ok(Some(taken)) if taken.expires_at > v.now => taken,
        Ok(_) => return page(ErrorPage::BadConnectLink),
        Err(e) => {
            console_error!("connect: {e}");
            return page(ErrorPage::Unavailable);
        }
    };
    let browser = match super::console::signed_in_browser(&db, v.req, v.now).await {
        Ok(browser) => browser,
        Err(e) => {
            console_error!("connect: {e}");
            return page(ErrorPage::Unavailable);
        }
    };
    let same_session = browser.is_some_and(|(_, id_hash, row)| {
        taken.session_hash.as_deref() == Some(id_hash.as_str())
            && row.producer_id == taken.producer_id
    });
    if !same_session {
        return page(ErrorPage::ConnectElsewhere);
    }
    let producer = taken.producer_id;
    let (Some(app), Some(origin)) = (dropbox_app(v.env), public_origin(v.env, &url)) else {
        return page(ErrorPage::Unavailable);
    };
    let redirect_uri = oauth::redirect_uri(&origin);
    let (mut session, first) =
        Session::exchange(&app, &code, &redirect_uri, v.now, VISITOR_BUDGET_MS);
    let grant = match drive(&mut session, first, None, None).await {
        Ok((Outcome::Granted(grant), _)) => grant,
        // Dropbox refused the code: used, expired, or not for this app.
        Err(Answer::Revoked) => return page(ErrorPage::BadConnectLink),
        other => {
            console_error!("connect: the token exchange failed: {:?}", other.err());
            return page(ErrorPage::Unavailable);
        }
    };
    let Some(refresh_token) = grant.refresh_token.as_deref() else {
        console_error!("connect: Dropbox granted no refresh token");
        return page(ErrorPage::Unavailable);
    };
    let seal = |slot, token: &str| app.vault.seal_fresh(&producer, slot, token);
    let (Ok(refresh_enc), Ok(access_enc)) = (
        seal(Slot::Refresh, refresh_token),
        seal(Slot::Access, &grant.access_token),
    ) else {
        return page(ErrorPage::Unavailable);
    };
    let mut row = ConnectionRow {
        producer_id: producer,
        account_id: grant.account_id.clone(),
        account_name: None,
        account_email: None,
        status: crate::model::CONNECTED.into(),
        refresh_token_enc: refresh_enc,
        access_token_enc: Some(access_enc),
        access_expires_at: Some(grant.expires_at(v.now)),
    };
    // Who allowed access: the producer is shown the account by name, and an
    // account serves one producer only.
    let Some(account) = current_account(&app, &row, v.now).await else {
        return page(ErrorPage::Unavailable);
    };
    row.account_id = Some(account.account_id);
    row.account_name = Some(account.name.clone());
    row.account_email = Some(account.email);
    let owner = match store::producers::account(&db, &row.producer_id).await {
        Ok(Some(owner)) => owner.producer,
        Ok(None) => return page(ErrorPage::BadConnectLink),
        Err(e) => {
            console_error!("connect: {e}");
            return page(ErrorPage::Unavailable);
        }
    };
    match store::dropbox::connect(&db, &row, v.now).await {
        Ok(true) => pages::connected(&account.name, &owner, v.nonce),
        Ok(false) => page(ErrorPage::AccountTaken),
        Err(e) => {
            console_error!("connect: {e}");
            page(ErrorPage::Unavailable)
        }
    }
}

/// The account a fresh connection belongs to, from Dropbox.
async fn current_account(app: &App, row: &ConnectionRow, now: Millis) -> Option<Account> {
    let (mut session, first) = Session::start(app, row, Goal::Account, now, VISITOR_BUDGET_MS);
    let answer = match drive(&mut session, first, None, None).await {
        Ok((Outcome::Response, Some(mut response))) => response.text().await.ok(),
        Ok(_) => None,
        Err(answer) => {
            console_error!("connect: get_current_account failed: {answer:?}");
            None
        }
    };
    let account = answer.as_deref().and_then(users::parse_account);
    if account.is_none() {
        console_error!("connect: Dropbox did not say whose account this is");
    }
    account
}
