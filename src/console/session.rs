//! Console sessions as plain decisions: the cookie's shape, how long a
//! session lives, the per-session CSRF token and the check every form passes.

use crate::crypto;
use crate::policy::Millis;

/// The cookie's name. Not `__Host-`: that prefix demands `Secure`, which a
/// browser refuses on `http://127.0.0.1` under `make dev`.
pub const COOKIE: &str = "sharepage_session";

/// A session ends after 30 days without use.
pub const IDLE_MS: Millis = 30 * 24 * 60 * 60 * 1000;

/// Use is recorded at most hourly: a page view is a read, not a write.
const TOUCH_EVERY_MS: Millis = 60 * 60 * 1000;

/// The `Set-Cookie` value that opens a session. `Secure` everywhere but on a
/// plain-http origin (only local development has one).
pub fn cookie(token: &str, origin: &str) -> String {
    format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{}",
        IDLE_MS / 1000,
        secure(origin)
    )
}

/// The `Set-Cookie` value that makes the browser forget its session.
pub fn cleared_cookie(origin: &str) -> String {
    format!(
        "{COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{}",
        secure(origin)
    )
}

fn secure(origin: &str) -> &'static str {
    if origin.starts_with("http://") {
        ""
    } else {
        "; Secure"
    }
}

/// The session token a `Cookie` header carries, if it has the issued shape.
pub fn from_cookie_header(header: Option<&str>) -> Option<&str> {
    header?
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
        .filter(|token| crate::ids::is_token(token) && token.len() == 22)
}

/// What is stored for a session: its token's hash, so a leaked table opens
/// no browser session.
pub fn stored_id(token: &str) -> String {
    crypto::hash(token)
}

/// The CSRF token of a session: derived from its secret token, so it needs
/// no storage, differs per session, and cannot be guessed without the
/// cookie (which scripts on other sites never see).
pub fn csrf(token: &str) -> String {
    crypto::hash(&format!("csrf:{token}"))
}

/// Whether a session last used at `last_seen_at` is still alive at `now`.
pub fn alive(last_seen_at: Millis, now: Millis) -> bool {
    now - last_seen_at < IDLE_MS
}

pub fn worth_touching(last_seen_at: Millis, now: Millis) -> bool {
    now - last_seen_at >= TOUCH_EVERY_MS
}

/// Why a form was refused before anything changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forgery {
    /// The `Origin` header names another site.
    CrossOrigin,
    /// The `csrf` field is missing or wrong.
    BadToken,
}

/// Every state-changing form: a browser always sends `Origin` with a POST,
/// and it must be this deployment's; the hidden `csrf` field must be this
/// session's token (`expected`, from `csrf`), compared in constant time.
pub fn check_form(
    origin_header: Option<&str>,
    origin: &str,
    given_csrf: Option<&str>,
    expected: &str,
) -> Result<(), Forgery> {
    check_origin(origin_header, origin)?;
    match given_csrf {
        Some(given) if crypto::same(given, expected) => Ok(()),
        _ => Err(Forgery::BadToken),
    }
}

/// Forms sent before there is a session (sign-in) are checked by origin
/// alone (console pages use the `same-origin` referrer policy, so browsers
/// name this origin on its own forms; `null` or another site is refused).
/// A request without `Origin` is not from a browser (browsers send it with
/// every POST), so it is no forgery and is let through.
pub fn check_origin(origin_header: Option<&str>, origin: &str) -> Result<(), Forgery> {
    match origin_header {
        Some(given) if given != origin => Err(Forgery::CrossOrigin),
        _ => Ok(()),
    }
}

/// Where a sign-in continues: a console address the form carried, or the
/// overview. Anything else (another site, `//host`) is ignored.
pub fn next_target(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if (n == "/console" || n.starts_with("/console/") || n.starts_with("/console?"))
                && !n.contains("//")
                && !n.contains('\\')
                && n.len() <= 2048 =>
        {
            n
        }
        _ => "/console",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "abcdefghijklmnopqrstuv";

    #[test]
    fn the_cookie_is_http_only_lax_and_secure_except_on_plain_http() {
        let prod = cookie(TOKEN, "https://share.example.com");
        assert!(prod.starts_with(
            "sharepage_session=abcdefghijklmnopqrstuv; HttpOnly; SameSite=Lax; Path=/;"
        ));
        assert!(prod.ends_with("; Secure"));
        assert!(!cookie(TOKEN, "http://127.0.0.1:8787").contains("Secure"));
        assert!(cleared_cookie("https://a.example").contains("Max-Age=0"));
    }

    #[test]
    fn the_session_token_is_read_from_its_own_cookie_only() {
        let header = format!("other=1; {COOKIE}={TOKEN}; x=y");
        assert_eq!(from_cookie_header(Some(&header)), Some(TOKEN));
        assert_eq!(from_cookie_header(Some("sharepage_session=short")), None);
        assert_eq!(
            from_cookie_header(Some("sharepage_session_x=abcdefghijklmnopqrstuv")),
            None
        );
        assert_eq!(from_cookie_header(None), None);
    }

    #[test]
    fn a_sign_in_continues_only_within_the_console() {
        assert_eq!(
            next_target(Some("/console/dropbox/connect?state=abc")),
            "/console/dropbox/connect?state=abc"
        );
        assert_eq!(next_target(Some("/console")), "/console");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/console//evil",
            "/consoleevil",
            "/console/\\evil",
            "",
        ] {
            assert_eq!(next_target(Some(bad)), "/console", "{bad}");
        }
        assert_eq!(next_target(None), "/console");
    }

    #[test]
    fn sessions_end_after_thirty_idle_days() {
        assert!(alive(0, IDLE_MS - 1));
        assert!(!alive(0, IDLE_MS));
        assert!(!worth_touching(0, TOUCH_EVERY_MS - 1));
        assert!(worth_touching(0, TOUCH_EVERY_MS));
    }

    #[test]
    fn forms_need_this_sessions_token_and_no_foreign_origin() {
        let origin = "https://share.example.com";
        let good = csrf(TOKEN);
        let other = csrf("abcdefghijklmnopqrstuw");
        assert_ne!(good, other, "per session");
        assert_eq!(check_form(Some(origin), origin, Some(&good), &good), Ok(()));
        assert_eq!(check_form(None, origin, Some(&good), &good), Ok(()));
        for foreign in [
            "https://evil.example",
            "null",
            "https://share.example.com.evil.example",
        ] {
            assert_eq!(
                check_form(Some(foreign), origin, Some(&good), &good),
                Err(Forgery::CrossOrigin)
            );
        }
        for wrong in [None, Some(""), Some(other.as_str())] {
            assert_eq!(
                check_form(Some(origin), origin, wrong, &good),
                Err(Forgery::BadToken)
            );
        }
    }
}
