//! The deployment's configuration as the core reads it: vars and secrets
//! (`wrangler dev --var` and `wrangler secret put` read the same way).

use worker::{console_error, Env};

use crate::dropbox::{App, NotConfigured};
use crate::http::DEFAULT_LINK_ORIGINS;

pub fn setting(env: &Env, name: &str) -> Option<String> {
    env.secret(name).ok().map(|v| v.to_string())
}

/// Our Dropbox app, or `None` (logged) until the operator configured it.
pub fn dropbox_app(env: &Env) -> Option<App> {
    match App::from_settings(|name| setting(env, name)) {
        Ok(app) => Some(app),
        Err(NotConfigured::NoApp) => None,
        Err(NotConfigured::BadKey) => {
            console_error!("dropbox: TOKEN_ENCRYPTION_KEY is missing or not 32 bytes of base64");
            None
        }
    }
}

/// The origin of every absolute URL (see `origin::public_origin`); `None`,
/// logged, when a deployment reached at a public address has no
/// `PUBLIC_ORIGIN`.
pub fn public_origin(env: &Env, request: &url::Url) -> Option<String> {
    let configured = setting(env, "PUBLIC_ORIGIN");
    let origin = crate::origin::public_origin(configured.as_deref(), request);
    if origin.is_none() {
        console_error!(
            "config: PUBLIC_ORIGIN is unset or not an origin (e.g. https://share.example.com); \
             absolute URLs are refused until it is set"
        );
    }
    origin
}

/// The hosts that serve temporary links to browsers (`DROPBOX_LINK_ORIGINS`),
/// as CSP sources; Dropbox's own when unset, or when the value is not a list
/// of origins (logged).
pub fn link_origins(env: &Env) -> String {
    let Some(value) = setting(env, "DROPBOX_LINK_ORIGINS") else {
        return DEFAULT_LINK_ORIGINS.to_owned();
    };
    crate::http::link_origins(&value).unwrap_or_else(|| {
        console_error!(
            "config: DROPBOX_LINK_ORIGINS must be origins separated by spaces; using Dropbox's"
        );
        DEFAULT_LINK_ORIGINS.to_owned()
    })
}
