//! Using a producer's Dropbox connection, as a deterministic state machine
//! in the manner of quinn-proto: it is told the time and what came back,
//! and answers the next step (send, wait, store, done). It never sends,
//! waits or stores itself; the edge drives it, and native tests walk every
//! branch with a fake clock and scripted answers.
//!
//! The rules it keeps: use the stored access token while it is valid, else
//! refresh it first; after a 401, refresh once and try again; a refused
//! refresh token (`invalid_grant`) marks the connection for reconnecting;
//! every write after a refresh is guarded by the refresh-token ciphertext it
//! came from, so a refresh that lost a race to a reconnect changes nothing
//! (and its fresh token still serves this request); rate limits and outages
//! are retried with backoff, never past the budget.

use super::answer::{classify, retry_delay, Answer};
use super::oauth::{self, Grant};
use super::thumbnails::{self, ThumbSize};
use super::{files, folders, users, App, Outbound};
use crate::model::ConnectionRow;
use crate::policy::Millis;
use crate::vault::Slot;

/// What a session is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goal {
    /// A temporary link to the file at `path`.
    Link { path: String },
    /// The folder at `path` as a ZIP.
    Zip { path: String },
    /// A JPEG thumbnail of the image at `path`.
    Thumbnail { path: String, size: ThumbSize },
    /// A fresh access token, stored (the cron's work).
    Refresh,
    /// Who the connection belongs to (`users/get_current_account`).
    Account,
    /// A folder's entries (the console's import).
    List { path: String, recursive: bool },
    /// The next page of a listing.
    ListMore { cursor: String },
}

/// What the edge does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Send `request`, giving up after `timeout_ms`, then report with
    /// `answered`. On a 2xx the body is read only when `read_body` says so
    /// (a grant); otherwise the response is the edge's to keep unread (a
    /// ZIP streams on).
    Send {
        request: Outbound,
        timeout_ms: u64,
        read_body: bool,
    },
    /// Wait this long, then call `resume`.
    Wait { ms: u64 },
    /// Apply this write, then report with `stored`.
    Store(Write),
    /// Ask the producer's refresh coordinator for a fresh access token
    /// (one refresh at a time for every visitor, wherever they are), then
    /// report with `coordinated`. The token that did not serve is the
    /// session's `connection()`'s.
    Coordinate,
    /// Finished.
    Done(Result<Outcome, Answer>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The last request's 2xx response is the result (a link, a ZIP, the
    /// account).
    Response,
    /// The access token was refreshed (and stored, unless the guard lost).
    Refreshed,
    /// The authorization code was traded for these tokens.
    Granted(Grant),
}

/// A write to the producer's stored connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// A refreshed access token, stored only while the connection still
    /// holds `guard` (the refresh token's ciphertext it was made from).
    Access {
        producer_id: String,
        guard: String,
        access_token_enc: String,
        access_expires_at: Millis,
    },
    /// Dropbox refused the refresh token: the producer must reconnect.
    Revoked {
        producer_id: String,
        guard: String,
        warning: String,
    },
}

/// What came back for a `Send`.
#[derive(Debug, Clone, Copy)]
pub enum Answered<'a> {
    /// A 2xx, with its body when the step asked for it.
    Success { body: Option<&'a str> },
    /// Anything else, as `answer::classify` reads it.
    Failure {
        status: u16,
        retry_after: Option<&'a str>,
        body: &'a str,
    },
    /// No answer in time, or no connection at all.
    Nothing,
}

/// What the refresh coordinator answered.
#[derive(Debug, Clone)]
pub enum Coordinated {
    /// The connection as stored now, with a fresh access token (refreshed
    /// for this request or for another one a moment before).
    Fresh(ConnectionRow),
    /// The refresh failed for every waiting visitor alike.
    Failed(Answer),
    /// The coordinator could not be asked: the session refreshes itself.
    Unreachable,
}

/// How a `Store` went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Written,
    /// The guard did not match: the connection changed meanwhile.
    Unchanged,
    /// The store failed; the session carries on without it.
    Failed,
}

#[derive(Debug, Clone)]
enum Phase {
    Calling { token: String },
    Refreshing { refresh_token: String },
    Exchanging { code: String, redirect_uri: String },
    Storing { token: String },
    Coordinating,
    MarkingRevoked,
    Finished,
}

