//! The Dropbox HTTP API as pure functions and one state machine: requests
//! are built as plain data (`oauth`, `files`), answers are read into
//! outcomes (`answer`), and `session` decides every step of using a
//! producer's connection (refresh, retry, revoke). Nothing here sends or
//! waits: the edge drives the session with fetch and the clock.

use crate::vault::Vault;

pub mod answer;
pub mod files;
pub mod folders;
pub mod oauth;
pub mod session;
pub mod thumbnails;
pub mod users;

/// Where Dropbox is and who we are to it. Bases are configurable so tests
/// and local development talk to the stand-in.
#[derive(Debug, Clone)]
pub struct Config {
    pub api_base: String,
    pub content_base: String,
    pub auth_base: String,
    pub app_key: String,
    pub app_secret: String,
}

/// A request to send, as data. Every Dropbox call is a POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

fn join(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

/// An RPC call: a JSON argument in the body (`null` for routes that take
/// none), the access token as a bearer credential.
fn rpc(config: &Config, access_token: &str, route: &str, argument: String) -> Outbound {
    Outbound {
        url: join(&config.api_base, route),
        headers: vec![
            ("authorization", format!("Bearer {access_token}")),
            ("content-type", "application/json".to_owned()),
        ],
        body: Some(argument),
    }
}

/// Our Dropbox app as a deployment configures it: where Dropbox is, the
/// app's credentials, and the key that seals tokens at rest.
pub struct App {
    pub config: Config,
    pub vault: Vault,
}

/// Why a deployment cannot talk to Dropbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotConfigured {
    /// `DROPBOX_APP_KEY` or `DROPBOX_APP_SECRET` is not set.
    NoApp,
    /// `TOKEN_ENCRYPTION_KEY` is missing or not base64 of 32 bytes.
    BadKey,
}

impl App {
    /// The app from the deployment's settings (`setting` reads a var or
    /// secret by name); bases default to Dropbox's own.
    pub fn from_settings(setting: impl Fn(&str) -> Option<String>) -> Result<App, NotConfigured> {
        let base = |name: &str, default: &str| setting(name).unwrap_or_else(|| default.to_owned());
        let present = |name: &str| setting(name).filter(|v| !v.is_empty());
        let (Some(app_key), Some(app_secret)) =
            (present("DROPBOX_APP_KEY"), present("DROPBOX_APP_SECRET"))
        else {
            return Err(NotConfigured::NoApp);
        };
        let vault = setting("TOKEN_ENCRYPTION_KEY")
            .and_then(|k| Vault::from_base64(&k))
            .ok_or(NotConfigured::BadKey)?;
        Ok(App {
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

/// How long a visitor's request may spend on Dropbox, retries included,
/// before they are asked to come back.
pub const VISITOR_BUDGET_MS: u64 = 2_000;
/// Dropbox needs a while to start a large ZIP: more patience than a link.
pub const ZIP_BUDGET_MS: u64 = 8_000;
/// A console page that reads Dropbox (browsing, import): a producer waits
/// a little longer than a visitor would.
pub const CONSOLE_BUDGET_MS: u64 = 5_000;
/// Off the visitor's path, the cron's refresh may wait out a longer outage.
pub const CRON_BUDGET_MS: u64 = 10_000;

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    pub fn config() -> Config {
        Config {
            api_base: "https://api.dropboxapi.com".into(),
            content_base: "https://content.dropboxapi.com/".into(),
            auth_base: "https://www.dropbox.com".into(),
            app_key: "appkey".into(),
            app_secret: "s3cret".into(),
        }
    }

    pub fn header<'a>(o: &'a Outbound, name: &str) -> Option<&'a str> {
        o.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;

    #[test]
    fn the_app_needs_credentials_and_a_sealing_key() {
        let key = STANDARD.encode([7u8; 32]);
        let settings = |pairs: &'static [(&'static str, &'static str)], key: Option<String>| {
            move |name: &str| {
                if name == "TOKEN_ENCRYPTION_KEY" {
                    return key.clone();
                }
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let creds: &'static [(&str, &str)] = &[
            ("DROPBOX_APP_KEY", "k"),
            ("DROPBOX_APP_SECRET", "s"),
            ("DROPBOX_API_BASE", "http://127.0.0.1:9"),
        ];
        let app = App::from_settings(settings(creds, Some(key.clone()))).unwrap();
        assert_eq!(app.config.api_base, "http://127.0.0.1:9");
        assert_eq!(app.config.auth_base, "https://www.dropbox.com");
        assert_eq!(
            App::from_settings(settings(&creds[..1], Some(key))).err(),
            Some(NotConfigured::NoApp)
        );
        assert_eq!(
            App::from_settings(settings(creds, Some("c2hvcnQ=".into()))).err(),
            Some(NotConfigured::BadKey)
        );
    }
}
