//! Connecting and keeping a producer's Dropbox: the authorize URL, the
//! callback, and the token endpoint's two grants.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;

use super::{join, Config, Outbound};
use crate::policy::Millis;

/// The page a producer is sent to, to let the app read their files. A
/// refresh token (`offline`) is what lets links work while they are away.
pub fn authorize_url(config: &Config, redirect_uri: &str, state: &str) -> String {
    let mut url = url::Url::parse(&join(&config.auth_base, "/oauth2/authorize"))
        .unwrap_or_else(|_| url::Url::parse("https://www.dropbox.com/oauth2/authorize").unwrap());
    url.query_pairs_mut()
        .append_pair("client_id", &config.app_key)
        .append_pair("response_type", "code")
        .append_pair("token_access_type", "offline")
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state);
    url.into()
}

fn token_request(config: &Config, form: &[(&str, &str)]) -> Outbound {
    let credentials = STANDARD.encode(format!("{}:{}", config.app_key, config.app_secret));
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    Outbound {
        url: join(&config.api_base, "/oauth2/token"),
        headers: vec![
            ("authorization", format!("Basic {credentials}")),
            (
                "content-type",
                "application/x-www-form-urlencoded".to_owned(),
            ),
        ],
        body: Some(body),
    }
}

/// A `state` (and so a connection link) is good for this long.
pub const STATE_TTL_MS: Millis = 10 * 60 * 1000;

/// Where Dropbox sends the producer back; it must be registered with the app.
/// The origin of Dropbox's consent page, which console forms may lead to.
pub fn authorize_origin(config: &Config) -> Option<String> {
    let url = url::Url::parse(&config.auth_base).ok()?;
    Some(url.origin().ascii_serialization()).filter(|o| o != "null")
}

pub fn redirect_uri(origin: &str) -> String {
    format!("{origin}/oauth/dropbox/callback")
}

/// What Dropbox's redirect back to us says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// Access granted: a code to trade, for the producer `state` names.
    Granted { code: String, state: String },
    /// The producer said no (`error=access_denied`); the state is spent.
    Declined { state: String },
    /// Not something Dropbox sends.
    Malformed,
}

pub fn callback<'a>(
    query: impl Iterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
) -> Callback {
    let (mut code, mut state, mut error) = (None, None, None);
    for (name, value) in query {
        let slot = match name.as_ref() {
            "code" => &mut code,
            "state" => &mut state,
            "error" => &mut error,
            _ => continue,
        };
        // A repeated parameter is not from Dropbox: refuse rather than pick one.
        if slot.replace(value.into_owned()).is_some() {
            return Callback::Malformed;
        }
    }
    let usable = |v: &str| !v.is_empty() && v.len() <= 512;
    match (code, state, error) {
        (_, Some(state), Some(_)) if usable(&state) => Callback::Declined { state },
        (Some(code), Some(state), None) if usable(&code) && usable(&state) => {
            Callback::Granted { code, state }
        }
        _ => Callback::Malformed,
    }
}

/// What the producer reads in `/api/me` once Dropbox refused our refresh
/// token (they unlinked the app, or changed their password).
pub fn revoked_warning(now: Millis) -> String {
    let when = chrono::DateTime::from_timestamp_millis(now)
        .map(|t| t.format(" on %-d %B %Y at %H:%M UTC").to_string())
        .unwrap_or_default();
    format!(
        "Dropbox stopped accepting sharepage's access{when}. Visitors can still open your \
         shares, but playback and downloads are unavailable until you connect Dropbox again \
         (GET /api/dropbox/connect)."
    )
}

/// Trades the code from the OAuth callback for tokens. `redirect_uri` must be
/// the one the authorize URL named.
pub fn exchange_code(config: &Config, code: &str, redirect_uri: &str) -> Outbound {
    token_request(
        config,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ],
    )
}

pub fn refresh(config: &Config, refresh_token: &str) -> Outbound {
    token_request(
        config,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
}

/// Tokens from `/oauth2/token`. A refresh answers no new refresh token; the
/// one we hold stays valid.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Grant {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: Option<String>,
    pub account_id: Option<String>,
}

impl Grant {
    /// When the access token stops working, with a minute to spare for
    /// clocks and requests in flight.
    pub fn expires_at(&self, now: Millis) -> Millis {
        now + (self.expires_in.max(0) * 1000 - 60_000).max(0)
    }
}