pub struct Session<'a> {
    app: &'a App,
    connection: Option<ConnectionRow>,
    goal: Goal,
    started: Millis,
    budget_ms: u64,
    phase: Phase,
    /// Retries of the current request.
    tries: u32,
    /// A session refreshes at most once.
    refreshed: bool,
    /// Refreshes go through the coordinator (`Step::Coordinate`).
    coordinated: bool,
}

impl<'a> Session<'a> {
    /// Works towards `goal` with the producer's stored `connection`, within
    /// `budget_ms` from `now`.
    pub fn start(
        app: &'a App,
        connection: &ConnectionRow,
        goal: Goal,
        now: Millis,
        budget_ms: u64,
    ) -> (Session<'a>, Step) {
        Session::start_with(app, connection, goal, now, budget_ms, false)
    }

    /// Like `start`, for a visitor's request: a refresh it needs is asked
    /// of the coordinator (`Step::Coordinate`), so that fifty visitors
    /// arriving together on an expired token cause one refresh, not fifty.
    pub fn start_coordinated(
        app: &'a App,
        connection: &ConnectionRow,
        goal: Goal,
        now: Millis,
        budget_ms: u64,
    ) -> (Session<'a>, Step) {
        Session::start_with(app, connection, goal, now, budget_ms, true)
    }

    fn start_with(
        app: &'a App,
        connection: &ConnectionRow,
        goal: Goal,
        now: Millis,
        budget_ms: u64,
        coordinated: bool,
    ) -> (Session<'a>, Step) {
        let mut session = Session::new(app, Some(connection.clone()), goal, now, budget_ms);
        session.coordinated = coordinated && session.goal != Goal::Refresh;
        let step = match session.stored_access_token(now) {
            Some(token) if session.goal != Goal::Refresh => session.call(now, token),
            _ => session.refresh(now),
        };
        (session, step)
    }

    /// The connection as the session knows it (its access token is the one
    /// that did not serve when it asks to `Coordinate`).
    pub fn connection(&self) -> Option<&ConnectionRow> {
        self.connection.as_ref()
    }

    /// Trades the code from the OAuth callback for tokens.
    pub fn exchange(
        app: &'a App,
        code: &str,
        redirect_uri: &str,
        now: Millis,
        budget_ms: u64,
    ) -> (Session<'a>, Step) {
        let mut session = Session::new(app, None, Goal::Refresh, now, budget_ms);
        session.phase = Phase::Exchanging {
            code: code.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
        };
        let step = session.send(now);
        (session, step)
    }

