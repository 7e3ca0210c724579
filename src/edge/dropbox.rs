//! Talking to Dropbox: sends what `crate::dropbox` builds, with a timeout
//! and the retries it allows, refreshes access tokens when they expire, and
//! keeps temporary links in the `LINKS` KV namespace.

use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::pin_mut;
use worker::{
    console_error, AbortController, Context, D1Database, Date, Delay, Env, Fetch, Headers, Method,
    Request, RequestInit, Response,
};

use super::store;
use crate::dropbox::{self, Answer, Config, Outbound};
use crate::model::ConnectionRow;
use crate::policy::Millis;
use crate::vault::{Slot, Vault};

/// The app's Dropbox settings and the key that seals tokens.
pub struct Dropbox {
    pub config: Config,
    pub vault: Vault,
}

impl Dropbox {
    /// `None` until the operator configured the app (`DROPBOX_APP_KEY`,
    /// `DROPBOX_APP_SECRET`) and a valid `TOKEN_ENCRYPTION_KEY`.
    pub fn from_env(env: &Env) -> Option<Dropbox> {
        let text = |name: &str| env.secret(name).ok().map(|v| v.to_string());
        let base = |name: &str, default: &str| text(name).unwrap_or_else(|| default.to_owned());
        let app_key = text("DROPBOX_APP_KEY").filter(|k| !k.is_empty())?;
        let app_secret = text("DROPBOX_APP_SECRET").filter(|k| !k.is_empty())?;
        let Some(vault) = text("TOKEN_ENCRYPTION_KEY").and_then(|k| Vault::from_base64(&k)) else {
            console_error!("dropbox: TOKEN_ENCRYPTION_KEY is missing or not 32 bytes of base64");
            return None;
        };
        Some(Dropbox {
            config: Config {
                api_base: base("DROPBOX_API_BASE", "https://api.dropboxapi.com"),
                content_base: base("DROPBOX_CONTENT_BASE", "https://content.dropboxapi.com"),
                auth_base: base("DROPBOX_AUTH_BASE", "https://www.dropbox.com"),
                app_key,
                app_secret,
            },
            vault,
        })
    }
}

fn now() -> Millis {
    Date::now().as_millis() as i64
}

/// A time budget shared by every attempt of one piece of work.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    started: Millis,
    total_ms: u64,
}

impl Budget {
    pub fn new(total_ms: u64) -> Budget {
        Budget {
            started: now(),
            total_ms,
        }
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(now() - self.started).unwrap_or(0)
    }

    fn remaining_ms(&self) -> u64 {
        self.total_ms.saturating_sub(self.elapsed_ms())
    }
}

