//! The producer console at the edge: find the browser's session, check
//! every form (origin and CSRF token) before anything changes, then hand
//! reads and writes to the API's own handlers and render what they answer.

use serde_json::Value;
use worker::{console_error, Context, D1Database, Env, Request};

use super::api::{body, Call};
use super::settings::{dropbox_app, public_origin};
use super::store::sessions;
use crate::api::ApiError;
use crate::console::forms::Form;
use crate::console::pages;
use crate::console::routes::{Action, ConsoleRoute, Page};
use crate::console::session;
use crate::dropbox::oauth;
use crate::http::Reply;
use crate::pages::{error, ErrorPage};
use crate::policy::Millis;

mod dropbox;
mod import;
mod keys;
mod library;
mod profile;
mod shares;
mod sign_in;

/// What every console handler needs about the request it serves.
pub struct Desk<'a> {
    env: &'a Env,
    ctx: &'a Context,
    db: D1Database,
    url: url::Url,
    origin: String,
    now: Millis,
    nonce: &'a str,
}

/// A browser signed in as a producer.
pub struct Signed {
    id_hash: String,
    producer: String,
    /// The key this browser signed in with.
    key_id: String,
    csrf: String,
    /// `GET /api/me`'s view of the producer: the layout shows their name
    /// and any Dropbox warning.
    me: Value,
}

pub async fn handle(
    req: &mut Request,
    env: &Env,
    ctx: &Context,
    route: ConsoleRoute<'_>,
    now: Millis,
    nonce: &str,
) -> Reply {
    let page = |kind| error(kind, None, nonce);
    let (Ok(url), Ok(db)) = (req.url(), env.d1("DB")) else {
        return page(ErrorPage::Unavailable);
    };
    let Some(origin) = public_origin(env, &url) else {
        return page(ErrorPage::Unavailable);
    };
    let desk = Desk {
        env,
        ctx,
        db,
        url,
        origin,
        now,
        nonce,
    };
    let reply = match route {
        ConsoleRoute::NotFound => page(ErrorPage::NotFound),
        ConsoleRoute::MethodNotAllowed { allow } => {
            page(ErrorPage::MethodNotAllowed).with_header("allow", allow)
        }
        ConsoleRoute::Page(target) => desk.page(req, target).await,
        ConsoleRoute::SignIn => match desk.read_form(req).await {
            Ok(form) => sign_in::sign_in(&desk, req, &form).await,
            Err(reply) => reply,
        },
        ConsoleRoute::Action(action) => desk.action(req, action).await,
    };
    // The Connect button's form answers with a redirect to Dropbox.
    match dropbox_app(env).and_then(|app| oauth::authorize_origin(&app.config)) {
        Some(dropbox) => reply.with_form_target(&dropbox),
        None => reply,
    }
}

