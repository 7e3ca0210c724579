//! The file routes the worker calls: a temporary link for a file, a ZIP of
//! a folder, and the cache key a link is kept under.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{join, rpc, Config, Outbound};

pub fn temporary_link(config: &Config, access_token: &str, path: &str) -> Outbound {
    let argument = json!({ "path": path }).to_string();
    rpc(
        config,
        access_token,
        "/2/files/get_temporary_link",
        argument,
    )
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

/// The link in a `get_temporary_link` answer.
pub fn parse_link(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body).ok()?;
    let link = value.get("link")?.as_str()?;
    let parsed = url::Url::parse(link).ok()?;
    matches!(parsed.scheme(), "https" | "http").then(|| link.to_owned())
}

/// Temporary links live 4 hours; a cached one is dropped well before.
pub const LINK_TTL_SECONDS: u64 = 3 * 3600;

/// The cache key of a temporary link. It is a digest of everything that
/// decides which bytes the link serves (owner, Dropbox account, what it
/// stands for, path), so no other producer, account, file or path can ever
/// share it.
pub fn link_cache_key(producer_id: &str, account_id: &str, subject: &str, path: &str) -> String {
    format!(
        "link:v1:{}",
        digest_hex(&[producer_id, account_id, subject, path])
    )
}

/// SHA-256 of the parts, each prefixed by its length so that no two lists
/// of parts run together into the same bytes.
pub fn digest_hex(parts: &[&str]) -> String {
    let mut digest = Sha256::new();
    for part in parts {
        digest.update((part.len() as u64).to_be_bytes());
        digest.update(part.as_bytes());
    }
    digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dropbox::oauth::parse_grant;
    use crate::dropbox::testing::{config, header};

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
}