fn request(out: &Outbound) -> worker::Result<Request> {
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

/// One attempt, abandoned after `timeout_ms`; `None` when nothing usable
/// came back in time.
async fn attempt(out: &Outbound, timeout_ms: u64) -> Option<Response> {
    if timeout_ms == 0 {
        return None;
    }
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

/// Sends with retries inside the budget. A success comes back unread (a ZIP
/// streams on); anything else is read and classified.
pub async fn send(out: &Outbound, budget: Budget) -> Result<Response, Answer> {
    let mut tries = 0;
    loop {
        let answer = match attempt(out, budget.remaining_ms()).await {
            Some(response) if (200..300).contains(&response.status_code()) => return Ok(response),
            Some(mut response) => {
                let retry_after = response.headers().get("retry-after").ok().flatten();
                let body = response.text().await.unwrap_or_default();
                dropbox::classify(response.status_code(), retry_after.as_deref(), &body)
            }
            None => Answer::Unavailable,
        };
        match dropbox::retry_delay(&answer, tries, budget.elapsed_ms(), budget.total_ms) {
            Some(wait) => Delay::from(Duration::from_millis(wait)).await,
            None => return Err(answer),
        }
        tries += 1;
    }
}

/// Reads a successful answer's JSON body into what `parse` makes of it.
pub async fn read<T>(
    mut response: Response,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, Answer> {
    let body = response.text().await.map_err(|_| Answer::Unavailable)?;
    parse(&body).ok_or_else(|| Answer::Refused(format!("unexpected answer: {body:.200}")))
}

/// Calls made on behalf of one producer's connection, sharing one budget.
pub struct Session<'a> {
    dropbox: &'a Dropbox,
    db: &'a D1Database,
    connection: ConnectionRow,
    budget: Budget,
}

impl<'a> Session<'a> {
    pub fn new(
        dropbox: &'a Dropbox,
        db: &'a D1Database,
        connection: &ConnectionRow,
        budget_ms: u64,
    ) -> Session<'a> {
        Session {
            dropbox,
            db,
            connection: connection.clone(),
            budget: Budget::new(budget_ms),
        }
    }

    fn access_token(&self) -> Option<String> {
        let c = &self.connection;
        if !dropbox::access_usable(c.access_expires_at, now()) {
            return None;
        }
        self.dropbox
            .vault
            .open(&c.producer_id, Slot::Access, c.access_token_enc.as_deref()?)
    }

    /// Trades the refresh token for a new access token and stores it. A
    /// revoked refresh token marks the connection for reconnecting.
    pub async fn refresh(&mut self) -> Result<String, Answer> {
        let vault = &self.dropbox.vault;
        let producer = self.connection.producer_id.clone();
        let refresh_token = vault
            .open(&producer, Slot::Refresh, &self.connection.refresh_token_enc)
            .ok_or_else(|| Answer::Refused("the refresh token does not decrypt".into()))?;
        let out = dropbox::refresh(&self.dropbox.config, &refresh_token);
        let grant = match send(&out, self.budget).await {
            Ok(response) => read(response, dropbox::parse_grant).await?,
            Err(Answer::Revoked) => {
                let warning = dropbox::revoked_warning(now());
                if let Err(e) =
                    store::dropbox::mark_revoked(self.db, &self.connection, &warning, now()).await
                {
                    console_error!("dropbox: could not mark {producer} for reconnecting: {e}");
                }
                return Err(Answer::Revoked);
            }
            Err(answer) => return Err(answer),
        };
        let sealed = vault
            .seal_fresh(&producer, Slot::Access, &grant.access_token)
            .map_err(|_| Answer::Unavailable)?;
        self.connection.access_token_enc = Some(sealed);
        self.connection.access_expires_at = Some(grant.expires_at(now()));
        // A token that is not stored still serves this request; the next
        // one refreshes again.
        if let Err(e) = store::dropbox::store_access(self.db, &self.connection, now()).await {
            console_error!("dropbox: could not store the access token of {producer}: {e}");
        }
        Ok(grant.access_token)
    }

    /// Calls Dropbox with the stored access token; when Dropbox says it
    /// expired (401), refreshes once and tries again.
    pub async fn call(
        &mut self,
        build: impl Fn(&Config, &str) -> Outbound,
    ) -> Result<Response, Answer> {
        let token = match self.access_token() {
            Some(token) => token,
            None => self.refresh().await?,
        };
        match send(&build(&self.dropbox.config, &token), self.budget).await {
            Err(Answer::Unauthorized) => {
                let token = self.refresh().await?;
                send(&build(&self.dropbox.config, &token), self.budget).await
            }
            other => other,
        }
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
    let key = dropbox::link_cache_key(
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
    let dropbox = Dropbox::from_env(env).ok_or(Answer::Unavailable)?;
    let mut session = Session::new(&dropbox, db, connection, dropbox::VISITOR_BUDGET_MS);
    let response = session
        .call(|config, token| dropbox::temporary_link(config, token, path))
        .await?;
    let link = read(response, dropbox::parse_link).await?;
    if let Some(links) = links {
        let cached = link.clone();
        ctx.wait_until(async move {
            let put = match links.put(&key, cached) {
                Ok(put) => {
                    put.expiration_ttl(dropbox::LINK_TTL_SECONDS)
                        .execute()
                        .await
                }
                Err(e) => Err(e),
            };
            if let Err(e) = put {
                console_error!("links: {e}");
            }
        });
    }
    Ok(link)
}
