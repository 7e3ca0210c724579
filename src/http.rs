//! Responses as plain data. The edge turns a `Reply` into a runtime response;
//! everything about status, headers and caching is decided here, where it can
//! be tested natively.

use std::borrow::Cow;

use crate::assets::Asset;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Cow<'static, str>,
}

/// Where the audio player may stream from: this origin (which redirects) and
/// Dropbox's temporary-link hosts.
const MEDIA_SOURCES: &str = "'self' https://*.dropboxusercontent.com";

/// Headers every response carries, whatever it is.
fn baseline() -> Vec<(&'static str, String)> {
    vec![
        ("x-content-type-options", "nosniff".into()),
        ("referrer-policy", "no-referrer".into()),
        ("x-frame-options", "DENY".into()),
        ("cross-origin-opener-policy", "same-origin".into()),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
                .into(),
        ),
        (
            "strict-transport-security",
            "max-age=63072000; includeSubDomains".into(),
        ),
    ]
}

/// The page policy: no inline script at all, inline style only with this
/// response's nonce (it carries the producer's validated theme colours).
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; \
         img-src 'self' https:; media-src {MEDIA_SOURCES}; connect-src 'self'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

impl Reply {
    /// An HTML page. Pages are never cached anywhere: a revoked or expired
    /// link must stop working on the very next request. Share links are
    /// private, so search engines are told to stay away.
    pub fn html(status: u16, html: String, nonce: &str) -> Reply {
        let mut headers = baseline();
        headers.extend([
            ("content-type", "text/html; charset=utf-8".into()),
            ("content-security-policy", page_csp(nonce)),
            ("cache-control", "no-store".into()),
            ("x-robots-tag", "noindex, nofollow".into()),
        ]);
        Reply {
            status,
            headers,
            body: Cow::Owned(html),
        }
    }

    /// A static asset, named by its content hash, so it can be cached forever.
    pub fn asset(asset: &Asset) -> Reply {
        let mut headers = baseline();
        headers.extend([
            ("content-type", asset.content_type.into()),
            (
                "content-security-policy",
                "default-src 'none'; frame-ancestors 'none'".into(),
            ),
            (
                "cache-control",
                "public, max-age=31536000, immutable".into(),
            ),
        ]);
        Reply {
            status: 200,
            headers,
            body: Cow::Borrowed(asset.body),
        }
    }

    /// A JSON answer of the API. Like pages, never cached: every read must see
    /// the latest write.
    pub fn json(status: u16, body: String) -> Reply {
        let mut headers = baseline();
        headers.extend([
            ("content-type", "application/json".into()),
            (
                "content-security-policy",
                "default-src 'none'; frame-ancestors 'none'".into(),
            ),
            ("cache-control", "no-store".into()),
        ]);
        Reply {
            status,
            headers,
            body: Cow::Owned(body),
        }
    }

    /// A success with nothing to say (`204`).
    pub fn no_content() -> Reply {
        Reply {
            status: 204,
            headers: baseline(),
            body: Cow::Borrowed(""),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.into()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_forbid_inline_script_and_allow_only_nonced_style() {
        let r = Reply::html(200, "<p>hi</p>".into(), "abc123");
        let csp = r.header("content-security-policy").unwrap();
        assert!(csp.contains("script-src 'self';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("style-src 'self' 'nonce-abc123'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert_eq!(r.header("x-robots-tag"), Some("noindex, nofollow"));
    }

    #[test]
    fn with_header_replaces_rather_than_duplicates() {
        let r = Reply::html(503, String::new(), "n").with_header("cache-control", "no-cache");
        let count = r
            .headers
            .iter()
            .filter(|(n, _)| *n == "cache-control")
            .count();
        assert_eq!(count, 1);
        assert_eq!(r.header("Cache-Control"), Some("no-cache"));
    }
}
