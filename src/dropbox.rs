//! The Dropbox HTTP API as pure functions: requests are built as plain data
//! and answers read into outcomes, so every shape and error is tested
//! natively. The edge only sends what this builds, and waits as long as
//! `retry_delay` says.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::policy::Millis;

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

pub fn temporary_link(config: &Config, access_token: &str, path: &str) -> Outbound {
    Outbound {
        url: join(&config.api_base, "/2/files/get_temporary_link"),
        headers: vec![
            ("authorization", format!("Bearer {access_token}")),
            ("content-type", "application/json".to_owned()),
        ],
        body: Some(json!({ "path": path }).to_string()),
    }
}

/// A folder as one ZIP, streamed. Content endpoints take their argument in
/// the `Dropbox-API-Arg` header and no body.
pub fn download_zip(config: &Config, access_token: &str, path: &str) -> Outbound {
    Outbound {
        url: join(&config.content_base, "/2/files/download_zip"),
        headers: vec![
            ("authorization", format!("Bearer {access_token}")),
            ("dropbox-api-arg", api_arg(&json!({ "path": path }))),
        ],
        body: None,
    }
}

/// JSON for the `Dropbox-API-Arg` header. HTTP headers carry ASCII only, so
/// Dropbox requires every character outside it escaped as `\uXXXX` (UTF-16,
/// surrogate pairs for emoji); DEL is escaped too, as its docs ask.
pub fn api_arg(value: &Value) -> String {
    let mut out = String::new();
    for c in value.to_string().chars() {
        if c.is_ascii() && c != '\x7f' {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
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

/// The link in a `get_temporary_link` answer.
pub fn parse_link(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body).ok()?;
    let link = value.get("link")?.as_str()?;
    let parsed = url::Url::parse(link).ok()?;
    matches!(parsed.scheme(), "https" | "http").then(|| link.to_owned())
}

/// What an answer from Dropbox means for us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Success,
    /// 401: the access token expired or was revoked; a refresh may help.
    Unauthorized,
    /// 429 (or 503 with `Retry-After`): wait at least this long.
    RateLimited {
        retry_after_s: u64,
    },
    /// 5xx, or no answer in time: worth another try.
    Unavailable,
    /// The refresh token was revoked: only the producer reconnecting helps.
    Revoked,
    /// The path is not there, or is not what we asked for (file or folder).
    Missing,
    /// A folder over `download_zip`'s limits (20 GB, 10 000 entries).
    TooLarge,
    /// Anything else: a request we should not have sent. Kept for the log.
    Refused(String),
}

/// Dropbox's `Retry-After` is whole seconds; an unreadable one means "soon".
fn seconds(header: Option<&str>) -> Option<u64> {
    header?.trim().parse().ok()
}

/// Reads a status, its `Retry-After` header and its body (API errors are
/// JSON with an `error_summary` such as `path/not_found/..`; the token
/// endpoint answers OAuth's `{"error": "invalid_grant"}`).
pub fn classify(status: u16, retry_after: Option<&str>, body: &str) -> Answer {
    let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let summary = json
        .get("error_summary")
        .and_then(Value::as_str)
        .unwrap_or("");
    let oauth_error = json.get("error").and_then(Value::as_str).unwrap_or("");
    match status {
        200..=299 => Answer::Success,
        401 => Answer::Unauthorized,
        400 if oauth_error == "invalid_grant" => Answer::Revoked,
        429 => Answer::RateLimited {
            retry_after_s: seconds(retry_after)
                .or_else(|| json.pointer("/error/retry_after").and_then(Value::as_u64))
                .unwrap_or(1),
        },
        500..=599 => match seconds(retry_after) {
            // A 503 that says when to come back is a rate limit by another name.
            Some(retry_after_s) if status == 503 => Answer::RateLimited { retry_after_s },
            _ => Answer::Unavailable,
        },
        409 if summary.starts_with("too_large") || summary.starts_with("too_many_files") => {
            Answer::TooLarge
        }
        409 if summary.starts_with("path/") => Answer::Missing,
        _ => Answer::Refused(format!(
            "{status}: {}",
            body.chars().take(200).collect::<String>()
        )),
    }
}

/// How long a visitor's request may spend on Dropbox, retries included,
/// before they are asked to come back.
pub const VISITOR_BUDGET_MS: u64 = 2_000;
const MAX_ATTEMPTS: u32 = 4;

/// How long to wait before attempt `attempt + 1`, or `None` to stop: only
/// rate limits and outages are retried, with backoff (100, 300, 900 ms) or
/// the wait Dropbox asked for, and never past the budget.
pub fn retry_delay(answer: &Answer, attempt: u32, elapsed_ms: u64, budget_ms: u64) -> Option<u64> {
    let wait = match answer {
        Answer::RateLimited { retry_after_s } => retry_after_s.saturating_mul(1000),
        Answer::Unavailable => 100 * 3u64.pow(attempt.min(5)),
        _ => return None,
    };
    (attempt + 1 < MAX_ATTEMPTS && elapsed_ms.saturating_add(wait) < budget_ms).then_some(wait)
}

/// What a visitor is told to wait, in seconds, after Dropbox could not
/// serve: what Dropbox asked for, else a short pause for an outage, else
/// longer for an account that must be reconnected.
pub fn visitor_retry_after(answer: &Answer) -> u64 {
    match answer {
        Answer::RateLimited { retry_after_s } => (*retry_after_s).max(1),
        Answer::Revoked => 300,
        _ => 10,
    }
}

/// Temporary links live 4 hours; a cached one is dropped well before.
pub const LINK_TTL_SECONDS: u64 = 3 * 3600;

/// The cache key of a temporary link. It is a digest of everything that
/// decides which bytes the link serves (owner, Dropbox account, what it
/// stands for, path), so no other producer, account, file or path can ever
/// share it.
pub fn link_cache_key(producer_id: &str, account_id: &str, subject: &str, path: &str) -> String {
    let mut digest = Sha256::new();
    for part in [producer_id, account_id, subject, path] {
        digest.update((part.len() as u64).to_be_bytes());
        digest.update(part.as_bytes());
    }
    let hex: String = digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("link:v1:{hex}")
}

/// The cron refreshes access tokens expiring within this margin.
pub const REFRESH_AHEAD_MS: Millis = 60 * 60 * 1000;

/// Whether a stored access token can still be used at `now`.
pub fn access_usable(expires_at: Option<Millis>, now: Millis) -> bool {
    expires_at.is_some_and(|at| now < at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config {
            api_base: "https://api.dropboxapi.com".into(),
            content_base: "https://content.dropboxapi.com/".into(),
            auth_base: "https://www.dropbox.com".into(),
            app_key: "appkey".into(),
            app_secret: "s3cret".into(),
        }
    }

    fn header<'a>(o: &'a Outbound, name: &str) -> Option<&'a str> {
        o.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
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
    }

    fn query(q: &str) -> Callback {
        callback(url::form_urlencoded::parse(q.as_bytes()))
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
    fn unicode_paths_travel_as_json_bodies_and_ascii_headers() {
        let path = "/Beats/Café 🎧/Mix \"final\".wav";
        let link = temporary_link(&config(), "tok", path);
        let body: Value = serde_json::from_str(link.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["path"], path);
        assert_eq!(header(&link, "authorization"), Some("Bearer tok"));

        let zip = download_zip(&config(), "tok", path);
        assert_eq!(
            zip.url,
            "https://content.dropboxapi.com/2/files/download_zip"
        );
        assert_eq!(zip.body, None);
        let arg = header(&zip, "dropbox-api-arg").unwrap();
        assert!(arg.is_ascii());
        assert_eq!(
            arg,
            r#"{"path":"/Beats/Caf\u00e9 \ud83c\udfa7/Mix \"final\".wav"}"#
        );
        let back: Value = serde_json::from_str(arg).unwrap();
        assert_eq!(back["path"], path);
        assert_eq!(api_arg(&json!("\u{7f}")), r#""\u007f""#);
    }

    #[test]
    fn grants_and_links_are_read_from_dropbox_answers() {
        let code = parse_grant(
            r#"{"access_token":"sl.A","token_type":"bearer","expires_in":14400,
                "refresh_token":"rt","scope":"files.content.read","uid":"1","account_id":"dbid:x"}"#,
        )
        .unwrap();
        assert_eq!(code.refresh_token.as_deref(), Some("rt"));
        assert_eq!(code.account_id.as_deref(), Some("dbid:x"));
        assert_eq!(code.expires_at(1_000_000), 1_000_000 + 14_340_000);
        let refreshed =
            parse_grant(r#"{"access_token":"sl.B","token_type":"bearer","expires_in":14400}"#)
                .unwrap();
        assert_eq!(refreshed.refresh_token, None);
        assert_eq!(parse_grant(r#"{"access_token":"","expires_in":1}"#), None);
        assert_eq!(parse_grant("<html>"), None);

        assert_eq!(
            parse_link(r#"{"metadata":{"name":"a.wav"},"link":"https://uc1.dl.dropboxusercontent.com/cd/0/get/x"}"#)
                .as_deref(),
            Some("https://uc1.dl.dropboxusercontent.com/cd/0/get/x")
        );
        assert_eq!(parse_link(r#"{"link":"javascript:alert(1)"}"#), None);
        assert_eq!(parse_link(r#"{"metadata":{}}"#), None);
    }

    #[test]
    fn dropbox_errors_are_told_apart() {
        let expired =
            r#"{"error_summary":"expired_access_token/","error":{".tag":"expired_access_token"}}"#;
        assert_eq!(classify(401, None, expired), Answer::Unauthorized);
        assert_eq!(classify(200, None, "{}"), Answer::Success);
        assert_eq!(
            classify(
                400,
                None,
                r#"{"error":"invalid_grant","error_description":"refresh token is invalid or revoked"}"#
            ),
            Answer::Revoked
        );
        let limited = r#"{"error_summary":"too_many_requests/","error":{"reason":{".tag":"too_many_requests"},"retry_after":7}}"#;
        assert_eq!(
            classify(429, Some("3"), limited),
            Answer::RateLimited { retry_after_s: 3 }
        );
        assert_eq!(
            classify(429, None, limited),
            Answer::RateLimited { retry_after_s: 7 }
        );
        assert_eq!(
            classify(429, None, ""),
            Answer::RateLimited { retry_after_s: 1 }
        );
        assert_eq!(classify(500, None, "oops"), Answer::Unavailable);
        assert_eq!(
            classify(503, Some("2"), ""),
            Answer::RateLimited { retry_after_s: 2 }
        );
        assert_eq!(
            classify(
                409,
                None,
                r#"{"error_summary":"path/not_found/..","error":{".tag":"path","path":{".tag":"not_found"}}}"#
            ),
            Answer::Missing
        );
        assert_eq!(
            classify(
                409,
                None,
                r#"{"error_summary":"too_many_files/.","error":{".tag":"too_many_files"}}"#
            ),
            Answer::TooLarge
        );
        assert_eq!(
            classify(
                409,
                None,
                r#"{"error_summary":"too_large/..","error":{".tag":"too_large"}}"#
            ),
            Answer::TooLarge
        );
        assert!(matches!(
            classify(400, None, "Error in call to API function"),
            Answer::Refused(_)
        ));
    }

    #[test]
    fn retries_back_off_within_the_budget_and_honour_retry_after() {
        let b = VISITOR_BUDGET_MS;
        assert_eq!(retry_delay(&Answer::Unavailable, 0, 0, b), Some(100));
        assert_eq!(retry_delay(&Answer::Unavailable, 1, 150, b), Some(300));
        assert_eq!(retry_delay(&Answer::Unavailable, 2, 500, b), Some(900));
        assert_eq!(retry_delay(&Answer::Unavailable, 3, 1500, b), None);
        assert_eq!(retry_delay(&Answer::Unavailable, 2, 1200, b), None);
        let limited = Answer::RateLimited { retry_after_s: 1 };
        assert_eq!(retry_delay(&limited, 0, 10, b), Some(1000));
        assert_eq!(retry_delay(&limited, 1, 1010, b), None);
        let long = Answer::RateLimited { retry_after_s: 300 };
        assert_eq!(retry_delay(&long, 0, 0, b), None);
        assert_eq!(visitor_retry_after(&long), 300);
        for final_answer in [
            Answer::Missing,
            Answer::TooLarge,
            Answer::Revoked,
            Answer::Unauthorized,
        ] {
            assert_eq!(retry_delay(&final_answer, 0, 0, b), None);
        }
    }

    #[test]
    fn link_cache_keys_differ_in_every_part() {
        let base = link_cache_key("p1", "dbid:a", "file1", "/a.wav");
        assert!(base.starts_with("link:v1:") && base.len() < 512);
        assert_eq!(base, link_cache_key("p1", "dbid:a", "file1", "/a.wav"));
        for other in [
            link_cache_key("p2", "dbid:a", "file1", "/a.wav"),
            link_cache_key("p1", "dbid:b", "file1", "/a.wav"),
            link_cache_key("p1", "dbid:a", "file2", "/a.wav"),
            link_cache_key("p1", "dbid:a", "file1", "/b.wav"),
            // Boundaries between parts are part of the digest.
            link_cache_key("p1d", "bid:a", "file1", "/a.wav"),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn access_tokens_are_used_only_before_their_expiry() {
        assert!(access_usable(Some(10), 9));
        assert!(!access_usable(Some(10), 10));
        assert!(!access_usable(None, 0));
    }
}
