//! One refresh at a time per producer: a Durable Object named after the
//! producer (`REFRESHER`) through which every visitor's session asks for a
//! fresh access token (`Step::Coordinate`). There is one such object in the
//! world per name, and it handles one request at a time while a refresh
//! runs (`block_concurrency_while`), so fifty visitors arriving together on
//! an expired token cause one call to Dropbox's token endpoint: the first
//! refreshes, the rest find the fresh token stored and use it.

use worker::{
    console_error, durable_object, D1Database, Date, DurableObject, Env, Request, Response, Result,
    State,
};

use super::dropbox::drive;
use super::settings::dropbox_app;
use super::store;
use crate::dropbox::answer::Answer;
use crate::dropbox::oauth;
use crate::dropbox::session::{Coordinated, Goal, Session};
use crate::dropbox::VISITOR_BUDGET_MS;
use crate::model::ConnectionRow;

/// What the object answers: the token is fresh (read it from D1), the
/// producer must reconnect, or no fresh token could be had now.
const FRESH: u16 = 200;
const RECONNECT: u16 = 410;
const UNAVAILABLE: u16 = 503;

#[durable_object]
pub struct Refresher {
    state: State,
    env: Env,
}

impl DurableObject for Refresher {
    fn new(state: State, env: Env) -> Self {
        Refresher { state, env }
    }

    /// `GET /?producer=…&stale=…` (`stale`: the fingerprint of the token a
    /// visitor found refused, or of the expired one).
    async fn fetch(&self, req: Request) -> Result<Response> {
        let url = req.url()?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
        };
        let Some(producer) = param("producer") else {
            return Response::error("producer?", 400);
        };
        let stale = param("stale").unwrap_or_default();
        let env = self.env.clone();
        // Nothing else reaches this object until the refresh is done.
        let status = self
            .state
            .block_concurrency_while(async move { Ok(refresh(&env, &producer, &stale).await) })
            .await?;
        Ok(Response::empty()?.with_status(status))
    }
}

/// Refreshes `producer`'s access token unless another request just did.
async fn refresh(env: &Env, producer: &str, stale: &str) -> u16 {
    let now = Date::now().as_millis() as i64;
    let (Some(app), Ok(db)) = (dropbox_app(env), env.d1("DB")) else {
        return UNAVAILABLE;
    };
    let connection = match store::dropbox::of_producer(&db, producer).await {
        Ok(Some(c)) if c.is_ok() => c,
        Ok(_) => return RECONNECT,
        Err(e) => {
            console_error!("refresher: {e}");
            return UNAVAILABLE;
        }
    };
    let c = &connection;
    if !oauth::needs_refresh(
        c.access_expires_at,
        c.access_token_enc.as_deref(),
        stale,
        now,
    ) {
        return FRESH;
    }
    let (mut session, first) = Session::start(&app, c, Goal::Refresh, now, VISITOR_BUDGET_MS);
    match drive(&mut session, first, Some(&db), None).await {
        Ok(_) => FRESH,
        Err(Answer::Revoked) => RECONNECT,
        Err(answer) => {
            console_error!("refresher: {producer} not refreshed: {answer:?}");
            UNAVAILABLE
        }
    }
}

/// Asks the coordinator of `stale`'s producer for a fresh token, and reads
/// the connection as it is then stored.
pub async fn ask(env: &Env, db: &D1Database, stale: Option<&ConnectionRow>) -> Coordinated {
    let Some(stale) = stale else {
        return Coordinated::Failed(Answer::Unavailable);
    };
    let producer = &stale.producer_id;
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("producer", producer)
        .append_pair(
            "stale",
            &oauth::fingerprint(stale.access_token_enc.as_deref()),
        )
        .finish();
    let asked = match env
        .durable_object("REFRESHER")
        .and_then(|ns| ns.id_from_name(producer)?.get_stub())
    {
        Ok(stub) => {
            stub.fetch_with_str(&format!("https://refresher/?{query}"))
                .await
        }
        Err(e) => Err(e),
    };
    let status = match asked {
        Ok(response) => response.status_code(),
        Err(e) => {
            console_error!("refresher: not reachable, refreshing directly: {e}");
            return Coordinated::Unreachable;
        }
    };
    match status {
        FRESH => match store::dropbox::of_producer(db, producer).await {
            Ok(Some(fresh)) => Coordinated::Fresh(fresh),
            Ok(None) => Coordinated::Failed(Answer::Revoked),
            Err(e) => {
                console_error!("refresher: {e}");
                Coordinated::Failed(Answer::Unavailable)
            }
        },
        RECONNECT => Coordinated::Failed(Answer::Revoked),
        _ => Coordinated::Failed(Answer::Unavailable),
    }
}
