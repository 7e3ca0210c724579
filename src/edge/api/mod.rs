//! The JSON API at the edge, one file per resource: authenticate, read the
//! body, let the core validate and decide, and do the D1 work in between.

use worker::{console_error, Context, D1Database, Env, Request};

use super::connect;
use super::settings::public_origin;
use super::throttle;
use crate::api::routes::{ApiRoute, Caller, Endpoint};
use crate::api::{self, ApiError};
use crate::http::Reply;
use crate::policy::Millis;
use crate::throttle::Limit;

mod auth;
pub mod body;
pub mod keys;
pub mod producers;
pub mod shares;
pub mod tracks;

/// A storage or platform failure is ours: logged, and answered as a 503 the
/// client may retry, never as a 500.
impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> ApiError {
        console_error!("api: {e}");
        ApiError::unavailable()
    }
}

impl From<getrandom::Error> for ApiError {
    fn from(e: getrandom::Error) -> ApiError {
        console_error!("api: no randomness: {e}");
        ApiError::unavailable()
    }
}

/// What every handler needs about the request it serves.
pub struct Call<'a> {
    db: &'a D1Database,
    /// The producer the key belongs to (empty for operator and public calls).
    producer: String,
    /// The request's address (its query for listings) and the deployment's
    /// settings: the calls that make absolute URLs derive the public origin
    /// from them (see `origin`), and only those.
    env: &'a Env,
    url: url::Url,
    id: &'a str,
    now: Millis,
}

pub async fn handle(
    req: &mut Request,
    env: &Env,
    ctx: &Context,
    route: ApiRoute<'_>,
    now: Millis,
) -> Reply {
    let result = match route {
        ApiRoute::NotFound => Err(ApiError::new(404, "not_found", "No such API address")),
        ApiRoute::MethodNotAllowed { allow } => return api::method_not_allowed(allow),
        ApiRoute::Call { endpoint, id } => dispatch(req, env, ctx, endpoint, id, now).await,
    };
    result.unwrap_or_else(|e| e.reply())
}

async fn dispatch(
    req: &mut Request,
    env: &Env,
    ctx: &Context,
    endpoint: Endpoint,
    id: &str,
    now: Millis,
) -> Result<Reply, ApiError> {
    let db = env.d1("DB")?;
    let authenticated = match endpoint.caller() {
        Caller::Anyone => Ok(String::new()),
        Caller::Operator => auth::operator(req, env).map(|()| String::new()),
        Caller::Producer => auth::producer(req, env, ctx, &db, now).await,
    };
    let producer = match authenticated {
        Ok(producer) => producer,
        // Only a credential that fails counts (guessing needs one; a
        // request with none costs no lookup), so a valid key always works,
        // even from a client that is over the limit.
        Err(e) if e.status == 401 && req.headers().has("authorization").unwrap_or(false) => {
            let key = Limit::ApiAuth.key(&throttle::client(req), "");
            if throttle::over(env, Limit::ApiAuth, key).await {
                return Err(ApiError::throttled());
            }
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let url = req.url()?;
    let call = Call {
        db: &db,
        producer,
        env,
        id,
        url,
        now,
    };
    match endpoint {
        Endpoint::OpenApi => Ok(Reply::json(200, api::OPENAPI.into())
            .with_header("cache-control", "public, max-age=300")),
        Endpoint::CreateProducer => producers::create(&call, &body::json(req).await?).await,
        Endpoint::GetMe => producers::me(&call).await,
        Endpoint::PatchMe => producers::update(&call, &body::json(req).await?).await,
        Endpoint::ListKeys => keys::list(&call).await,
        Endpoint::CreateKey => keys::create(&call).await,
        Endpoint::RevokeKey => keys::revoke(&call).await,
        Endpoint::ListTracks => tracks::list(&call).await,
        Endpoint::CreateTrack => tracks::create(&call, &body::json(req).await?).await,
        Endpoint::GetTrack => tracks::get(&call).await,
        Endpoint::PatchTrack => tracks::update(&call, &body::json(req).await?).await,
        Endpoint::DeleteTrack => tracks::delete(&call).await,
        Endpoint::ListShares => shares::list(&call).await,
        Endpoint::CreateShare => shares::create(&call, &body::json(req).await?).await,
        Endpoint::GetShare => shares::get(&call).await,
        Endpoint::PatchShare => shares::update(&call, &body::json(req).await?).await,
        Endpoint::RevokeShare => shares::revoke(&call).await,
        Endpoint::DropboxConnect => {
            connect::start(env, call.db, &call.producer, &call.origin()?, now).await
        }
    }
}

impl<'a> Call<'a> {
    /// A call on behalf of `producer` (the console's, once it has found the
    /// browser's session).
    pub fn new(
        db: &'a D1Database,
        producer: &str,
        env: &'a Env,
        url: url::Url,
        id: &'a str,
        now: Millis,
    ) -> Call<'a> {
        Call {
            db,
            producer: producer.to_owned(),
            env,
            url,
            id,
            now,
        }
    }

    /// The origin absolute URLs start with, or a 503 naming what to set.
    fn origin(&self) -> Result<String, ApiError> {
        public_origin(self.env, &self.url).ok_or_else(|| {
            ApiError::new(
                503,
                "not_configured",
                "This deployment has no PUBLIC_ORIGIN configured yet; ask its operator",
            )
        })
    }
}

fn new_id() -> Result<String, ApiError> {
    Ok(crate::crypto::random_token()?)
}
