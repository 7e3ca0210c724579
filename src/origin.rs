//! The origin every absolute URL the worker makes starts with (share URLs,
//! the OAuth redirect URI): the configured `PUBLIC_ORIGIN`, never the
//! `Host` a request happens to carry.

use url::Url;

/// `PUBLIC_ORIGIN` when set (it must be an `https://` or `http://` origin),
/// else, for local development only, the origin of a request made to a
/// loopback address. `None` means this deployment must be configured.
pub fn public_origin(configured: Option<&str>, request: &Url) -> Option<String> {
    match configured.map(str::trim).filter(|c| !c.is_empty()) {
        Some(configured) => {
            let url = Url::parse(configured).ok()?;
            let plain = matches!(url.scheme(), "https" | "http")
                && url.host().is_some()
                && url.path() == "/"
                && url.query().is_none()
                && url.username().is_empty();
            plain.then(|| url.origin().ascii_serialization())
        }
        None => {
            let local = match request.host() {
                Some(url::Host::Domain(d)) => d == "localhost",
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            local.then(|| request.origin().ascii_serialization())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn the_configured_origin_wins_over_any_host() {
        let evil = url("https://evil.example/api/shares");
        assert_eq!(
            public_origin(Some("https://share.example.com"), &evil).as_deref(),
            Some("https://share.example.com")
        );
        assert_eq!(
            public_origin(
                Some("https://share.example.com/"),
                &url("http://127.0.0.1:8787/x")
            )
            .as_deref(),
            Some("https://share.example.com")
        );
        for bad in [
            "share.example.com",
            "ftp://x.com",
            "https://x.com/app",
            "https://u@x.com",
        ] {
            assert_eq!(public_origin(Some(bad), &evil), None, "{bad}");
        }
    }

    #[test]
    fn without_one_only_local_development_uses_the_request() {
        for local in [
            "http://127.0.0.1:8787/a",
            "http://localhost:8787/",
            "http://[::1]:9/",
        ] {
            let u = url(local);
            assert_eq!(
                public_origin(None, &u),
                Some(u.origin().ascii_serialization())
            );
        }
        assert_eq!(
            public_origin(Some(""), &url("http://127.0.0.1:1/")).as_deref(),
            Some("http://127.0.0.1:1")
        );
        assert_eq!(
            public_origin(None, &url("https://share.example.com/")),
            None
        );
        assert_eq!(public_origin(None, &url("http://10.0.0.5:8787/")), None);
    }
}
