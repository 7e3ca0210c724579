//! What is throttled, per whom, and what an over-limit client is told.
//! Each limit is a Cloudflare Rate Limiting binding (`[[ratelimits]]` in
//! wrangler.toml, counted at the edge across isolates); the edge asks it
//! with the key made here. Clients are told apart as Cloudflare names them
//! (`CF-Connecting-IP`). The limits are far above what a person does, so
//! only scripts meet them, and nothing over a limit is counted or fetched.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Failed console sign-ins per client: 10 a minute.
    SignIn,
    /// File downloads per client and share: 120 a minute (a person saving
    /// every file of a large share by hand clicks far slower).
    Download,
    /// Folder ZIPs per client and share: 10 a minute. Each costs the
    /// producer's Dropbox a `download_zip` call.
    Zip,
    /// Failed API authentications per client: 30 a minute. Only a key
    /// presented and refused counts; a request with none costs no lookup.
    ApiAuth,
    /// Dropbox OAuth callbacks per client: 10 a minute.
    Callback,
}

/// Every binding counts over 60 seconds: what an over-limit client is told
/// to wait (`Retry-After`).
pub const RETRY_AFTER_S: u64 = 60;

impl Limit {
    /// The binding's name in wrangler.toml.
    pub fn binding(self) -> &'static str {
        match self {
            Limit::SignIn => "SIGN_IN_LIMITER",
            Limit::Download => "DOWNLOAD_LIMITER",
            Limit::Zip => "ZIP_LIMITER",
            Limit::ApiAuth => "AUTH_LIMITER",
            Limit::Callback => "CALLBACK_LIMITER",
        }
    }

    /// The key counted: the client, and the share for limits per share
    /// (`share` is ignored by the others).
    pub fn key(self, client: &str, share: &str) -> String {
        match self {
            Limit::SignIn => format!("sign-in:{client}"),
            Limit::Download => format!("download:{client}:{share}"),
            Limit::Zip => format!("zip:{client}:{share}"),
            Limit::ApiAuth => format!("api-auth:{client}"),
            Limit::Callback => format!("callback:{client}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_are_counted_per_client_and_share_the_rest_per_client() {
        assert_eq!(
            Limit::Download.key("203.0.113.7", "tok"),
            "download:203.0.113.7:tok"
        );
        assert_ne!(
            Limit::Download.key("a", "s1"),
            Limit::Download.key("a", "s2")
        );
        assert_ne!(Limit::Download.key("a", "s"), Limit::Zip.key("a", "s"));
        assert_eq!(Limit::ApiAuth.key("a", "s1"), Limit::ApiAuth.key("a", "s2"));
        let bindings = [
            Limit::SignIn,
            Limit::Download,
            Limit::Zip,
            Limit::ApiAuth,
            Limit::Callback,
        ]
        .map(Limit::binding);
        let wrangler = include_str!("../wrangler.toml");
        for binding in bindings {
            assert!(
                wrangler.contains(&format!("name = \"{binding}\"")),
                "{binding} is bound in wrangler.toml"
            );
        }
    }
}
