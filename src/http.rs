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

/// The hosts that serve temporary links (and thumbnails) to browsers, as
/// CSP sources, unless the deployment's `DROPBOX_LINK_ORIGINS` says
/// otherwise (local development names the stand-in).
pub const DEFAULT_LINK_ORIGINS: &str = "https://*.dropboxusercontent.com";

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
/// `data:` images are the stylesheet's own icons (a picture cannot run).
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; \
         img-src 'self' data: https: {DEFAULT_LINK_ORIGINS}; media-src 'self' {DEFAULT_LINK_ORIGINS}; \
         connect-src 'self'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The sources a `DROPBOX_LINK_ORIGINS` value names, when every one is an
/// origin (`scheme://host[:port]`, the host possibly starting with `*.`):
/// nothing else may reach a policy.
pub fn link_origins(value: &str) -> Option<String> {
    let origin = |source: &str| {
        let Some((scheme, rest)) = source.split_once("://") else {
            return false;
        };
        let host = rest.strip_prefix("*.").unwrap_or(rest);
        matches!(scheme, "https" | "http")
            && !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
    };
    let sources: Vec<&str> = value.split_ascii_whitespace().collect();
    (!sources.is_empty() && sources.iter().all(|s| origin(s))).then(|| sources.join(" "))
}

/// A page policy with `origins` serving media and images in place of the
/// default link hosts.
pub fn with_link_origins(csp: &str, origins: &str) -> String {
    csp.replace(DEFAULT_LINK_ORIGINS, origins)
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
    pub fn asset(asset: &'static Asset) -> Reply {
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
            body: Cow::Borrowed(&asset.body),
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

    /// Sends the visitor on to a Dropbox temporary link. Never cached: the
    /// next request must see a revoked share.
    pub fn redirect(location: &str) -> Reply {
        let mut headers = baseline();
        headers.extend([
            ("location", location.to_owned()),
            ("cache-control", "no-store".into()),
        ]);
        Reply {
            status: 302,
            headers,
            body: Cow::Borrowed(""),
        }
    }

    /// Where a console form sends the browser once it is done (`303`, so the
    /// page that follows is a GET a reload cannot resubmit).
    pub fn see_other(location: &str) -> Reply {
        Reply {
            status: 303,
            ..Reply::redirect(location)
        }
    }

    /// Generated artwork. SVG can carry script, so it gets the strictest
    /// policy; it is cached briefly when it stands for "no artwork" and not
    /// at all when it stands in for artwork Dropbox failed to serve.
    pub fn svg(svg: String, cacheable: bool) -> Reply {
        Reply {
            body: Cow::Owned(svg),
            ..Reply::image("image/svg+xml", cacheable).with_header(
                "content-security-policy",
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            )
        }
    }

    /// The headers of a picture (a thumbnail, a preview); the edge supplies
    /// its bytes. Cached as generated artwork is.
    pub fn image(content_type: &'static str, cacheable: bool) -> Reply {
        let mut headers = baseline();
        headers.extend([
            ("content-type", content_type.into()),
            (
                "content-security-policy",
                "default-src 'none'; frame-ancestors 'none'".into(),
            ),
            (
                "cache-control",
                if cacheable {
                    "private, max-age=3600".into()
                } else {
                    "no-store".into()
                },
            ),
        ]);
        Reply {
            status: 200,
            headers,
            body: Cow::Borrowed(""),
        }
    }

    /// The headers of a folder streamed as a ZIP; the edge supplies the body.
    pub fn zip(folder_name: &str) -> Reply {
        let mut headers = baseline();
        headers.extend([
            ("content-type", "application/zip".into()),
            (
                "content-disposition",
                attachment(&format!("{folder_name}.zip")),
            ),
            (
                "content-security-policy",
                "default-src 'none'; frame-ancestors 'none'".into(),
            ),
            ("cache-control", "no-store".into()),
        ]);
        Reply {
            status: 200,
            headers,
            body: Cow::Borrowed(""),
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

    /// Lets this page's forms lead to `origin` as well: a form whose answer
    /// redirects elsewhere (the console's Connect button, on to Dropbox) is
    /// held to `form-action` all the way.
    pub fn with_form_target(mut self, origin: &str) -> Reply {
        for (name, value) in &mut self.headers {
            if *name == "content-security-policy" {
                *value = value.replace(
                    "form-action 'self'",
                    &format!("form-action 'self' {origin}"),
                );
            }
        }
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// `Content-Disposition` for a download named `name` (RFC 6266): a plain
/// ASCII `filename` for old clients, with anything unsafe in a quoted string
/// or a file name replaced, and the exact name in UTF-8 as `filename*`.
pub fn attachment(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| match c {
            ' ' | '-' | '.' | '_' | '(' | ')' | '[' | ']' | ',' | '+' | '&' | '\'' => c,
            c if c.is_ascii_alphanumeric() => c,
            _ => '_',
        })
        .collect();
    let fallback = fallback.trim_matches(|c| c == '.' || c == ' ');
    let fallback = if fallback.is_empty() {
        "download"
    } else {
        fallback
    };
    let exact: String =
        name.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|'
                | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
    if fallback == name {
        format!("attachment; filename=\"{fallback}\"")
    } else {
        format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_hosts_are_configuration_and_only_origins_are_taken() {
        assert_eq!(
            link_origins(" http://127.0.0.1:8788  https://*.dropboxusercontent.com ").as_deref(),
            Some("http://127.0.0.1:8788 https://*.dropboxusercontent.com")
        );
        for bad in [
            "",
            "*",
            "https:",
            "'unsafe-inline'",
            "https://a.example; script-src *",
            "data:",
            "https://a.example/path",
        ] {
            assert_eq!(link_origins(bad), None, "{bad}");
        }
        let csp = with_link_origins(&page_csp("n"), "http://127.0.0.1:8788");
        assert!(
            csp.contains("media-src 'self' http://127.0.0.1:8788;"),
            "{csp}"
        );
        assert!(
            csp.contains("img-src 'self' data: https: http://127.0.0.1:8788;"),
            "{csp}"
        );
        assert!(!csp.contains("dropboxusercontent"));
    }

    #[test]
    fn a_page_may_let_its_forms_lead_to_one_more_origin() {
        let page = Reply::html(200, String::new(), "n").with_form_target("https://www.dropbox.com");
        let csp = page.header("content-security-policy").unwrap();
        assert!(
            csp.contains("form-action 'self' https://www.dropbox.com;"),
            "{csp}"
        );
    }

    #[test]
    fn download_names_are_safe_and_exact() {
        assert_eq!(
            attachment("Stems.zip"),
            "attachment; filename=\"Stems.zip\""
        );
        assert_eq!(
            attachment("Café 🎧 \"v2\".zip"),
            "attachment; filename=\"Caf_ _ _v2_.zip\"; \
             filename*=UTF-8''Caf%C3%A9%20%F0%9F%8E%A7%20%22v2%22.zip"
        );
        let header_breaking = attachment("a\r\nSet-Cookie: x=1;.zip");
        assert!(!header_breaking.contains('\r') && !header_breaking.contains('\n'));
        assert!(header_breaking.starts_with("attachment; filename=\"a__Set-Cookie_ x_1_.zip\""));
        assert_eq!(
            attachment("..").split(';').nth(1),
            Some(" filename=\"download\"")
        );
    }

    #[test]
    fn redirects_are_never_cached() {
        let r = Reply::redirect("https://dl.example/x");
        assert_eq!(r.status, 302);
        assert_eq!(r.header("location"), Some("https://dl.example/x"));
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    }

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
