//! The visitor's request being served, and what every visitor handler needs
//! with it.

use worker::{console_error, Context, D1Database, D1SessionConstraint, Env, Request};

use super::store::Reads;
use crate::policy::{self, Millis};

pub struct Visit<'a> {
    pub req: &'a Request,
    pub env: &'a Env,
    pub ctx: &'a Context,
    pub now: Millis,
    /// This response's CSP nonce.
    pub nonce: &'a str,
    /// The method as sent (the router has let only GET and HEAD through).
    pub method: &'a str,
}

impl Visit<'_> {
    fn header(&self, name: &str) -> Option<String> {
        self.req.headers().get(name).ok().flatten()
    }

    /// Whether this is a person's visit, which counts (see `policy::is_visit`).
    pub fn counts(&self) -> bool {
        policy::is_visit(
            self.method,
            self.header("user-agent").as_deref(),
            self.header("sec-purpose")
                .or_else(|| self.header("purpose"))
                .as_deref(),
        )
    }

    /// Where this visitor's reads go: a D1 session that lets the nearest
    /// read replica answer ("first-unconstrained"). A visitor never needs
    /// a write made a moment ago elsewhere, and a replica is at most a few
    /// seconds behind; writes (views, downloads, tokens) go to `db` itself.
    /// Without sessions (logged) the primary answers, as before.
    pub fn reads<'d>(&self, db: &'d D1Database) -> Reads<'d> {
        match db.with_session_constraint(D1SessionConstraint::FirstUnconstrained) {
            Ok(session) => Reads::Nearest(session),
            Err(e) => {
                console_error!("store: no D1 session, reading from the primary: {e}");
                Reads::Primary(db)
            }
        }
    }

    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }

    /// The origin absolute URLs start with (`PUBLIC_ORIGIN`).
    pub fn origin(&self) -> Option<String> {
        let url = self.req.url().ok()?;
        super::settings::public_origin(self.env, &url)
    }

    pub fn country(&self) -> Option<String> {
        self.req.cf().and_then(|cf| cf.country())
    }
}
