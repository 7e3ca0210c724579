//! One refresh at a time per producer: a Durable Object named after the
//! producer (`REFRESHER`) through which every visitor's session asks for a
//! fresh access token (`Step::Coordinate`). There is one such object in the
//! world per name, and it handles one request at a time while a refresh
//! runs (`block_concurrency_while`), so fifty visitors arriving together on
//! an expired token cause one call to Dropbox's token endpoint: the first
//! refreshes, the rest find the fresh token stored and use it.

use std::cell::RefCell;
use std::rc::Rc;

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
use crate::policy::Millis;

/// What the object answers: the token is fresh (read it from D1), the
/// producer must reconnect, or no fresh token could be had now.
const FRESH: u16 = 200;
const RECONNECT: u16 = 410;
const UNAVAILABLE: u16 = 503;

#[durable_object]
pub struct Refresher {
    state: State,
    env: Env,
    /// The token this object last saw stored fresh, so the visitors who
    /// queued behind a refresh are answered from memory, not one D1 read
    /// after another.
    fresh: Rc<RefCell<Option<Fresh>>>,
}

/// A stored access token, as far as the object needs to know it.
#[derive(Clone)]
struct Fresh {
    fingerprint: String,
    expires_at: Option<Millis>,
}

impl Fresh {
    fn of(c: &ConnectionRow) -> Fresh {
        Fresh {
            fingerprint: oauth::fingerprint(c.access_token_enc.as_deref()),
            expires_at: c.access_expires_at,
        }
    }

    /// Whether it serves a visitor who found `stale` refused.
    fn serves(&self, stale: &str, now: Millis) -> bool {
        self.fingerprint != stale && oauth::access_usable(self.expires_at, now)
    }
}

impl DurableObject for Refresher {
    fn new(state: State, env: Env) -> Self {
        Refresher {
            state,
            env,
            fresh: Rc::new(RefCell::new(None)),
        }
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
        let known = self.fresh.borrow().clone();
        if known.is_some_and(|f| f.serves(&stale, now())) {
            return Ok(Response::empty()?.with_status(FRESH));
        }
        let (env, fresh) = (self.env.clone(), self.fresh.clone());
        // Nothing else reaches this object until the refresh is done.
        let status = self
            .state
            .block_concurrency_while(async move {
                let (status, stored) = refresh(&env, &producer, &stale).await;
                *fresh.borrow_mut() = stored;
                Ok(status)
            })
            .await?;
        Ok(Response::empty()?.with_status(status))
    }
}

fn now() -> Millis {
    Date::now().as_millis() as i64
}

/// Refreshes `producer`'s access token unless another request just did:
/// the answer, and the token stored fresh when there is one.
async fn refresh(env: &Env, producer: &str, stale: &str) -> (u16, Option<Fresh>) {
    let now = now();
    let (Some(app), Ok(db)) = (dropbox_app(env), env.d1("DB")) else {
        return (UNAVAILABLE, None);
    };
    let c = match stored(&db, producer).await {
        Ok(c) => c,
        Err(status) => return (status, None),
    };
    if !oauth::needs_refresh(
        c.access_expires_at,
        c.access_token_enc.as_deref(),
        stale,
        now,
    ) {
        return (FRESH, Some(Fresh::of(&c)));
    }
    let (mut session, first) = Session::start(&app, &c, Goal::Refresh, now, VISITOR_BUDGET_MS);
    match drive(&mut session, first, Some(&db), None).await {
        // As stored: a reconnect meanwhile may have won the guard.
        Ok(_) => match stored(&db, producer).await {
            Ok(c) => (FRESH, Some(Fresh::of(&c))),
            Err(status) => (status, None),
        },
        Err(Answer::Revoked) => (RECONNECT, None),
        Err(answer) => {
            console_error!("refresher: {producer} not refreshed: {answer:?}");
            (UNAVAILABLE, None)
        }
    }
}

/// The producer's working connection, else the status that says why not.
async fn stored(db: &D1Database, producer: &str) -> std::result::Result<ConnectionRow, u16> {
    match store::dropbox::of_producer(db, producer).await {
        Ok(Some(c)) if c.is_ok() => Ok(c),
        Ok(_) => Err(RECONNECT),
        Err(e) => {
            console_error!("refresher: {e}");
            Err(UNAVAILABLE)
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
