//! Drives `dropbox::session` with fetch, timers and the store, and keeps
//! temporary links in the `LINKS` KV namespace.

use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::pin_mut;
use worker::{
    console_error, kv::KvStore, AbortController, Context, D1Database, Date, Delay, Env, Fetch,
    Headers, Method, Request, RequestInit, Response,
};

use super::refresher;
use super::settings::dropbox_app;
use super::store;
use crate::dropbox::answer::Answer;
use crate::dropbox::files::{self, LINK_TTL_SECONDS};
use crate::dropbox::folders::{self, Entry, Listing};
use crate::dropbox::session::{Answered, Coordinated, Goal, Outcome, Session, Step, Stored, Write};
use crate::dropbox::{App, CONSOLE_BUDGET_MS, VISITOR_BUDGET_MS, ZIP_BUDGET_MS};
use crate::model::ConnectionRow;
use crate::policy::Millis;

fn now() -> Millis {
    Date::now().as_millis() as i64
}

fn request(out: &crate::dropbox::Outbound) -> worker::Result<Request> {
    let headers = Headers::new();
    for (name, value) in &out.headers {
        headers.set(name, value)?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(out.body.as_deref().map(wasm_bindgen::JsValue::from_str));
    Request::new_with_init(&out.url, &init)
}

/// One attempt, abandoned after `timeout_ms`; `None` when nothing came back
/// in time. Logs name the endpoint, never a token or a body.
async fn attempt(out: &crate::dropbox::Outbound, timeout_ms: u64) -> Option<Response> {
    let controller = AbortController::default();
    let signal = controller.signal();
    let req = request(out)
        .map_err(|e| console_error!("dropbox: bad request for {}: {e}", out.url))
        .ok()?;
    let fetch = Fetch::Request(req);
    let sent = fetch.send_with_signal(&signal);
    let timer = Delay::from(Duration::from_millis(timeout_ms));
    pin_mut!(sent, timer);
    match select(sent, timer).await {
        Either::Left((Ok(response), _)) => Some(response),
        Either::Left((Err(e), _)) => {
            console_error!("dropbox: {} failed: {e}", out.url);
            None
        }
        Either::Right(_) => {
            controller.abort();
            console_error!("dropbox: {} timed out after {timeout_ms} ms", out.url);
            None
        }
    }
}

async fn store_write(db: Option<&D1Database>, write: &Write) -> Stored {
    let Some(db) = db else { return Stored::Failed };
    let result = match write {
        Write::Access {
            producer_id,
            guard,
            access_token_enc,
            access_expires_at,
        } => {
            store::dropbox::store_access(
                db,
                producer_id,
                guard,
                access_token_enc,
                *access_expires_at,
                now(),
            )
            .await
        }
        Write::Revoked {
            producer_id,
            guard,
            warning,
        } => store::dropbox::mark_revoked(db, producer_id, guard, warning, now()).await,
    };
    match result {
        Ok(true) => Stored::Written,
        Ok(false) => Stored::Unchanged,
        Err(e) => {
            console_error!("dropbox: storing the connection failed: {e}");
            Stored::Failed
        }
    }
}

/// Runs a session to its end: the outcome, and the last response when the
/// outcome is that response (a link's JSON, a ZIP's stream, unread).
/// `env` reaches the refresh coordinator of a visitor's session.
pub async fn drive(
    session: &mut Session<'_>,
    first: Step,
    db: Option<&D1Database>,
    env: Option<&Env>,
) -> Result<(Outcome, Option<Response>), Answer> {
    let mut step = first;
    let mut kept = None;
    loop {
        step = match step {
            Step::Send {
                request,
                timeout_ms,
                read_body,
            } => match attempt(&request, timeout_ms).await {
                Some(mut response) if (200..300).contains(&response.status_code()) => {
                    if read_body {
                        match response.text().await {
                            Ok(body) => {
                                session.answered(now(), Answered::Success { body: Some(&body) })
                            }
                            Err(_) => session.answered(now(), Answered::Nothing),
                        }
                    } else {
                        kept = Some(response);
                        session.answered(now(), Answered::Success { body: None })
                    }
                }
                Some(mut response) => {
                    let retry_after = response.headers().get("retry-after").ok().flatten();
                    let body = response.text().await.unwrap_or_default();
                    session.answered(
                        now(),
                        Answered::Failure {
                            status: response.status_code(),
                            retry_after: retry_after.as_deref(),
                            body: &body,
                        },
                    )
                }
                None => session.answered(now(), Answered::Nothing),
            },
            Step::Wait { ms } => {
                Delay::from(Duration::from_millis(ms)).await;
                session.resume(now())
            }
            Step::Store(write) => {
                let stored = store_write(db, &write).await;
                session.stored(now(), stored)
            }
            Step::Coordinate => {
                let answer = match (env, db) {
                    (Some(env), Some(db)) => refresher::ask(env, db, session.connection()).await,
                    _ => Coordinated::Unreachable,
                };
                session.coordinated(now(), answer)
            }
            Step::Done(result) => return result.map(|outcome| (outcome, kept)),
        };
    }
}

/// Works towards `goal` on `connection`, within `budget_ms`: the response
/// that carries the result. A refresh it needs goes through the producer's
/// coordinator (`refresher`).
pub(super) async fn call(
    env: &Env,
    app: &App,
    db: &D1Database,
    connection: &ConnectionRow,
    goal: Goal,
    budget_ms: u64,
) -> Result<Response, Answer> {
    let (mut session, first) = Session::start_coordinated(app, connection, goal, now(), budget_ms);
    match drive(&mut session, first, Some(db), Some(env)).await? {
        (Outcome::Response, Some(response)) => Ok(response),
        _ => Err(Answer::Unavailable),
    }
}

/// A temporary link for `path`: from the cache when there is one (no
/// Dropbox call at all), else from Dropbox, then cached for later visitors.
pub async fn temporary_link(
    env: &Env,
    ctx: &Context,
    db: &D1Database,
    connection: &ConnectionRow,
    subject: &str,
    path: &str,
) -> Result<String, Answer> {
    let key = files::link_cache_key(
        &connection.producer_id,
        connection.account_id.as_deref().unwrap_or(""),
        subject,
        path,
    );
    // The cache is an optimisation: when KV fails, Dropbox is asked.
    let links = env
        .kv("LINKS")
        .map_err(|e| console_error!("links: {e}"))
        .ok();
    if let Some(links) = &links {
        match links.get(&key).text().await {
            Ok(Some(link)) => return Ok(link),
            Ok(None) => {}
            Err(e) => console_error!("links: {e}"),
        }
    }
    let app = dropbox_app(env).ok_or(Answer::Unavailable)?;
    let goal = Goal::Link {
        path: path.to_owned(),
    };
    let mut response = call(env, &app, db, connection, goal, VISITOR_BUDGET_MS).await?;
    let body = response.text().await.map_err(|_| Answer::Unavailable)?;
    let link = files::parse_link(&body)
        .ok_or_else(|| Answer::Refused("get_temporary_link's answer is unreadable".into()))?;
    if let Some(links) = links {
        remember(ctx, links, key, link.clone(), LINK_TTL_SECONDS, "links");
    }
    Ok(link)
}

/// Writes `value` under `key` for `ttl_s` seconds after the answer has gone
/// out; a failure is only logged (under `what`): the cache is an
/// optimisation.
pub(super) fn remember(
    ctx: &Context,
    kv: KvStore,
    key: String,
    value: String,
    ttl_s: u64,
    what: &'static str,
) {
    ctx.wait_until(async move {
        let put = match kv.put(&key, value) {
            Ok(put) => put.expiration_ttl(ttl_s).execute().await,
            Err(e) => Err(e),
        };
        if let Err(e) = put {
            console_error!("{what}: {e}");
        }
    });
}

/// The folder at `path` as Dropbox's ZIP response, unread: its body streams
/// through to the visitor, who never sees the producer's token.
pub async fn zip(
    env: &Env,
    db: &D1Database,
    connection: &ConnectionRow,
    path: &str,
) -> Result<Response, Answer> {
    let app = dropbox_app(env).ok_or(Answer::Unavailable)?;
    let goal = Goal::Zip {
        path: path.to_owned(),
    };
    call(env, &app, db, connection, goal, ZIP_BUDGET_MS).await
}

/// A page of a folder's listing (`Goal::List` or `Goal::ListMore`), for the
/// console's import.
pub async fn list(
    env: &Env,
    db: &D1Database,
    connection: &ConnectionRow,
    goal: Goal,
) -> Result<Listing, Answer> {
    let app = dropbox_app(env).ok_or(Answer::Unavailable)?;
    let mut response = call(env, &app, db, connection, goal, CONSOLE_BUDGET_MS).await?;
    let body = response.text().await.map_err(|_| Answer::Unavailable)?;
    folders::parse_listing(&body)
        .ok_or_else(|| Answer::Refused("list_folder's answer is unreadable".into()))
}

/// A folder and everything under it, page after page, up to `max_pages`.
pub async fn list_all(
    env: &Env,
    db: &D1Database,
    connection: &ConnectionRow,
    path: &str,
    max_pages: usize,
) -> Result<Vec<Entry>, Answer> {
    let mut goal = Goal::List {
        path: path.to_owned(),
        recursive: true,
    };
    let mut entries = Vec::new();
    for _ in 0..max_pages {
        let page = list(env, db, connection, goal).await?;
        entries.extend(page.entries);
        match page.cursor {
            Some(cursor) => goal = Goal::ListMore { cursor },
            None => break,
        }
    }
    Ok(entries)
}