    fn new(
        app: &'a App,
        connection: Option<ConnectionRow>,
        goal: Goal,
        now: Millis,
        budget_ms: u64,
    ) -> Session<'a> {
        Session {
            app,
            connection,
            goal,
            started: now,
            budget_ms,
            phase: Phase::Finished,
            tries: 0,
            refreshed: false,
            coordinated: false,
        }
    }

    fn stored_access_token(&self, now: Millis) -> Option<String> {
        let c = self.connection.as_ref()?;
        if !oauth::access_usable(c.access_expires_at, now) {
            return None;
        }
        self.app
            .vault
            .open(&c.producer_id, Slot::Access, c.access_token_enc.as_deref()?)
    }

    fn remaining_ms(&self, now: Millis) -> u64 {
        let elapsed = u64::try_from(now - self.started).unwrap_or(0);
        self.budget_ms.saturating_sub(elapsed)
    }

    fn done(&mut self, result: Result<Outcome, Answer>) -> Step {
        self.phase = Phase::Finished;
        Step::Done(result)
    }

    fn call(&mut self, now: Millis, token: String) -> Step {
        self.phase = Phase::Calling { token };
        self.tries = 0;
        self.send(now)
    }

    fn refresh(&mut self, now: Millis) -> Step {
        self.refreshed = true;
        if self.coordinated {
            self.phase = Phase::Coordinating;
            return Step::Coordinate;
        }
        match self.refresh_token() {
            Ok(refresh_token) => {
                self.phase = Phase::Refreshing { refresh_token };
                self.tries = 0;
                self.send(now)
            }
            Err(answer) => self.done(Err(answer)),
        }
    }

    fn refresh_token(&self) -> Result<String, Answer> {
        let c = self.connection.as_ref().ok_or(Answer::Unavailable)?;
        self.app
            .vault
            .open(&c.producer_id, Slot::Refresh, &c.refresh_token_enc)
            .ok_or_else(|| Answer::Refused("the refresh token does not decrypt".into()))
    }

    /// (Re)sends the current phase's request with what is left of the budget.
    fn send(&mut self, now: Millis) -> Step {
        let config = &self.app.config;
        let (request, read_body) = match &self.phase {
            Phase::Calling { token } => match &self.goal {
                Goal::Link { path } => (files::temporary_link(config, token, path), false),
                Goal::Zip { path } => (files::download_zip(config, token, path), false),
                Goal::Thumbnail { path, size } => {
                    (thumbnails::thumbnail(config, token, path, *size), false)
                }
                Goal::Account => (users::current_account(config, token), false),
                Goal::List { path, recursive } => {
                    (folders::list_folder(config, token, path, *recursive), false)
                }
                Goal::ListMore { cursor } => {
                    (folders::list_folder_continue(config, token, cursor), false)
                }
                Goal::Refresh => return self.done(Ok(Outcome::Refreshed)),
            },
            Phase::Refreshing { refresh_token } => (oauth::refresh(config, refresh_token), true),
            Phase::Exchanging { code, redirect_uri } => {
                (oauth::exchange_code(config, code, redirect_uri), true)
            }
            _ => return self.done(Err(Answer::Unavailable)),
        };
        match self.remaining_ms(now) {
            0 => self.done(Err(Answer::Unavailable)),
            timeout_ms => Step::Send {
                request,
                timeout_ms,
                read_body,
            },
        }
    }

    /// What came back for the last `Send`.
    pub fn answered(&mut self, now: Millis, answered: Answered<'_>) -> Step {
        let answer = match answered {
            Answered::Success { body } => return self.succeeded(now, body),
            Answered::Failure {
                status,
                retry_after,
                body,
            } => classify(status, retry_after, body),
            Answered::Nothing => Answer::Unavailable,
        };
        match (&self.phase, &answer) {
            (Phase::Calling { .. }, Answer::Unauthorized) if !self.refreshed => self.refresh(now),
            (Phase::Refreshing { .. }, Answer::Revoked) => {
                let Some(c) = &self.connection else {
                    return self.done(Err(Answer::Revoked));
                };
                let write = Write::Revoked {
                    producer_id: c.producer_id.clone(),
                    guard: c.refresh_token_enc.clone(),
                    warning: oauth::revoked_warning(now),
                };
                self.phase = Phase::MarkingRevoked;
                Step::Store(write)
            }
            _ => {
                let elapsed = self.budget_ms - self.remaining_ms(now);
                match retry_delay(&answer, self.tries, elapsed, self.budget_ms) {
                    Some(ms) => {
                        self.tries += 1;
                        Step::Wait { ms }
                    }
                    None => self.done(Err(answer)),
                }
            }
        }
    }

    fn succeeded(&mut self, now: Millis, body: Option<&str>) -> Step {
        let phase = std::mem::replace(&mut self.phase, Phase::Finished);
        let grant = || {
            body.and_then(oauth::parse_grant)
                .ok_or_else(|| Answer::Refused("the token endpoint's answer is unreadable".into()))
        };
        match phase {
            Phase::Calling { .. } => self.done(Ok(Outcome::Response)),
            Phase::Exchanging { .. } => {
                let result = grant().map(Outcome::Granted);
                self.done(result)
            }
            Phase::Refreshing { .. } => match grant().and_then(|g| self.keep(now, g)) {
                Ok(step) => step,
                Err(answer) => self.done(Err(answer)),
            },
            _ => self.done(Err(Answer::Unavailable)),
        }
    }

    /// Seals a refreshed access token into the connection and asks for it
    /// to be stored under the guard.
    fn keep(&mut self, now: Millis, grant: Grant) -> Result<Step, Answer> {
        let c = self.connection.as_mut().ok_or(Answer::Unavailable)?;
        let sealed = self
            .app
            .vault
            .seal_fresh(&c.producer_id, Slot::Access, &grant.access_token)
            .map_err(|_| Answer::Unavailable)?;
        let expires_at = grant.expires_at(now);
        c.access_token_enc = Some(sealed.clone());
        c.access_expires_at = Some(expires_at);
        let write = Write::Access {
            producer_id: c.producer_id.clone(),
            guard: c.refresh_token_enc.clone(),
            access_token_enc: sealed,
            access_expires_at: expires_at,
        };
        self.phase = Phase::Storing {
            token: grant.access_token,
        };
        Ok(Step::Store(write))
    }

    /// What the coordinator answered a `Coordinate`.
    pub fn coordinated(&mut self, now: Millis, answer: Coordinated) -> Step {
        if !matches!(self.phase, Phase::Coordinating) {
            return self.done(Err(Answer::Unavailable));
        }
        match answer {
            Coordinated::Fresh(connection) => {
                self.connection = Some(connection);
                match self.stored_access_token(now) {
                    Some(token) => self.call(now, token),
                    None => self.done(Err(Answer::Unavailable)),
                }
            }
            Coordinated::Failed(answer) => self.done(Err(answer)),
            Coordinated::Unreachable => {
                self.coordinated = false;
                self.refresh(now)
            }
        }
    }

    /// After a `Wait`: the same request again.
    pub fn resume(&mut self, now: Millis) -> Step {
        self.send(now)
    }

    /// How the last `Store` went. A token that was not stored (the store
    /// failed, or the guard lost to a concurrent refresh or a reconnect)
    /// still serves this request: Dropbox honours every token it issued.
    pub fn stored(&mut self, now: Millis, _stored: Stored) -> Step {
        match std::mem::replace(&mut self.phase, Phase::Finished) {
            Phase::Storing { .. } if self.goal == Goal::Refresh => {
                self.done(Ok(Outcome::Refreshed))
            }
            Phase::Storing { token } => self.call(now, token),
            _ => self.done(Err(Answer::Revoked)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dropbox::testing::{config, header};
    use crate::vault::Vault;

    const NOW: Millis = 1_790_000_000_000;
    const GRANT: &str = r#"{"access_token":"sl.fresh","token_type":"bearer","expires_in":14400}"#;

    fn app() -> &'static App {
        static APP: std::sync::OnceLock<App> = std::sync::OnceLock::new();
        APP.get_or_init(|| App {
            config: config(),
            vault: Vault::from_base64(&base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                [9u8; 32],
            ))
            .unwrap(),
        })
    }

    /// A session towards `goal` whose stored access token is valid until
    /// `access_until`, with `budget_ms` from `NOW`.
    fn start(goal: Goal, access_until: Millis, budget_ms: u64) -> (Session<'static>, Step) {
        Session::start(
            app(),
            &connection(app(), access_until),
            goal,
            NOW,
            budget_ms,
        )
    }

    /// A connection whose access token is valid until `access_until`.
    fn connection(app: &App, access_until: Millis) -> ConnectionRow {
        ConnectionRow {
            producer_id: "prd_1".into(),
            account_id: Some("dbid:1".into()),
            account_name: None,
            account_email: None,
            status: "ok".into(),
            refresh_token_enc: app.vault.seal("prd_1", Slot::Refresh, "rt", [1; 12]),
            access_token_enc: Some(app.vault.seal("prd_1", Slot::Access, "sl.old", [2; 12])),
            access_expires_at: Some(access_until),
        }
    }

    fn link() -> Goal {
        Goal::Link {
            path: "/Mixes/a.wav".into(),
        }
    }

    /// The request a `Send` step asks for, as (url tail, bearer or form).
    fn sent(step: &Step) -> (String, String) {
        let Step::Send { request, .. } = step else {
            panic!("expected a send, got {step:?}");
        };
        let tail = request.url.rsplit_once(".com").unwrap().1.to_owned();
        let auth = header(request, "authorization").unwrap_or("").to_owned();
        let what = if auth.starts_with("Bearer ") {
            auth
        } else {
            request.body.clone().unwrap_or_default()
        };
        (tail, what)
    }

    fn failure(status: u16, body: &str) -> Answered<'_> {
        Answered::Failure {
            status,
            retry_after: None,
            body,
        }
    }

    const OK: Answered<'static> = Answered::Success { body: None };
    const GRANTED: Answered<'static> = Answered::Success { body: Some(GRANT) };

    #[test]
    fn a_valid_token_is_used_as_stored() {
        let (mut s, step) = start(link(), NOW + 1, 2_000);
        assert_eq!(
            sent(&step),
            ("/2/files/get_temporary_link".into(), "Bearer sl.old".into())
        );
        assert!(matches!(
            step,
            Step::Send {
                timeout_ms: 2_000,
                read_body: false,
                ..
            }
        ));
        assert_eq!(s.answered(NOW + 50, OK), Step::Done(Ok(Outcome::Response)));
    }

    #[test]
    fn an_expired_token_is_refreshed_stored_under_the_guard_then_used() {
        let c = connection(app(), NOW);
        let (mut s, step) = start(link(), NOW, 2_000);
        assert_eq!(
            sent(&step),
            (
                "/oauth2/token".into(),
                "grant_type=refresh_token&refresh_token=rt".into()
            )
        );
        let Step::Store(Write::Access {
            guard,
            access_token_enc,
            access_expires_at,
            ..
        }) = s.answered(NOW + 10, GRANTED)
        else {
            panic!("the refreshed token is stored");
        };
        assert_eq!(guard, c.refresh_token_enc);
        assert_eq!(
            app()
                .vault
                .open("prd_1", Slot::Access, &access_token_enc)
                .as_deref(),
            Some("sl.fresh")
        );
        assert_eq!(access_expires_at, NOW + 10 + 14_340_000);
        let step = s.stored(NOW + 20, Stored::Written);
        assert_eq!(sent(&step).1, "Bearer sl.fresh");
        assert!(matches!(
            step,
            Step::Send {
                timeout_ms: 1_980,
                ..
            }
        ));
        assert_eq!(s.answered(NOW + 30, OK), Step::Done(Ok(Outcome::Response)));
    }

    #[test]
    fn a_401_refreshes_once_and_tries_again() {
        let (mut s, _) = start(link(), NOW + 1, 2_000);
        let expired = r#"{"error_summary": "expired_access_token/", "error": {".tag": "expired_access_token"}}"#;
        let step = s.answered(NOW, failure(401, expired));
        assert_eq!(sent(&step).0, "/oauth2/token");
        assert!(matches!(s.answered(NOW, GRANTED), Step::Store(_)));
        assert_eq!(sent(&s.stored(NOW, Stored::Written)).1, "Bearer sl.fresh");
        assert_eq!(s.answered(NOW, OK), Step::Done(Ok(Outcome::Response)));
    }

    /// A visitor's session (`start_coordinated`) whose stored token is
    /// valid until `access_until`.
    fn visitor(access_until: Millis) -> (Session<'static>, Step) {
        let c = connection(app(), access_until);
        Session::start_coordinated(app(), &c, link(), NOW, 2_000)
    }

    /// The connection as the coordinator left it: a fresh token stored.
    fn refreshed() -> ConnectionRow {
        let mut c = connection(app(), NOW + 14_000_000);
        c.access_token_enc = Some(app().vault.seal("prd_1", Slot::Access, "sl.fresh", [3; 12]));
        c
    }

    #[test]
    fn a_visitor_asks_the_coordinator_instead_of_refreshing_itself() {
        let (mut s, step) = visitor(NOW);
        assert_eq!(
            step,
            Step::Coordinate,
            "an expired token: no token call of its own"
        );
        let step = s.coordinated(NOW + 5, Coordinated::Fresh(refreshed()));
        assert_eq!(sent(&step).1, "Bearer sl.fresh");
        assert_eq!(s.answered(NOW + 9, OK), Step::Done(Ok(Outcome::Response)));

        // A 401 on a token its expiry called valid: the coordinator too,
        // told which token failed, and only once.
        let (mut s, step) = visitor(NOW + 1);
        assert_eq!(sent(&step).1, "Bearer sl.old");
        assert_eq!(s.answered(NOW, failure(401, "{}")), Step::Coordinate);
        let stale = s.connection().unwrap().access_token_enc.clone();
        assert_eq!(stale, connection(app(), NOW).access_token_enc);
        s.coordinated(NOW, Coordinated::Fresh(refreshed()));
        assert_eq!(
            s.answered(NOW, failure(401, "{}")),
            Step::Done(Err(Answer::Unauthorized))
        );
    }

    #[test]
    fn the_coordinators_failure_is_every_visitors_and_its_absence_is_no_outage() {
        let (mut s, _) = visitor(NOW);
        assert_eq!(
            s.coordinated(NOW, Coordinated::Failed(Answer::Revoked)),
            Step::Done(Err(Answer::Revoked))
        );
        // A "fresh" connection that still holds no usable token.
        let (mut s, _) = visitor(NOW);
        assert_eq!(
            s.coordinated(NOW, Coordinated::Fresh(connection(app(), NOW))),
            Step::Done(Err(Answer::Unavailable))
        );
        // No coordinator to ask: the session refreshes on its own.
        let (mut s, _) = visitor(NOW);
        let step = s.coordinated(NOW, Coordinated::Unreachable);
        assert_eq!(sent(&step).0, "/oauth2/token");
        assert!(matches!(s.answered(NOW, GRANTED), Step::Store(_)));
        // The cron's sessions never coordinate: they are the refresh.
        let c = connection(app(), NOW);
        let (_, step) = Session::start_coordinated(app(), &c, Goal::Refresh, NOW, 2_000);
        assert_eq!(sent(&step).0, "/oauth2/token");
    }

    #[test]
    fn a_second_401_is_not_refreshed_again() {
        let (mut s, _) = start(link(), NOW + 1, 2_000);
        s.answered(NOW, failure(401, "{}"));
        s.answered(NOW, GRANTED);
        s.stored(NOW, Stored::Written);
        assert_eq!(
            s.answered(NOW, failure(401, "{}")),
            Step::Done(Err(Answer::Unauthorized))
        );
    }

    #[test]
    fn invalid_grant_marks_the_connection_for_reconnecting() {
        let c = connection(app(), NOW);
        let (mut s, _) = start(link(), NOW, 2_000);
        let step = s.answered(NOW, failure(400, r#"{"error": "invalid_grant"}"#));
        let Step::Store(Write::Revoked { guard, warning, .. }) = step else {
            panic!("expected the connection marked, got {step:?}");
        };
        assert_eq!(guard, c.refresh_token_enc);
        assert!(warning.contains("connect Dropbox again"));
        assert_eq!(
            s.stored(NOW, Stored::Written),
            Step::Done(Err(Answer::Revoked))
        );
    }

    #[test]
    fn a_refresh_that_lost_the_guard_still_serves_this_request() {
        let (mut s, _) = start(link(), NOW, 2_000);
        s.answered(NOW, GRANTED);
        assert_eq!(sent(&s.stored(NOW, Stored::Unchanged)).1, "Bearer sl.fresh");
        let (mut cron, _) = start(Goal::Refresh, NOW, 10_000);
        cron.answered(NOW, GRANTED);
        assert_eq!(
            cron.stored(NOW, Stored::Failed),
            Step::Done(Ok(Outcome::Refreshed))
        );
    }

    #[test]
    fn the_cron_refreshes_even_a_valid_token() {
        let (_, step) = start(Goal::Refresh, NOW + 60_000, 10_000);
        assert_eq!(sent(&step).0, "/oauth2/token");
    }

    #[test]
    fn outages_are_retried_until_the_budget_is_spent() {
        let (mut s, _) = start(link(), NOW + 1, 2_000);
        assert_eq!(
            s.answered(NOW + 5, Answered::Nothing),
            Step::Wait { ms: 100 }
        );
        assert!(matches!(
            s.resume(NOW + 105),
            Step::Send {
                timeout_ms: 1_895,
                ..
            }
        ));
        assert_eq!(
            s.answered(NOW + 200, failure(500, "")),
            Step::Wait { ms: 300 }
        );
        s.resume(NOW + 500);
        assert_eq!(
            s.answered(NOW + 600, failure(502, "")),
            Step::Wait { ms: 900 }
        );
        assert!(matches!(s.resume(NOW + 1_500), Step::Send { .. }));
        assert_eq!(
            s.answered(NOW + 1_900, Answered::Nothing),
            Step::Done(Err(Answer::Unavailable)),
            "no fourth wait fits the budget"
        );
        // A wait that overran the budget sends nothing more.
        let (mut late, _) = start(link(), NOW + 1, 2_000);
        late.answered(NOW, Answered::Nothing);
        assert_eq!(
            late.resume(NOW + 2_000),
            Step::Done(Err(Answer::Unavailable))
        );
    }

    #[test]
    fn an_unreadable_grant_is_refused_without_repeating_it() {
        let (mut s, _) = start(Goal::Refresh, NOW, 10_000);
        let body = r#"{"access_token": "sl.SECRET", "expires_in": "soon"}"#;
        let Step::Done(Err(Answer::Refused(why))) =
            s.answered(NOW, Answered::Success { body: Some(body) })
        else {
            panic!("an unreadable grant ends the session");
        };
        assert!(!why.contains("SECRET"), "{why}");
    }

    #[test]
    fn a_code_is_exchanged_for_a_grant() {
        let (mut s, step) = Session::exchange(app(), "c0de", "https://x/cb", NOW, 2_000);
        assert_eq!(sent(&step).0, "/oauth2/token");
        let Step::Done(Ok(Outcome::Granted(grant))) = s.answered(NOW, GRANTED) else {
            panic!("the grant comes back");
        };
        assert_eq!(grant.access_token, "sl.fresh");
        let (mut refused, _) = Session::exchange(app(), "used", "https://x/cb", NOW, 2_000);
        assert_eq!(
            refused.answered(NOW, failure(400, r#"{"error": "invalid_grant"}"#)),
            Step::Done(Err(Answer::Revoked))
        );
    }
}