impl Desk<'_> {
    async fn page(&self, req: &Request, target: Page<'_>) -> Reply {
        let signed = match self.session(req).await {
            Ok(signed) => signed,
            Err(reply) => return reply,
        };
        if let Page::ConnectLink = target {
            return dropbox::link(self, signed.as_ref()).await;
        }
        let Some(s) = signed else {
            let next = match self.url.query() {
                Some(q) => format!("{}?{q}", self.url.path()),
                None => self.url.path().to_owned(),
            };
            return sign_in::form(self, &next, false, 200);
        };
        match target {
            Page::Home => shares::home(self, &s).await,
            Page::Library => library::library(self, &s).await,
            Page::Track(id) => library::track(self, &s, id, None).await,
            Page::Artwork(id) => library::artwork(self, &s, id).await,
            Page::Import => import::browse(self, &s).await,
            Page::Proposal => import::proposal(self, &s, None).await,
            Page::NewShare => shares::new(self, &s, None).await,
            Page::Share(id) => shares::share(self, &s, id, None).await,
            Page::Profile => profile::profile(self, &s, None),
            Page::Keys => keys::keys(self, &s, None, None).await,
            Page::ConnectLink => dropbox::link(self, Some(&s)).await,
        }
    }

    async fn action(&self, req: &mut Request, action: Action<'_>) -> Reply {
        let form = match self.read_form(req).await {
            Ok(form) => form,
            Err(reply) => return reply,
        };
        let signed = match self.session(req).await {
            Ok(Some(signed)) => signed,
            Ok(None) => return sign_in::form(self, "/console", false, 403),
            Err(reply) => return reply,
        };
        let origin_header = req.headers().get("origin").ok().flatten();
        let checked = session::check_form(
            origin_header.as_deref(),
            &self.origin,
            form.get("csrf"),
            &signed.csrf,
        );
        if let Err(forgery) = checked {
            console_error!("console: a form was refused ({forgery:?})");
            return self.error(ErrorPage::FormRefused);
        }
        let s = &signed;
        match action {
            Action::SignOut => sign_in::sign_out(self, s, false).await,
            Action::SignOutEverywhere => sign_in::sign_out(self, s, true).await,
            Action::UpdateTrack(id) => library::update(self, s, id, &form).await,
            Action::DeleteTrack(id) => library::delete(self, s, id).await,
            Action::Import => import::save(self, s, &form).await,
            Action::CreateShare => shares::create(self, s, &form).await,
            Action::UpdateShare(id) => shares::update(self, s, id, &form).await,
            Action::RevokeShare(id) => shares::revoke(self, s, id).await,
            Action::UpdateProfile => profile::update(self, s, &form).await,
            Action::CreateKey => keys::create(self, s).await,
            Action::RevokeKey(id) => keys::revoke(self, s, id).await,
            Action::Connect => dropbox::connect(self, s).await,
            Action::Disconnect => dropbox::disconnect(self, s).await,
        }
    }

    /// A form body, read within the API's body limit.
    async fn read_form(&self, req: &mut Request) -> Result<Form, Reply> {
        match body::bytes(req).await {
            Ok(bytes) => Ok(Form::parse(&bytes)),
            Err(e) if e.status == 413 => Err(self.error(ErrorPage::TooLarge)),
            Err(_) => Err(self.error(ErrorPage::FormRefused)),
        }
    }

    /// An error page of the console, with the way back to it.
    fn error(&self, kind: ErrorPage) -> Reply {
        crate::pages::console_error(kind, self.nonce)
    }

    /// The browser's session, if it has a live one (with the producer's
    /// profile for the layout).
    async fn session(&self, req: &Request) -> Result<Option<Signed>, Reply> {
        let found = signed_in_browser(&self.db, req, self.now)
            .await
            .map_err(|_| self.error(ErrorPage::Unavailable))?;
        let Some((token, id_hash, row)) = found else {
            return Ok(None);
        };
        if session::worth_touching(row.last_seen_at, self.now) {
            let (db, id_hash, now) = (self.env.d1("DB"), id_hash.clone(), self.now);
            self.ctx.wait_until(async move {
                if let Err(e) = async { sessions::touch(&db?, &id_hash, now).await }.await {
                    console_error!("console: recording session use: {e}");
                }
            });
        }
        let me = self
            .view(producers_me(self, &row.producer_id).await)
            .map_err(|e| self.api_error_page(&e))?;
        Ok(Some(Signed {
            csrf: session::csrf(&token),
            id_hash,
            producer: row.producer_id,
            key_id: row.key_id,
            me,
        }))
    }

    /// The API handlers, called as this producer; `api_path` is the
    /// address (and query) a listing reads.
    fn call<'b>(&'b self, producer: &str, api_path: &str, id: &'b str) -> Call<'b> {
        let url = self.url.join(api_path).unwrap_or_else(|_| self.url.clone());
        Call::new(&self.db, producer, self.env, url, id, self.now)
    }

    /// An API handler's JSON answer, as the value the templates read.
    fn view(&self, answer: Result<Reply, ApiError>) -> Result<Value, ApiError> {
        let reply = answer?;
        serde_json::from_str(&reply.body).map_err(|_| ApiError::unavailable())
    }

    /// An API refusal met while reading a page: not found stays not found.
    fn api_error_page(&self, e: &ApiError) -> Reply {
        self.error(match e.status {
            404 => ErrorPage::NotFound,
            401 | 403 => ErrorPage::FormRefused,
            _ => ErrorPage::Unavailable,
        })
    }

    fn query(&self, name: &str) -> Option<String> {
        self.url
            .query_pairs()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The notice a redirect asked for.
    fn done(&self) -> Option<String> {
        self.query("done")
    }

    fn chrome(&self, s: &Signed, section: &str) -> Value {
        pages::chrome(&s.me, &s.csrf, section, self.done().as_deref())
    }
}

async fn producers_me(desk: &Desk<'_>, producer: &str) -> Result<Reply, ApiError> {
    super::api::producers::me(&desk.call(producer, "/api/me", "")).await
}

fn cookie_header(req: &Request) -> Option<String> {
    req.headers().get("cookie").ok().flatten()
}

/// The producer a browser's session cookie names, while the session lives:
/// (token, stored id, row).
pub(super) async fn signed_in_browser(
    db: &D1Database,
    req: &Request,
    now: Millis,
) -> worker::Result<Option<(String, String, sessions::SessionRow)>> {
    let header = cookie_header(req);
    let Some(token) = session::from_cookie_header(header.as_deref()) else {
        return Ok(None);
    };
    let id_hash = session::stored_id(token);
    Ok(sessions::find(db, &id_hash)
        .await?
        .filter(|row| session::alive(row.last_seen_at, now))
        .map(|row| (token.to_owned(), id_hash, row)))
}