pub fn parse_grant(body: &str) -> Option<Grant> {
    serde_json::from_str::<Grant>(body)
        .ok()
        .filter(|g| !g.access_token.is_empty())
}

/// The cron refreshes access tokens expiring within this margin.
pub const REFRESH_AHEAD_MS: Millis = 60 * 60 * 1000;

/// Whether a stored access token can still be used at `now`.
pub fn access_usable(expires_at: Option<Millis>, now: Millis) -> bool {
    expires_at.is_some_and(|at| now < at)
}

/// A short fingerprint of a stored access token's ciphertext: how a visitor
/// tells the refresh coordinator which token failed without handing it on.
pub fn fingerprint(access_token_enc: Option<&str>) -> String {
    format!(
        "{:016x}",
        crate::art::fnv1a(access_token_enc.unwrap_or("").as_bytes())
    )
}

/// Whether the refresh coordinator must refresh: the stored access token is
/// past its expiry, or is the very one a visitor found refused (`stale`, a
/// `fingerprint`). Otherwise another visitor's refresh has just stored a
/// fresh one, and it serves this visitor too.
pub fn needs_refresh(
    expires_at: Option<Millis>,
    access_token_enc: Option<&str>,
    stale: &str,
    now: Millis,
) -> bool {
    !access_usable(expires_at, now) || fingerprint(access_token_enc) == stale
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dropbox::testing::{config, header};

    fn query(q: &str) -> Callback {
        callback(url::form_urlencoded::parse(q.as_bytes()))
    }

    #[test]
    fn the_authorize_url_asks_for_a_refresh_token() {
        let url = authorize_url(
            &config(),
            "https://share.example/oauth/dropbox/callback",
            "st&te",
        );
        assert_eq!(
            url,
            "https://www.dropbox.com/oauth2/authorize?client_id=appkey&response_type=code\
             &token_access_type=offline\
             &redirect_uri=https%3A%2F%2Fshare.example%2Foauth%2Fdropbox%2Fcallback&state=st%26te"
        );
        assert_eq!(
            authorize_origin(&config()).as_deref(),
            Some("https://www.dropbox.com")
        );
    }

    #[test]
    fn callbacks_are_read_strictly() {
        assert_eq!(
            query("code=abc&state=st"),
            Callback::Granted {
                code: "abc".into(),
                state: "st".into()
            }
        );
        assert_eq!(
            query("error=access_denied&error_description=The+user+chose+not+to&state=st"),
            Callback::Declined { state: "st".into() }
        );
        for bad in [
            "",
            "code=abc",
            "state=st",
            "code=&state=st",
            "code=a&state=s&state=t",
            "error=x",
        ] {
            assert_eq!(query(bad), Callback::Malformed, "{bad}");
        }
        assert!(revoked_warning(1_796_169_600_000).contains("on 2 December 2026 at 00:00 UTC"));
    }

    #[test]
    fn token_requests_authenticate_the_app_and_form_encode() {
        let r = exchange_code(&config(), "c+de", "https://x/cb");
        assert_eq!(r.url, "https://api.dropboxapi.com/oauth2/token");
        assert_eq!(
            header(&r, "authorization"),
            Some(format!("Basic {}", STANDARD.encode("appkey:s3cret")).as_str())
        );
        assert_eq!(
            r.body.as_deref(),
            Some("grant_type=authorization_code&code=c%2Bde&redirect_uri=https%3A%2F%2Fx%2Fcb")
        );
        let r = refresh(&config(), "rt");
        assert_eq!(
            r.body.as_deref(),
            Some("grant_type=refresh_token&refresh_token=rt")
        );
    }

    #[test]
    fn the_coordinator_refreshes_only_an_expired_or_refused_token() {
        let (old, new) = (Some("sealed-old"), Some("sealed-new"));
        let refused = fingerprint(old);
        assert_eq!(refused.len(), 16);
        assert_ne!(refused, fingerprint(new));
        // Valid and not the refused one: a refresh just happened.
        assert!(!needs_refresh(Some(10), new, &refused, 9));
        // The refused token itself, though its expiry says valid.
        assert!(needs_refresh(Some(10), old, &refused, 9));
        // Expired, whoever asks.
        assert!(needs_refresh(Some(10), new, &refused, 10));
        assert!(needs_refresh(None, None, "", 0));
    }

    #[test]
    fn access_tokens_are_used_only_before_their_expiry() {
        assert!(access_usable(Some(10), 9));
        assert!(!access_usable(Some(10), 10));
        assert!(!access_usable(None, 0));
    }
}
