//! Connecting a producer's Dropbox: the API hands out an authorize URL with
//! a single-use `state`; Dropbox sends the producer back to the callback,
//! which trades the code for tokens and stores them sealed.

use worker::{console_error, D1Database, Env, Request};

use super::dropbox::{read, send, Budget, Dropbox};
use super::store;
use crate::api::{self, responses, ApiError};
use crate::dropbox::{self, Answer, Callback};
use crate::http::Reply;
use crate::model::ConnectionRow;
use crate::pages::{self, ErrorPage};
use crate::policy::Millis;
use crate::vault::Slot;

/// `GET /api/dropbox/connect`.
pub async fn start(
    env: &Env,
    db: &D1Database,
    producer: &str,
    origin: &str,
    now: Millis,
) -> Result<Reply, ApiError> {
    let dropbox = Dropbox::from_env(env).ok_or_else(|| {
        ApiError::new(
            503,
            "dropbox_not_configured",
            "This deployment has no Dropbox app configured yet; ask its operator",
        )
    })?;
    let state = crate::crypto::random_token()?;
    let expires_at = now + dropbox::STATE_TTL_MS;
    store::dropbox::create_state(db, &state, producer, expires_at, now).await?;
    let url = dropbox::authorize_url(&dropbox.config, &dropbox::redirect_uri(origin), &state);
    Ok(api::ok(200, &responses::connect_link(&url, expires_at)))
}

/// `GET /oauth/dropbox/callback`: the state authenticates; anything wrong
/// with it is a 400 page and nothing is stored.
pub async fn callback(req: &Request, env: &Env, now: Millis, nonce: &str) -> Reply {
    let page = |kind| pages::error(kind, None, nonce);
    let Ok(url) = req.url() else {
        return page(ErrorPage::BadConnectLink);
    };
    let Ok(db) = env.d1("DB") else {
        return page(ErrorPage::Unavailable);
    };
    let (code, state) = match dropbox::callback(url.query_pairs()) {
        Callback::Malformed => return page(ErrorPage::BadConnectLink),
        Callback::Declined { state } => {
            // Spend the state: a declined link cannot be replayed later.
            let _ = store::dropbox::take_state(&db, &state).await;
            return page(ErrorPage::ConnectDeclined);
        }
        Callback::Granted { code, state } => (code, state),
    };
    let producer = match store::dropbox::take_state(&db, &state).await {
        Ok(Some(taken)) if taken.expires_at > now => taken.producer_id,
        Ok(_) => return page(ErrorPage::BadConnectLink),
        Err(e) => {
            console_error!("connect: {e}");
            return page(ErrorPage::Unavailable);
        }
    };
    let Some(dropbox) = Dropbox::from_env(env) else {
        return page(ErrorPage::Unavailable);
    };
    let origin = url.origin().ascii_serialization();
    let out = dropbox::exchange_code(&dropbox.config, &code, &dropbox::redirect_uri(&origin));
    let exchanged = match send(&out, Budget::new(dropbox::VISITOR_BUDGET_MS)).await {
        Ok(response) => read(response, dropbox::parse_grant).await,
        Err(answer) => Err(answer),
    };
    let grant = match exchanged {
        Ok(grant) => grant,
        // Dropbox refused the code: used, expired, or not for this app.
        Err(Answer::Revoked) => return page(ErrorPage::BadConnectLink),
        Err(answer) => {
            console_error!("connect: the token exchange failed: {answer:?}");
            return page(ErrorPage::Unavailable);
        }
    };
    let Some(refresh_token) = grant.refresh_token.as_deref() else {
        console_error!("connect: Dropbox granted no refresh token");
        return page(ErrorPage::Unavailable);
    };
    let seal = |slot, token: &str| dropbox.vault.seal_fresh(&producer, slot, token);
    let (Ok(refresh_enc), Ok(access_enc)) = (
        seal(Slot::Refresh, refresh_token),
        seal(Slot::Access, &grant.access_token),
    ) else {
        return page(ErrorPage::Unavailable);
    };
    let row = ConnectionRow {
        producer_id: producer,
        account_id: grant.account_id.clone(),
        status: crate::model::CONNECTED.into(),
        refresh_token_enc: refresh_enc,
        access_token_enc: Some(access_enc),
        access_expires_at: Some(grant.expires_at(now)),
    };
    match store::dropbox::connect(&db, &row, now).await {
        Ok(()) => page(ErrorPage::Connected),
        Err(e) => {
            console_error!("connect: {e}");
            page(ErrorPage::Unavailable)
        }
    }
}
